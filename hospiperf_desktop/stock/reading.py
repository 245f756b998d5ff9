"""Read and check every row of a stock snapshot or movements export, without touching the database.

The result holds rows ready for a bulk insert (product codes not yet resolved to ids), the
products the file describes, and every problem found with its line and column. The loop is
the hot path of a 200,000-line import: fields are looked up by index once, dates and care-unit
names are cached, and nothing is allocated per row that the insert does not need.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.number_columns import (
    ColumnNumbers,
    DotChoice,
    ambiguity_issues,
    looks_numeric,
    read_column,
)
from hospiperf_desktop.plausibility import MAX_MAGNITUDE, PlausibleRange, check_finite
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.stock.bounds import StockBounds, shipped_bounds, unusual_issue
from hospiperf_desktop.stock.cells import (
    CellError,
    blank,
    parse_code,
    parse_date,
    parse_flag,
    parse_number,
    parse_text,
    shown,
)
from hospiperf_desktop.stock.mapping import (
    NUMERIC_FIELDS,
    ColumnMapping,
    ImportKind,
    find_header_row,
    missing_fields,
    resolve,
    unique_headings,
)
from hospiperf_desktop.stock.parameters import StockParameters
from hospiperf_desktop.tabular import Grid, column_letter, fold, headings_text, read_grid

PROGRESS_EVERY = 20_000
KEY_LENGTH = 120  # care-unit, supplier and location keys, as stored
PREVIEW_ROWS = 20


@dataclass
class KnownIds:
    """Ids already in the database, and the next free ones, for rows built ready to insert.

    The reader gives each new product, care unit and supplier the next id, so every row
    comes out of the loop exactly as the insert wants it. The importer reads these under
    its write lock, so no one else can take the ids meanwhile.
    """

    products: dict[str, int] = field(default_factory=dict)  # code → id
    prices: dict[str, float] = field(default_factory=dict)  # code → last known unit price
    care_units: dict[str, int] = field(default_factory=dict)  # key → id
    suppliers: dict[str, int] = field(default_factory=dict)  # key → id
    next_product: int = 1
    next_care_unit: int = 1
    next_supplier: int = 1


@dataclass
class ProductSeen:
    """What a file says about one product (the first row naming it gives its label)."""

    code: str
    line: int
    id: int
    new: bool
    label: str = ""
    category: str | None = None
    mitm: bool | None = None
    unit_price: float | None = None
    suppliers: set[int] = field(default_factory=set)  # ids of suppliers it came in from


# A snapshot row: product id, location, location kind, location key, quantity, unit price,
#                 value, lot, expiry (ISO or None), snapshot date (ISO)
SnapshotRecord = tuple[int, str, str, str, float, float, float, str, str | None, str]
# A movement row: product id, day (ISO), quantity in, quantity out, value in, value out,
#                 care-unit id, supplier id, lot ('' when absent)
MovementRecord = tuple[int, str, float, float, float, float, int | None, int | None, str]


@dataclass
class ParsedFile:
    file: str
    kind: ImportKind
    sha256: str
    header_line: int
    headers: list[str]
    mapping: ColumnMapping
    products: dict[str, ProductSeen] = field(default_factory=dict)
    records: list[Any] = field(default_factory=list)
    issues: list[SourceIssue] = field(default_factory=list)
    rejected_lines: set[int] = field(default_factory=set)
    # Values outside their plausible bounds: imported only when the user confirms them.
    unusual: list[SourceIssue] = field(default_factory=list)
    # How each numeric column's numbers were read (see number_columns.py).
    numbers: tuple[ColumnNumbers, ...] = ()
    first_date: date | None = None
    last_date: date | None = None
    new_care_units: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → key, name
    new_suppliers: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → key, name
    in_date_order: bool = True  # movements already sorted by day (exports usually are)

    @property
    def ok(self) -> bool:
        return not self.issues

    def raise_if_refused(self) -> None:
        if self.issues:
            raise FileImportError(self.issues)


@dataclass(frozen=True)
class Preview:
    """What the mapping step shows: headings, the first rows, the mapping guessed or given."""

    file: str
    header_line: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    row_count: int
    mapping: ColumnMapping
    missing: list[str]
    # How the numbers of each column that holds numbers are read, over every row.
    numbers: tuple[ColumnNumbers, ...] = ()

    def mapped_numbers(self, mapping: ColumnMapping | None = None) -> list[ColumnNumbers]:
        """The numeric columns the mapping feeds into a numeric field, in column order."""
        columns = (mapping or self.mapping).columns
        wanted = {fold(columns[name]) for name in NUMERIC_FIELDS if name in columns}
        return [c for c in self.numbers if fold(c.heading) in wanted]

    def ambiguity_issues(
        self, choice: DotChoice | None, mapping: ColumnMapping | None = None
    ) -> list[SourceIssue]:
        """Refusals of the mapped columns whose dots only the user can read."""
        return ambiguity_issues(self.file, self.mapped_numbers(mapping), choice)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _headed(path: Path, params: StockParameters) -> tuple[Grid, int, list[str]]:
    """The file's rows, the index of its heading row and the headings."""
    grid = read_grid(path)
    at = find_header_row(grid.rows, params)
    if at >= len(grid.rows) or all(blank(c) for c in grid.rows[at]):
        raise FileImportError(
            [SourceIssue(path.name, None, None, "the file is empty", "empty_file")]
        )
    return grid, at, unique_headings([parse_text(c) for c in grid.rows[at]])


