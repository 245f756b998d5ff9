"""The `hospiperf` command line: every job of the UI, headless, through the same services.

Conventions: `--db PATH` (or HOSPIPERF_DB) chooses the database; `--json` prints
machine-readable output on stdout; an error is one line on stderr and exit code 2; a check
that finds a problem (`audit verify`) exits with 1.
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
    stock,
    system,
)
from hospiperf_desktop.cli.common import EXIT_ERROR, EXIT_OK, CliError, fail
from hospiperf_desktop.errors import HospiPerfError

COMMAND_MODULES = (
    system,
    establishments,
    diagnostics,
    stock,
    activity,
    calculators,
    bundles,
    backup,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hospiperf",
        description="HospiPerf Desktop from the command line.",
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
        fail(str(err))
    except KeyboardInterrupt:
        print("hospiperf: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    return code
