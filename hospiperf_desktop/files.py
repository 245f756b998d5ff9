"""Writing files users keep: all or nothing, with a message a user can act on."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from hospiperf_desktop.errors import OutputError


def _process_umask() -> int:
    # Read once, at import (os.umask can only be read by setting it).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_process_umask()


def _disk_full_reason(partial: Path) -> str:
    """How much room a write that filled the disk needs: more than it had written."""
    from hospiperf_desktop.faults import megabytes

    try:
        written = partial.stat().st_size
        free = shutil.disk_usage(partial.parent).free
    except OSError:
        return "the disk is full"
    return f"the disk is full: more than {megabytes(written)} needed, {megabytes(free)} free"


def write_atomically(path: Path, write: Callable[[str], None], *, private: bool = False) -> None:
    """Run `write(temporary_name)` in `path`'s folder, then rename over `path`.

    A failed or cancelled write leaves no partial file and an existing `path` untouched. A
    folder that does not exist or cannot be written raises OutputError. A `private` file
    (a secret key) stays readable by its owner only, from its first byte.
    """
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
    except OSError as err:
        raise OutputError(path, err.strerror or str(err)) from err
    os.close(descriptor)
    try:
        write(temporary)
        # mkstemp makes the file private (0600); a report is an ordinary user file.
        if not private:
            os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except OSError as err:
        reason = _disk_full_reason(Path(temporary)) if err.errno == errno.ENOSPC else None
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(path, reason or err.strerror or str(err)) from err
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: Path, content: bytes) -> None:
    """`path.write_bytes(content)`, all or nothing (see write_atomically)."""

    def write(temporary: str) -> None:
        Path(temporary).write_bytes(content)

    write_atomically(path, write)