def preview(
    path: Path, kind: ImportKind, params: StockParameters, mapping: ColumnMapping | None = None
) -> Preview:
    from hospiperf_desktop.stock.mapping import guess_mapping

    grid, at, headers = _headed(path, params)
    header_line = grid.line(at)
    data = [
        (line, cells)
        for line, cells in grid.numbered()[at + 1 :]
        if not all(blank(c) for c in cells)
    ]
    chosen = mapping if mapping is not None else guess_mapping(headers, kind, params)
    numbers = tuple(
        read_column(data, index, heading, grid.comma_separated)
        for index, heading in enumerate(headers)
        if heading and looks_numeric(data, index)
    )
    return Preview(
        file=path.name,
        header_line=header_line,
        headers=headers,
        rows=data[:PREVIEW_ROWS],
        row_count=len(data),
        mapping=chosen,
        missing=missing_fields(chosen, has_snapshot_date=False),
        numbers=numbers,
    )


def read_export(
    path: Path,
    mapping: ColumnMapping,
    params: StockParameters,
    *,
    snapshot_date: date | None = None,
    known: KnownIds | None = None,
    progress: Progress | None = None,
    single_dot: DotChoice | None = None,
    bounds: StockBounds | None = None,
) -> ParsedFile:
    """Every row of `path` checked against `mapping`; problems are collected, never raised.

    Structural problems (unreadable file, missing columns, no data, a numeric column whose
    dots only the user can read and `single_dot` does not say) raise `FileImportError`.
    Values outside `bounds` are listed in `ParsedFile.unusual`.
    """
    progress = progress or NullProgress()
    grid, at, headers = _headed(path, params)
    header_line = grid.line(at)
    missing = missing_fields(mapping, has_snapshot_date=snapshot_date is not None)
    if missing:
        raise FileImportError(
            [
                SourceIssue(
                    path.name,
                    header_line,
                    None,
                    "no column for "
                    + ", ".join(missing)
                    + "; the headings are: "
                    + headings_text(headers),
                    "missing_field",
                    {"fields": missing},
                )
            ]
        )
    indexes = resolve(mapping, headers, path.name, header_line)
    parsed = ParsedFile(path.name, mapping.kind, file_sha256(path), header_line, headers, mapping)
    data = grid.rows[at + 1 :]
    parsed.numbers = _read_numbers(grid, at + 1, headers, indexes)
    refused = ambiguity_issues(path.name, parsed.numbers, single_dot)
    if refused:
        raise FileImportError(refused)
    total = len(data)
    progress.report(0, total, "rows")
    reader = _SnapshotReader if mapping.kind is ImportKind.SNAPSHOT else _MovementReader
    row_reader = reader(parsed, indexes, params, snapshot_date, known or KnownIds(), grid, at + 1)
    row_reader.judge_numbers(single_dot, bounds or shipped_bounds())
    row_reader.run(data, progress)
    progress.report(total, total, "rows")
    if not parsed.records and not parsed.issues:
        raise FileImportError(
            [SourceIssue(path.name, None, None, "the file holds no data rows", "empty_file")]
        )
    return parsed


