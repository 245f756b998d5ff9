"""The extent of an .xls (BIFF8) workbook, read from its records before calamine opens it.

An .xls is an OLE compound file whose "Workbook" stream is a list of BIFF records. A cell
record names its row and column (16 bits each), and calamine allocates the rectangle from
the first to the last cell: one record at row 65,535, column 65,535 in a 2 KB file would
ask for four billion cells. This module follows the compound file's sector chains (with
loop guards: a chain never visits more sectors than the file holds) to the Workbook stream
and reads the position of every cell record, sheet by sheet, against the read limits.
"""

from __future__ import annotations

import struct
from pathlib import Path

from hospiperf_desktop.errors import InputFileError, SourceIssue
from hospiperf_desktop.workbook_checks import Extent

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN = 0xFFFFFFFE
_BOF = 0x0809
_CELLS = {0x0203, 0x00FD, 0x027E, 0x0201, 0x0205, 0x0204, 0x00D6, 0x0006, 0x0406}
_MULTIPLE = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
_DIMENSIONS = 0x0200


class _Damaged(ValueError):
    pass


def _refuse(file: str, reason: str) -> InputFileError:
    message = f"not a readable .xls workbook ({reason})"
    return InputFileError([SourceIssue(file, None, None, message, "unreadable")])


class _Compound:
    """Just enough of the OLE compound file format to read one stream."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(MAGIC):
            raise _Damaged("not an OLE compound file")
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise _Damaged("unexpected sector size")
        self.size = 1 << shift
        self.sectors = max((len(data) - self.size) // self.size, 0)
        self.fat = self._fat()
        (self.first_directory,) = struct.unpack_from("<I", data, 0x30)
        self.cutoff, self.first_mini_fat = struct.unpack_from("<II", data, 0x38)

    def sector(self, number: int) -> bytes:
        if number >= self.sectors:
            raise _Damaged("a sector lies outside the file")
        start = (number + 1) * self.size
        return self.data[start : start + self.size]

    def _fat(self) -> list[int]:
        difat = list(struct.unpack_from("<109I", self.data, 0x4C))
        next_difat, count = struct.unpack_from("<II", self.data, 0x44)
        per_sector = self.size // 4 - 1
        for _ in range(min(count, self.sectors)):
            if next_difat >= END_OF_CHAIN:
                break
            entries = struct.unpack(f"<{per_sector + 1}I", self.sector(next_difat))
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        fat: list[int] = []
        for number in difat:
            if number < END_OF_CHAIN - 2 and number < self.sectors:
                fat.extend(struct.unpack(f"<{self.size // 4}I", self.sector(number)))
        return fat

    def chain(self, start: int, table: list[int]) -> list[int]:
        numbers: list[int] = []
        while start < END_OF_CHAIN - 3:
            if start >= len(table) or len(numbers) > len(table):
                raise _Damaged("a broken sector chain")
            numbers.append(start)
            start = table[start]
        return numbers

    def stream(self, name: str) -> bytes:
        directory = b"".join(self.sector(n) for n in self.chain(self.first_directory, self.fat))
        root_start, root_size = 0, 0
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset : offset + 128]
            length, kind = struct.unpack_from("<HB", entry, 64)
            start, size = struct.unpack_from("<II", entry, 116)
            if kind == 5:
                root_start, root_size = start, size
            label = entry[: max(min(length, 64) - 2, 0)].decode("utf-16-le", "replace")
            if kind == 2 and label == name:
                if size < self.cutoff:
                    return self._mini_stream(start, size, root_start, root_size)
                body = b"".join(self.sector(n) for n in self.chain(start, self.fat))
                return body[:size]
        raise KeyError(name)

    def _mini_stream(self, start: int, size: int, root_start: int, root_size: int) -> bytes:
        container = b"".join(self.sector(n) for n in self.chain(root_start, self.fat))
        container = container[:root_size]
        mini_fat_bytes = b"".join(self.sector(n) for n in self.chain(self.first_mini_fat, self.fat))
        mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
        body = b"".join(container[n * 64 : n * 64 + 64] for n in self.chain(start, mini_fat))
        return body[:size]


def workbook_stream(data: bytes) -> bytes:
    compound = _Compound(data)
    for name in ("Workbook", "Book"):
        try:
            return compound.stream(name)
        except KeyError:
            continue
    raise _Damaged("no Workbook stream")


def check_xls(path: Path) -> None:
    """Refuse an .xls whose cells reach past the limits (or whose structure is broken)."""
    try:
        stream = workbook_stream(path.read_bytes())
    except (_Damaged, struct.error) as err:
        raise _refuse(path.name, str(err)) from None
    _check_records(stream, path.name)


def _check_records(stream: bytes, file: str) -> None:
    sheet = 0
    extent = Extent(file, "sheet 1")
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        if len(body) < length:
            raise _refuse(file, f"a record at byte {position} is cut short")
        position += 4 + length
        if kind == _BOF:
            extent.finish()
            sheet += 1
            extent = Extent(file, f"sheet {max(sheet - 1, 1)}")
        elif kind in _CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
            extent.fill(1)
            extent.reach(row + 1, column + 1)
        elif kind in _MULTIPLE and length >= 6:
            row, first = struct.unpack_from("<HH", body)
            (last,) = struct.unpack_from("<H", body, length - 2)
            extent.fill(max(last - first + 1, 1))
            extent.reach(row + 1, last + 1)
        elif kind == _DIMENSIONS and length >= 12:
            _first_row, end_row, _first_col, end_col = struct.unpack_from("<IIHH", body)
            Extent(file, f"sheet {max(sheet - 1, 1)} (declared dimension)").reach(end_row, end_col)
    extent.finish()
