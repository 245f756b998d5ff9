"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, NoReturn

from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.faults import DatabaseDamaged, DatabaseFault
from hospiperf_desktop.number_columns import DotChoice
from hospiperf_desktop.paths import resolve_database_path
from hospiperf_desktop.safe_cells import finite_only
from hospiperf_desktop.services import Services, open_services

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_ERROR = 2
EXIT_UNEXPECTED = 3
SQLITE_MAX_INTEGER = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100  # as the activity service (activity/service.py)


class CliError(Exception):
    """A usage problem detected by a command (bad value, unknown FINESS...)."""


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print the error (each line without control characters, cut to a sane length) and
    exit with `code` (2, or a database fault's own code). A refused file's message keeps one
    line per problem."""
    lines = [_printable(line)[:300] for line in message.splitlines()[:25]] or [""]
    print("hospiperf: error: " + "\n".join(lines), file=sys.stderr)
    raise SystemExit(code)


def _printable(line: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]+", " ", line)


@contextmanager
def database_faults() -> Iterator[None]:
    """A database fault (damaged, read-only, busy, disk full, not ours) ends the command with
    one line and its own exit code (see docs/backups.md)."""
    try:
        yield
    except DatabaseFault as err:
        if isinstance(err, DatabaseDamaged) and err.last_good is None:
            from hospiperf_desktop.backup.service import last_good_backup

            err = DatabaseDamaged(err.path, err.detail, last_good_backup(err.path))
        fail(str(err), err.exit_code)


@contextmanager
def services_for(args: argparse.Namespace) -> Iterator[Services]:
    with database_faults():
        services = open_services(resolve_database_path(args.db))
        try:
            yield services
        finally:
            services.close()


def print_json(value: Any) -> None:
    """Strict JSON on stdout: a non-finite number (inf, NaN) is printed as null, with a note
    on stderr naming where, never as `Infinity`, which is not JSON."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    elif isinstance(value, list | tuple):
        value = [asdict(v) if is_dataclass(v) and not isinstance(v, type) else v for v in value]
    replaced: list[str] = []
    value = finite_only(value, replaced)
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str, allow_nan=False)
    if replaced:
        shown = ", ".join(replaced[:5]) + (" …" if len(replaced) > 5 else "")
        print(f"hospiperf: note: non-finite numbers printed as null: {shown}", file=sys.stderr)
    sys.stdout.write(text + "\n")


# --- argument types: a bad value is refused by argparse, one line and exit 2 ------------------


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{short(text)} is not a whole number") from None


def record_id(text: str) -> int:
    """An id of a stored record: a whole number from 1 to SQLite's largest integer."""
    value = _integer(text)
    if not 1 <= value <= SQLITE_MAX_INTEGER:
        raise argparse.ArgumentTypeError(f"{short(text)} is not a valid id (1 to 2^63-1)")
    return value


def year(text: str) -> int:
    value = _integer(text)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{short(text)} is not a year between {FIRST_YEAR} and {LAST_YEAR}"
        )
    return value


def count(text: str) -> int:
    """A number of things (beds, patients, weeks…): a whole number, zero or more."""
    value = _integer(text)
    if not 0 <= value <= SQLITE_MAX_INTEGER:
        raise argparse.ArgumentTypeError(f"{short(text)} is not a count (0 or more)")
    return value


def finite_number(text: str) -> float:
    """A decimal number (point or comma), finite and of a sane magnitude."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{short(text)} is not a number") from None
    return checked_number(value, text)


def checked_number(value: float, text: str) -> float:
    """`value` if finite and within plausibility.MAX_MAGNITUDE, else an argparse error."""
    from hospiperf_desktop.plausibility import MAX_MAGNITUDE, check_finite

    if check_finite(value) is not None:
        raise argparse.ArgumentTypeError(
            f"{short(text)} is not a finite number of at most {MAX_MAGNITUDE:g} in size"
        )
    return value


def existing_file(text: str) -> Path:
    """A file to read: it must exist and be a file."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{short(text)}: file not found")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{short(text)}: not a file")
    return path


def short(text: str) -> str:
    from hospiperf_desktop.failures import short_text

    return short_text(text, 80)


def dot_options(parser: argparse.ArgumentParser) -> None:
    """`--decimal-point` / `--thousands-point`: what "1.500" means where a file cannot tell
    (hospiperf_desktop/number_columns.py); the choice lands in `args.single_dot`."""
    dots = parser.add_mutually_exclusive_group()
    help_text = "in columns that cannot tell, '1.500' is {}"
    dots.add_argument(
        "--decimal-point",
        dest="single_dot",
        action="store_const",
        const=DotChoice.DECIMAL,
        help=help_text.format("1.5 (a decimal point)"),
    )
    dots.add_argument(
        "--thousands-point",
        dest="single_dot",
        action="store_const",
        const=DotChoice.THOUSANDS,
        help=help_text.format("1500 (a thousands separator)"),
    )


DOT_HINT = "say what a dot means with --decimal-point or --thousands-point"
_SHOWN_ISSUES = 3


def one_line(issues: Sequence[SourceIssue], hint: str) -> str:
    """A few of `issues` on one line, after the hint that lifts them."""
    # The hint first: a long line is cut at its end when it is printed (fail).
    shown = "; ".join(str(i) for i in issues[:_SHOWN_ISSUES])
    more = f"; ... and {len(issues) - _SHOWN_ISSUES} more" if len(issues) > _SHOWN_ISSUES else ""
    return f"({hint}) {shown}{more}"


def ambiguity_refusal(err: FileImportError) -> CliError | None:
    """A file refused for its ambiguous numbers, as one line naming the flags that choose."""
    if any(i.code == "ambiguous_number" for i in err.issues):
        return CliError("ambiguous numbers: " + one_line(err.issues, DOT_HINT))
    return None
