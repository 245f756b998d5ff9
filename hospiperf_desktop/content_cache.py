"""Documents made once per content: their bytes kept in a folder under the hash of all they
show, so that an export of many unchanged documents reads them instead of drawing them again.

The key is the hash of `repr()` of the inputs (frozen dataclasses, tuples and dicts of plain
values, in a fixed order) and of the application's version; what changes on every writing
(the moment printed on a report) is left out of it by the caller, and stays that of the first
writing. The newest `keep` files are kept. A folder that cannot be written makes every
document again: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from hospiperf_desktop import __version__

KEEP = 200  # a region's export holds a few dozen documents


def cache_folder(database: Path) -> Path:
    """Documents made from a database, beside it."""
    return database.with_name(database.name + ".cache") / "documents"


def forget_documents(database: Path) -> None:
    """Delete every kept document made from `database`: after data is deleted (an
    establishment, the demo), none of its reports may outlive it in the cache."""
    import shutil

    shutil.rmtree(cache_folder(database), ignore_errors=True)


class ContentCache:
    def __init__(self, folder: Path | None, keep: int = KEEP) -> None:
        self._folder = folder
        self._keep = keep

    def bytes_for(self, content: object, suffix: str, make: Callable[[], bytes]) -> bytes:
        """The document showing `content`: read if made before, else `make()` and kept."""
        if self._folder is None:
            return make()
        key = hashlib.sha256(repr((__version__, content)).encode("utf-8")).hexdigest()
        path = self._folder / f"{key}{suffix}"
        if path.is_file():
            os.utime(path)  # recently used: kept when the oldest are dropped
            return path.read_bytes()
        data = make()
        try:
            from hospiperf_desktop.files import write_bytes_atomically

            self._folder.mkdir(parents=True, exist_ok=True)
            write_bytes_atomically(path, data)
            self._drop_oldest()
        except OSError:
            pass  # a read-only folder: made again next time
        return data

    def _drop_oldest(self) -> None:
        assert self._folder is not None
        files = sorted(self._folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[self._keep :]:
            old.unlink(missing_ok=True)
