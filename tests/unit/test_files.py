"""Files users keep are written whole, and readable like any file they save."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hospiperf_desktop.errors import OutputError
from hospiperf_desktop.files import write_atomically, write_bytes_atomically


def test_a_written_file_gets_the_usual_permissions_not_mkstemps(tmp_path: Path) -> None:
    target = tmp_path / "rapport.xlsx"
    write_atomically(target, lambda name: Path(name).write_bytes(b"data"))
    assert target.read_bytes() == b"data"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "rapport.xlsx"

    def fail(name: str) -> None:
        Path(name).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError):
        write_atomically(target, fail)
    assert list(tmp_path.iterdir()) == []


def test_a_private_file_is_owner_only_from_its_first_byte(tmp_path: Path) -> None:
    modes = []

    def write(path: str) -> None:
        modes.append(stat.S_IMODE(os.stat(path).st_mode))  # before any byte is written
        Path(path).write_bytes(b"secret")

    target = tmp_path / "key.pem"
    write_atomically(target, write, private=True)
    assert modes == [0o600]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_saved_evidence_bytes_are_written_whole_or_refused_with_a_message(tmp_path: Path) -> None:
    target = tmp_path / "preuve.pdf"
    write_bytes_atomically(target, b"%PDF-1.7")
    assert target.read_bytes() == b"%PDF-1.7"
    with pytest.raises(OutputError, match="cannot be written"):
        write_bytes_atomically(tmp_path / "absent" / "preuve.pdf", b"%PDF-1.7")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["preuve.pdf"]
