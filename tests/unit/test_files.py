"""Files users keep are written whole, and readable like any file they save."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hospiperf_desktop.errors import OutputError
from hospiperf_desktop.files import write_atomically


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
