"""The `hospiperf` command line: every job of the UI, headless, through the same services.

Conventions: `--db PATH` (or HOSPIPERF_DB) chooses the database; `--json` prints
machine-readable output on stdout (strict JSON: a non-finite number is printed as null, with
a note on stderr).

Exit codes:
  0  done;
  1  a check found a problem (`audit verify`);
  2  an error the user can act on (bad argument, refused file, missing file, a number too
     large to compute with): one line on stderr;
  3  an unexpected error (a bug): one line on stderr naming the log file that holds the
     details (`hospiperf.log` under the user data folder's `logs/`, or $HOSPIPERF_LOG_DIR);
  20-25  a database in trouble, one code each (damaged, read-only, busy, disk full, not a
     HospiPerf database, backup failed; `faults.py`, docs/backups.md): one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from hospiperf_desktop import __version__
from hospiperf_desktop.cli import (
    activity,
    backup,
    bundles,
    calculators,
    diagnostics,
    establishments,
    library,
    stock,
    system,
)
from hospiperf_desktop.cli.common import EXIT_ERROR, EXIT_OK, EXIT_UNEXPECTED, CliError, fail
from hospiperf_desktop.errors import HospiPerfError

COMMAND_MODULES = (
    system,
    establishments,
    diagnostics,
    stock,
    activity,
    calculators,
    bundles,
    library,
    backup,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hospiperf",
        description="HospiPerf Desktop from the command line.",
        epilog="Exit codes: 0 done, 1 a check found a problem, 2 error (one line on stderr),"
        " 3 unexpected error (details in the log file named on stderr), 20-25 the database"
        " is damaged, read-only, busy, on a full disk, not a HospiPerf database, or a backup"
        " failed.",
    )
    parser.add_argument("--version", action="version", version=f"hospiperf {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $HOSPIPERF_DB, else the user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except (CliError, HospiPerfError) as err:
        # A database fault met outside services_for keeps its own exit code too.
        fail(str(err), getattr(err, "exit_code", EXIT_ERROR))
    except KeyboardInterrupt:
        print("hospiperf: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except Exception as err:
        return _unexpected(err, args)
    return code


def _unexpected(err: Exception, args: argparse.Namespace) -> int:
    """The error boundary: a known fault is an error (exit 2); anything else is logged."""
    from hospiperf_desktop.failures import describe, known_fault, log_exception

    fault = known_fault(err)
    if fault is not None:
        fail(fault.message)
    log = log_exception(err, f"hospiperf {args.command}")
    where = f"details in {log}" if log else "no log could be written"
    print(f"hospiperf: unexpected error ({describe(err)}); {where}", file=sys.stderr)
    return EXIT_UNEXPECTED
