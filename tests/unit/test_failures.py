"""Sorting failures for the error boundary, and the size-limited error log."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc

from hospiperf_desktop import failures


@pytest.fixture(autouse=True)
def _log_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSPIPERF_LOG_DIR", str(tmp_path / "logs"))


def _wrapped(message: str) -> Exception:
    return sqlalchemy.exc.OperationalError("UPDATE …", {}, sqlite3.OperationalError(message))


def test_sqlite_faults_are_recognised_through_sqlalchemy_and_causes() -> None:
    assert failures.known_fault(_wrapped("database is locked")).code == "locked"  # type: ignore[union-attr]
    assert failures.known_fault(_wrapped("attempt to write a readonly database")).code == (  # type: ignore[union-attr]
        "readonly"
    )
    try:
        try:
            raise _wrapped("database or disk is full")
        except sqlalchemy.exc.OperationalError as inner:
            raise ValueError("while saving") from inner
    except ValueError as outer:
        assert failures.known_fault(outer).code == "disk_full"  # type: ignore[union-attr]


def test_an_overflowing_sum_is_a_known_fault_and_a_bug_is_not() -> None:
    with pytest.raises(OverflowError) as caught:
        math.fsum([1.5e308, 1.5e308])
    assert failures.known_fault(caught.value).code == "overflow"  # type: ignore[union-attr]
    assert failures.known_fault(KeyError("x")) is None
    assert failures.known_fault(_wrapped("no such table: foo")) is None


def test_a_missing_file_is_a_known_fault_naming_the_file() -> None:
    fault = failures.known_fault(FileNotFoundError(2, "No such file or directory", "/x/y.csv"))
    assert fault is not None and fault.message == "/x/y.csv: No such file or directory"


def test_the_log_keeps_the_traceback_once_and_rotates_at_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(failures, "LOG_MAX_BYTES", 2_000)
    errors = []
    for number in range(40):
        try:
            raise RuntimeError(f"panne {number} " + "x" * 200)
        except RuntimeError as err:
            errors.append(err)
            assert failures.log_exception(err, "test") == tmp_path / "logs" / "hospiperf.log"
    failures.log_exception(errors[-1])  # already logged: not written again
    logs = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert logs == ["hospiperf.log", "hospiperf.log.1", "hospiperf.log.2", "hospiperf.log.3"]
    for path in (tmp_path / "logs").iterdir():
        assert path.stat().st_size < 2_000 + 1_500
    current = (tmp_path / "logs" / "hospiperf.log").read_text(encoding="utf-8")
    assert current.count("panne 39") == 1 and "Traceback" in current


def test_short_text_is_one_line_without_control_characters() -> None:
    text = failures.short_text("a\x00b\nc" * 500)
    assert len(text) <= failures.MESSAGE_MAX_CHARS
    assert not any(ord(c) < 32 for c in text)
