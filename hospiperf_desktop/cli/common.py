"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from typing import Any, NoReturn

from hospiperf_desktop.faults import DatabaseDamaged, DatabaseFault
from hospiperf_desktop.paths import resolve_database_path
from hospiperf_desktop.services import Services, open_services

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_ERROR = 2


class CliError(Exception):
    """A usage problem detected by a command (bad value, unknown FINESS...)."""


def fail(message: str) -> NoReturn:
    print(f"hospiperf: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_ERROR)


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
        print(f"hospiperf: error: {err}", file=sys.stderr)
        raise SystemExit(err.exit_code) from None


@contextmanager
def services_for(args: argparse.Namespace) -> Iterator[Services]:
    with database_faults():
        services = open_services(resolve_database_path(args.db))
        try:
            yield services
        finally:
            services.close()


def print_json(value: Any) -> None:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    elif isinstance(value, list):
        value = [asdict(v) if is_dataclass(v) and not isinstance(v, type) else v for v in value]
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
