"""What the error boundary of the CLI and of the window needs: sort a failure, log it.

Three kinds of failure reach a boundary:

- the application's own errors (`HospiPerfError`): their message is for the user;
- **known faults** of the environment, which deserve a clear message rather than a
  traceback: the database locked by another program (after the busy timeout), a read-only
  database, a full disk, a disk error, a file that cannot be found or read, a number too
  large to compute with (`OverflowError`, e.g. from `math.fsum`);
- anything else is **unexpected**: the user gets a short message naming the log file, and
  the traceback goes to that log (`log_folder()/hospiperf.log`, at most 1 MB, three older
  files kept as `.1` … `.3`).

No Qt and no SQLAlchemy here: a SQLAlchemy error is recognised by the sqlite3 error it
wraps (its `orig`), so the window can use this module too.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import sqlite3
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from hospiperf_desktop import __version__
from hospiperf_desktop.paths import log_folder

LOG_NAME = "hospiperf.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
MESSAGE_MAX_CHARS = 200

# Phrases of SQLite's messages (sqlite3.OperationalError), and the fault each one means.
_DATABASE_FAULTS = (
    ("database is locked", "locked"),
    ("database table is locked", "locked"),
    ("readonly database", "readonly"),
    ("database or disk is full", "disk_full"),
    ("disk i/o error", "disk_io"),
)
FAULT_MESSAGES = {
    "locked": "the database is in use by another program (still locked after waiting);"
    " close the other program or try again later",
    "readonly": "the database cannot be written (read-only file or folder); check its"
    " permissions or choose another file with --db",
    "disk_full": "the disk is full; free some space and try again (nothing was saved)",
    "disk_io": "the disk reported an error while reading or writing the database",
    "overflow": "a number is too large to compute with; check the values entered or imported"
    " (some are far beyond any real figure)",
}
_lock = threading.Lock()


@dataclass(frozen=True)
class Fault:
    """A known fault: `code` is stable (for translation), `message` is English, `subject`
    the file concerned (for code "file")."""

    code: str
    message: str
    subject: str = ""


def _causes(err: BaseException) -> list[BaseException]:
    """The error, the error it wraps (SQLAlchemy's `orig`) and its causes, nearest first."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [err]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is s for s in seen) or len(seen) > 10:
            continue
        seen.append(current)
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None]
        pending += [current.__cause__, current.__context__]
    return seen


def known_fault(err: BaseException) -> Fault | None:
    """The fault `err` is, if it is one the user can act on without a traceback."""
    for cause in _causes(err):
        if isinstance(cause, sqlite3.OperationalError | sqlite3.DatabaseError):
            text = str(cause).lower()
            for phrase, code in _DATABASE_FAULTS:
                if phrase in text:
                    return Fault(code, FAULT_MESSAGES[code])
        if isinstance(cause, OverflowError):
            return Fault("overflow", FAULT_MESSAGES["overflow"])
        if isinstance(cause, OSError) and cause.filename is not None:
            reason = cause.strerror or type(cause).__name__
            name = short_text(str(cause.filename))
            return Fault("file", f"{name}: {reason}", name)
    return None


def is_unexpected(err: BaseException) -> bool:
    """Neither one of the application's errors nor a known fault: a bug, to be logged."""
    from hospiperf_desktop.errors import HospiPerfError

    return not isinstance(err, HospiPerfError) and known_fault(err) is None


def short_text(text: str, limit: int = MESSAGE_MAX_CHARS) -> str:
    """One line, no control characters, at most `limit` characters."""
    line = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe(err: BaseException) -> str:
    """`TypeName: message`, short, for a one-line report."""
    message = short_text(str(err), 120)
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def log_path() -> Path:
    return log_folder() / LOG_NAME


def _rotate(path: Path) -> None:
    if not path.exists() or path.stat().st_size < LOG_MAX_BYTES:
        return
    for number in range(LOG_BACKUPS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{number + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def log_exception(err: BaseException, context: str = "") -> Path | None:
    """Append the traceback of `err` to the log; the log's path, or None if it cannot be
    written. Logging the same exception twice writes it once."""
    logged = getattr(err, "_hospiperf_logged", None)
    if logged is not None:
        return Path(logged)
    path = log_path()
    stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    details = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    entry = (
        f"--- {stamp} HospiPerf Desktop {__version__}, Python {sys.version.split()[0]},"
        f" {context or 'unexpected error'}\n{details}\n"
    )
    try:
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            _rotate(path)
            with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
                log.write(entry)
    except OSError:
        return None
    with contextlib.suppress(AttributeError):  # an exception type without a __dict__
        err._hospiperf_logged = str(path)  # type: ignore[attr-defined]
    return path
