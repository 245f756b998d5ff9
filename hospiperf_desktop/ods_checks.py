"""The extent of an .ods workbook, read from its content.xml before calamine opens it.

LibreOffice writes repeated rows and cells as one element with a count
(`table:number-rows-repeated="1048553"`): empty repeats after the data take no room, while a
value repeated N times takes N cells. expat streams content.xml (after the zip checks of
`workbook_checks.check_zip`) and the extent of the cells holding data is checked against the
limits as it grows.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from hospiperf_desktop.workbook_checks import (
    ZIP_ERRORS,
    Extent,
    Findings,
    check_zip,
    damaged,
    feed,
    new_parser,
    short_reason,
    shown_name,
    xml_pieces,
)

_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def check_ods(path: Path) -> Findings:
    """Refuse an ods past a limit: zip directory, then the extent of the cells holding data.

    Empty rows and cells repeated many times (LibreOffice writes a million empty rows after
    the data) take no room; a value repeated N times takes N cells.
    """
    findings = Findings()
    with check_zip(path) as archive:
        try:
            entry = archive.getinfo("content.xml")
        except KeyError:
            raise damaged(path.name, "no content.xml") from None
        try:
            for other in archive.infolist():
                if other.filename.lower().endswith(".xml") and other is not entry:
                    with archive.open(other) as handle:
                        name = shown_name(other.filename)
                        for _piece in xml_pieces(handle, path.name, name, findings):
                            pass
            with archive.open(entry) as handle:
                _scan_ods(handle, path.name, findings)
        except ZIP_ERRORS as err:
            raise damaged(path.name, f"content.xml: {short_reason(err)}") from None
    return findings


class _OdsScan:
    def __init__(self, file: str) -> None:
        self.file = file
        self.extent = Extent(file, "content.xml")
        self.row = 0  # rows before the current one
        self.row_repeat = 1
        self.column = 0  # cells before the current one, in the current row
        self.cell_repeat = 1
        self.row_has_data = False
        self.row_width = 0
        self.cell_has_data = False
        self.depth_in_cell = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        uri, _, local = name.rpartition(" ")
        if uri == _ODS_TABLE and local == "table":
            self.row = 0
        elif uri == _ODS_TABLE and local == "table-row":
            self.row_repeat = _repeat(attributes, "number-rows-repeated", self.file)
            self.column, self.row_has_data, self.row_width = 0, False, 0
        elif uri == _ODS_TABLE and local in ("table-cell", "covered-table-cell"):
            self.cell_repeat = _repeat(attributes, "number-columns-repeated", self.file)
            self.cell_has_data = f"{_ODS_OFFICE} value-type" in attributes
            self.depth_in_cell = 1
        elif self.depth_in_cell:
            self.depth_in_cell += 1
            self.cell_has_data = True  # a paragraph, a link, an annotation…

    def end(self, name: str) -> None:
        uri, _, local = name.rpartition(" ")
        if uri == _ODS_TABLE and local in ("table-cell", "covered-table-cell"):
            self.column += self.cell_repeat
            if self.cell_has_data:
                self.extent.fill(self.cell_repeat * self.row_repeat)
                self.row_has_data, self.row_width = True, self.column
                self.extent.reach(self.row + 1, self.row_width)
            self.depth_in_cell = 0
        elif self.depth_in_cell:
            self.depth_in_cell -= 1
        elif uri == _ODS_TABLE and local == "table-row":
            self.row += self.row_repeat
            if self.row_has_data:
                self.extent.reach(self.row, self.row_width)


def _repeat(attributes: dict[str, str], name: str, file: str) -> int:
    text = attributes.get(f"{_ODS_TABLE} {name}", "1")
    if not text.isdigit() or len(text) > 9:
        raise damaged(file, f"content.xml: {name} is not a count")
    return max(int(text), 1)


def _scan_ods(handle: IO[bytes], file: str, findings: Findings) -> None:
    scan = _OdsScan(file)
    parser = new_parser()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    feed(parser, handle, file, "content.xml", findings)
    scan.extent.finish()