def _read_numbers(
    grid: Grid, first_row: int, headers: list[str], indexes: dict[str, int]
) -> tuple[ColumnNumbers, ...]:
    """How the columns feeding numeric fields write their numbers, over every data row."""
    columns = sorted({indexes[name] for name in NUMERIC_FIELDS if name in indexes})
    if not columns:
        return ()
    rows = grid.numbered()[first_row:]
    return tuple(read_column(rows, i, headers[i], grid.comma_separated) for i in columns)


class _RowReader:
    """Shared machinery: where each field is, how a bad cell is recorded, the product table."""

    DAY: int  # where the subclass's record holds its day (ISO text)

    def __init__(
        self,
        parsed: ParsedFile,
        indexes: dict[str, int],
        params: StockParameters,
        snapshot_date: date | None,
        known: KnownIds,
        grid: Grid,
        first_row: int,
    ) -> None:
        self.parsed = parsed
        self._grid = grid
        self._first_row = first_row
        self.ix = indexes
        self.params = params
        self.snapshot_date = snapshot_date
        self.known = known
        self.width = max(indexes.values()) + 1
        self._dates: dict[Any, str] = {}
        self._keys: dict[str, str] = {}
        self._categories: dict[Any, str | None] = {}  # cell → category, '' blank, None bad
        self.i_label = indexes.get("label")
        self.i_category = indexes.get("category")
        self.i_mitm = indexes.get("mitm")
        # Columns checked on every row (a product's label is read once, at its first row).
        self.product_cells = self.i_category is not None or self.i_mitm is not None
        self.judge_numbers(None, shipped_bounds())

    def judge_numbers(self, single_dot: DotChoice | None, bounds: StockBounds) -> None:
        """How dots are read in each numeric column, and the bounds values are held to."""
        self.dot_thousands = {
            c.index for c in self.parsed.numbers if c.dot_groups_thousands(single_dot)
        }
        self.ranges = {name: bounds.for_field(name) for name in NUMERIC_FIELDS}
        self.value_range = bounds.value
        self.value_high = _span(bounds.value)[1]
        # Typed cells inside these take the fast path with no further check.
        self.quantity_span = _span(bounds.quantity)
        self.price_span = _span(bounds.unit_price)

    def line_of(self, row: int) -> int:
        """The file line of data row `row` (rows are counted from the first after the header)."""
        return self._grid.line(self._first_row + row)

    def issue(self, row: int, name: str | None, message: str, code: str, **params: Any) -> None:
        line = self.line_of(row)
        column = None
        if name is not None:
            index = self.ix[name]
            column = f"{column_letter(index)} ({self.parsed.headers[index]})"
        self.parsed.issues.append(
            SourceIssue(self.parsed.file, line, column, message, code, params)
        )
        self.parsed.rejected_lines.add(line)

    def date_of(self, value: Any) -> str:
        # Cells are str, float, date or datetime: all hashable, so the cache always applies.
        iso = self._dates.get(value)
        if iso is None:
            iso = self._dates[value] = parse_date(value).isoformat()
        return iso

    def key_of(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = fold(text)[:KEY_LENGTH]
        return key

    def product(self, line: int, cells: list[Any], code: str) -> ProductSeen:
        seen = self.parsed.products.get(code)
        if seen is None:
            known = self.known
            product_id = known.products.get(code)
            new = product_id is None
            if product_id is None:
                product_id = known.next_product
                known.next_product += 1
            seen = self.parsed.products[code] = ProductSeen(
                code, self.line_of(line), product_id, new
            )
        if self.i_label is not None and not seen.label:
            seen.label = parse_text(cells[self.i_label])
        if self.i_category is not None:
            raw = cells[self.i_category]
            if raw in self._categories:
                category = self._categories[raw]
            else:
                category = self._categories[raw] = (
                    "" if blank(raw) else self.params.category_for(parse_text(raw))
                )
            if category:
                seen.category = category
            elif category is None:
                names = ", ".join(c.label for c in self.params.categories)
                text = shown(raw)
                self.issue(
                    line,
                    "category",
                    f"unknown category '{text}' (expected {names})",
                    "unknown_category",
                    value=text,
                )
        if self.i_mitm is not None and not blank(raw := cells[self.i_mitm]):
            try:
                seen.mitm = parse_flag(raw)
            except CellError as err:
                self.issue(line, "mitm", str(err), err.code, value=shown(raw))
        return seen

    def optional_number(self, line: int, cells: list[Any], name: str) -> float | None:
        """The number in an optional column; None when the column is absent or the cell blank."""
        index = self.ix.get(name)
        if index is None or blank(cells[index]):
            return None
        return self.number(line, cells, name)

    def number(self, line: int, cells: list[Any], name: str, *, signed: bool = False) -> float:
        index = self.ix[name]
        raw = cells[index]
        if blank(raw):
            return 0.0
        try:
            value = parse_number(raw, self._grid.comma_separated, index in self.dot_thousands)
        except CellError as err:
            self.issue(line, name, str(err), err.code, value=shown(raw))
            return 0.0
        if value < 0 and not signed:
            self.issue(line, name, f"{shown(raw)} is negative", "negative", value=shown(raw))
        plausible = self.ranges[name]
        if plausible is not None and not plausible.contains(abs(value)):
            column = f"{column_letter(index)} ({self.parsed.headers[index]})"
            self.parsed.unusual.append(
                unusual_issue(self.parsed.file, self.line_of(line), column, name, value, plausible)
            )
        return value

    def line_value(self, line: int, value: float) -> bool:
        """A computed value (quantity × price): past MAX_MAGNITUDE refused, past its bound
        listed as unusual. False when refused."""
        if check_finite(value) is not None:
            self.issue(
                line,
                None,
                f"the line's value (quantity × unit price) {value:.4g} is too large",
                "too_large",
                value=f"{value:.4g}",
            )
            return False
        if not self.value_range.contains(abs(value)):
            self.parsed.unusual.append(
                unusual_issue(
                    self.parsed.file, self.line_of(line), None, "value", value, self.value_range
                )
            )
        return True

    def run(self, data: list[list[Any]], progress: Progress) -> None:
        # In this loop and the readers, `line` is the index of the row in `data`;
        # `issue()` turns it into the file's line number.
        code_index = self.ix["product_code"]
        width = self.width
        read = self.read
        issues = self.parsed.issues
        records = self.parsed.records
        unusual = self.parsed.unusual
        total = len(data)
        for n, cells in enumerate(data):
            if n % PROGRESS_EVERY == 0 and n:
                progress.check_cancelled()
                progress.report(n, total, "rows")
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            raw_code = cells[code_index]
            code = raw_code.strip() if type(raw_code) is str else parse_code(raw_code)
            if not code:
                if all(blank(c) for c in cells):
                    continue
                self.issue(n, "product_code", "the product code is empty", "missing_value")
                continue
            before = len(issues)
            unusual_before = len(unusual)
            record = read(n, cells, code)
            if record is not None and len(issues) == before:
                records.append(record)
            if len(unusual) > unusual_before:
                self.tag_unusual(unusual[unusual_before:], code, record)
        progress.check_cancelled()

    def tag_unusual(self, found: list[SourceIssue], code: str, record: Any) -> None:
        """Which product and day the row's unusual values belong to: they travel in the
        bundle with these (a product code, never a patient's data)."""
        day = None if record is None else record[self.DAY]
        for issue in found:
            issue.params["product_code"] = code
            issue.params["day"] = day

    def read(self, line: int, cells: list[Any], code: str) -> Any:
        raise NotImplementedError

    def note_date(self, iso: str) -> None:
        day = date.fromisoformat(iso)
        parsed = self.parsed
        if parsed.first_date is None or day < parsed.first_date:
            parsed.first_date = day
        if parsed.last_date is None or day > parsed.last_date:
            parsed.last_date = day

    def optional_date(self, line: int, cells: list[Any], name: str) -> str | None:
        if name not in self.ix or blank(raw := cells[self.ix[name]]):
            return None
        try:
            return self.date_of(raw)
        except CellError as err:
            self.issue(line, name, str(err), err.code, value=shown(raw))
            return None

    def text(self, cells: list[Any], name: str) -> str:
        return parse_text(cells[self.ix[name]]) if name in self.ix else ""


class _SnapshotReader(_RowReader):
    DAY = 9  # where a SnapshotRecord holds its day

    def run(self, data: list[list[Any]], progress: Progress) -> None:
        self._seen_dates: set[str] = set()
        super().run(data, progress)
        for iso in self._seen_dates:
            self.note_date(iso)

    def read(self, line: int, cells: list[Any], code: str) -> SnapshotRecord | None:
        ix = self.ix
        seen = self.product(line, cells, code)
        if blank(cells[ix["quantity"]]):
            self.issue(line, "quantity", "the quantity is empty", "missing_value")
            return None
        quantity = self.number(line, cells, "quantity")
        price = self.optional_number(line, cells, "unit_price")
        value = self.optional_number(line, cells, "value")
        if price is None:
            if value is not None and quantity:
                price = value / quantity
            else:
                # No price on the line: the one this file or an earlier count gave.
                price = seen.unit_price
                if price is None:
                    price = self.known.prices.get(code)
                if price is None and not quantity and value is not None:
                    price = 0.0  # nothing counted: no price needed
        if price is None:
            self.issue(line, None, "neither a unit price nor a value", "missing_price")
            return None
        if value is None:
            value = quantity * price
            if not self.line_value(line, value):
                return None
        seen.unit_price = price
        if "snapshot_date" in ix:
            # A date column decides; the date given for the file is for files without one.
            raw = cells[ix["snapshot_date"]]
            if blank(raw):
                self.issue(line, "snapshot_date", "the snapshot date is empty", "missing_value")
                return None
            try:
                day = self.date_of(raw)
            except CellError as err:
                self.issue(line, "snapshot_date", str(err), err.code, value=shown(raw))
                return None
        elif self.snapshot_date is not None:
            day = self.snapshot_date.isoformat()
        else:
            self.issue(line, "snapshot_date", "the snapshot date is empty", "missing_value")
            return None
        self._seen_dates.add(day)
        location = self.text(cells, "location")
        kind = self.params.location_kind_for(location, self.text(cells, "location_kind"))
        if kind is None:
            said = shown(self.text(cells, "location_kind"))
            self.issue(
                line, "location_kind",
                f"'{said}' is neither a central store nor a care unit", "unknown_location_kind",
                value=said,
            )  # fmt: skip
            return None
        expiry = self.optional_date(line, cells, "expiry_date")
        return (
            seen.id,
            location,
            kind,
            self.key_of(location),
            quantity,
            price,
            value,
            self.text(cells, "lot"),
            expiry,
            day,
        )


class _MovementReader(_RowReader):
    """The hot path: typed spreadsheet cells take the fast branch, text the careful one."""

    DAY = 1  # where a MovementRecord holds its day

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        ix = self.ix
        self.i_signed = ix.get("quantity")
        self.i_in = ix.get("quantity_in")
        self.i_out = ix.get("quantity_out")
        self.i_price = ix.get("unit_price")
        self.i_value = ix.get("value")
        self.i_unit = ix.get("care_unit")
        self.i_supplier = ix.get("supplier")
        self.i_lot = ix.get("lot")
        self.date_index = ix["date"]
        self.first = self.last = ""
        self.quantity_fields = [
            name for name in ("quantity_in", "quantity_out", "quantity") if name in ix
        ]
        self.quantity_indexes = [ix[name] for name in self.quantity_fields]
        self.signed_negative = False
        self.units = dict(self.known.care_units)  # key → id, new ones added as seen
        self.suppliers = dict(self.known.suppliers)

    def run(self, data: list[list[Any]], progress: Progress) -> None:
        super().run(data, progress)
        if self.i_signed is not None and self.parsed.records and not self.signed_negative:
            # Read as signed, a column of positive numbers makes every line a receipt: most
            # likely it lists deliveries, and consumption would silently be zero.
            index = self.i_signed
            self.parsed.issues.append(
                SourceIssue(
                    self.parsed.file,
                    self.parsed.header_line,
                    f"{column_letter(index)} ({self.parsed.headers[index]})",
                    "a signed quantity column with no negative number would make every line "
                    "a receipt; map it as the quantity out (or in) instead",
                    "unsigned_quantity",
                )
            )
        if self.first:
            self.note_date(self.first)
            self.note_date(self.last)

    def quantity(self, line: int, cells: list[Any], index: int | None, name: str) -> float:
        if index is None:
            return 0.0
        raw = cells[index]
        low, high = self.quantity_span
        if type(raw) is float and low <= raw <= high:
            return raw
        return self.number(line, cells, name)

    def named(
        self,
        cells: list[Any],
        index: int | None,
        ids: dict[str, int],
        new: dict[int, tuple[str, str]],
        next_id: str,
    ) -> int | None:
        """The id of the care unit or supplier a cell names (None when blank)."""
        if index is None:
            return None
        raw = cells[index]
        name = raw.strip() if type(raw) is str else parse_text(raw)
        if not name:
            return None
        key = self.key_of(name)
        found = ids.get(key)
        if found is None:
            found = ids[key] = getattr(self.known, next_id)
            setattr(self.known, next_id, found + 1)
            new[found] = (key, name)
        return found

    def read(self, line: int, cells: list[Any], code: str) -> MovementRecord | None:
        seen = self.parsed.products.get(code)
        if seen is None or self.product_cells:
            seen = self.product(line, cells, code)
        qty_in = self.quantity(line, cells, self.i_in, "quantity_in")
        qty_out = self.quantity(line, cells, self.i_out, "quantity_out")
        if self.i_signed is not None:
            signed = self.number(line, cells, "quantity", signed=True)
            if signed < 0:
                self.signed_negative = True
            if signed >= 0:
                qty_in += signed
            else:
                qty_out -= signed
        # Blank cells read as 0: only a line with nothing moved can be a line with no quantity.
        if not qty_in and not qty_out and all(blank(cells[i]) for i in self.quantity_indexes):
            self.issue(line, self.quantity_fields[0], "no quantity on this line", "missing_value")
            return None
        price = None
        if self.i_price is not None:
            raw = cells[self.i_price]
            low, high = self.price_span
            if type(raw) is float and low <= raw <= high:
                price = raw
            elif not blank(raw):
                price = self.number(line, cells, "unit_price")
            if price is not None:
                seen.unit_price = price
        if price is None and self.i_value is not None and not blank(cells[self.i_value]):
            value = abs(self.number(line, cells, "value", signed=True))
            moved = qty_in + qty_out
            if moved:
                price = value / moved
        if price is None:
            price = seen.unit_price
            if price is None:
                price = self.known.prices.get(code)
            if price is None:
                self.issue(
                    line,
                    None,
                    f"no unit price known for product {code}",
                    "missing_price",
                    product=code,
                )
                return None
        raw_day = cells[self.date_index]
        day = self._dates.get(raw_day)
        if day is None:
            try:
                day = self.date_of(raw_day)
            except CellError as err:
                self.issue(line, "date", str(err), err.code, value=shown(raw_day))
                return None
        if day < self.last:
            self.parsed.in_date_order = False
            if day < self.first:
                self.first = day
        else:
            if not self.first:
                self.first = day
            self.last = day
        supplier = self.named(
            cells, self.i_supplier, self.suppliers, self.parsed.new_suppliers, "next_supplier"
        )
        if supplier is not None and qty_in:
            seen.suppliers.add(supplier)
        lot = "" if self.i_lot is None else parse_text(cells[self.i_lot])
        moved = (qty_in + qty_out) * price
        if moved > self.value_high and not self.line_value(line, moved):
            return None
        return (
            seen.id,
            day,
            qty_in,
            qty_out,
            qty_in * price,
            qty_out * price,
            self.named(
                cells, self.i_unit, self.units, self.parsed.new_care_units, "next_care_unit"
            ),
            supplier,
            lot,
        )


def _span(plausible: PlausibleRange) -> tuple[float, float]:
    """The values a typed cell may hold and still skip the careful path: ≥ 0, inside the bound."""
    low = max(0.0, plausible.low or 0.0)
    high = plausible.high if plausible.high is not None else MAX_MAGNITUDE
    return low, high
