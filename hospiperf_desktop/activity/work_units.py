"""Work units of an establishment and year: the total, its groups, ratios, N-1 and peers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from hospiperf_desktop.activity.service import ActivityService, check_year
from hospiperf_desktop.activity.tables import UoTableStore
from hospiperf_desktop.activity.uo_tables import UoResult, UoTable, compute_uo, ratio
from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import FileImportError, NotFoundError, SourceIssue
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import Establishment, UoResultRecord


@dataclass(frozen=True)
class UoReport:
    """Work units of one establishment and year with the ratios a director compares."""

    establishment_id: int
    finess: str
    name: str
    year: int
    result: UoResult
    fte: float | None
    beds: int | None
    per_fte: float | None
    per_bed: float | None
    previous_total: float | None  # the same table over year N-1, when N-1 has counts
    delta: float | None
    delta_pct: float | None


@dataclass(frozen=True)
class PeerRow:
    establishment_id: int
    finess: str
    name: str
    total: float
    per_fte: float | None
    per_bed: float | None
    complete: bool


@dataclass(frozen=True)
class RecordedResult:
    id: int
    establishment_id: int
    year: int
    table_id: str
    table_version: str
    total: float
    recorded_by: str
    recorded_at: datetime


def counts_for(table: UoTable, values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Item id -> count from measure values."""
    return {item.id: values.get(item.measure) for item in table.items}


def read_counts_file(path: Path, table: UoTable) -> dict[str, float | None]:
    """A CSV/XLSX of `item_id,count` for one table; every problem reported at once."""
    from hospiperf_desktop.stock.cells import CellError, blank, parse_number
    from hospiperf_desktop.tabular import fold, read_table

    ids = frozenset({"itemid", "item", "id", "numero", "no", "n", "code", "ligne"})
    table_in = read_table(path, header_hint=ids)
    headers = [fold(h) for h in table_in.headers]
    item_col = next((i for i, h in enumerate(headers) if h in ids), None)
    count_col = next(
        (i for i, h in enumerate(headers) if h in {"count", "nombre", "comptage", "valeur"}),
        None,
    )
    issues: list[SourceIssue] = []
    if item_col is None or count_col is None:
        raise FileImportError(
            [
                SourceIssue(
                    table_in.file,
                    table_in.header_line,
                    None,
                    "the heading row needs the columns item_id and count",
                    "missing_columns",
                )
            ]
        )
    known = {item.id for item in table.items}
    counts: dict[str, float | None] = {}
    for row in table_in.rows:
        cells = row.cells
        raw_id = cells[item_col] if item_col < len(cells) else None
        raw_count = cells[count_col] if count_col < len(cells) else None
        if blank(raw_id):
            continue
        item_id = str(raw_id).strip()
        if isinstance(raw_id, float) and raw_id.is_integer():
            item_id = str(int(raw_id))
        if item_id not in known:
            issues.append(
                table_in.issue(
                    row, item_col, f"table {table.id} has no item '{item_id}'", "unknown_item"
                )
            )
            continue
        if item_id in counts:
            issues.append(table_in.issue(row, item_col, f"'{item_id}' listed twice", "duplicate"))
            continue
        if blank(raw_count):
            counts[item_id] = None
            continue
        try:
            count = parse_number(raw_count)
        except CellError as err:
            issues.append(table_in.issue(row, count_col, str(err), err.code))
            continue
        if count < 0:
            issues.append(table_in.issue(row, count_col, f"{count:g} is negative", "negative"))
            continue
        counts[item_id] = count
    if issues:
        raise FileImportError(issues)
    return counts


class WorkUnitService:
    def __init__(
        self,
        database: Database,
        audit: AuditService,
        tables: UoTableStore,
        activity: ActivityService,
    ) -> None:
        self._db = database
        self._audit = audit
        self._tables = tables
        self._activity = activity

    def default_table(self) -> UoTable:
        return self._tables.get("uo-pharma")

    def compute(
        self,
        establishment_id: int,
        year: int,
        table_id: str | None = None,
        table_version: str | None = None,
    ) -> UoReport:
        """Work units by the table in force, or by the exact `table_version` (an earlier
        result's) when given."""
        check_year(year)
        table = self._tables.get(table_id or self.default_table().id, table_version)
        return self._report(table, establishment_id, year)

    def _report(
        self,
        table: UoTable,
        establishment_id: int,
        year: int,
        tables: Sequence[UoTable] | None = None,
    ) -> UoReport:
        """`tables`: every work-unit table, read once by a caller reporting many
        establishments (`peers`)."""
        tables = self._tables.all() if tables is None else tables
        with self._db.read() as session:
            row = session.get(Establishment, establishment_id)
            if row is None:
                raise NotFoundError(f"no establishment with id {establishment_id}")
            finess, name, beds = row.finess, row.name, row.beds
        values = {
            k: v.value
            for k, v in self._activity.resolved(
                establishment_id, year, with_stock=False, tables=tables
            ).items()
        }
        result = compute_uo(table, counts_for(table, values))
        previous_values = {
            k: v.value
            for k, v in self._activity.resolved(
                establishment_id, year - 1, with_stock=False, tables=tables
            ).items()
        }
        previous_counts = counts_for(table, previous_values)
        previous = (
            compute_uo(table, previous_counts).total
            if any(v is not None for v in previous_counts.values())
            else None
        )
        fte = values.get(table.fte_measure) if table.fte_measure else None
        delta = result.total - previous if previous is not None else None
        return UoReport(
            establishment_id=establishment_id,
            finess=finess,
            name=name,
            year=year,
            result=result,
            fte=fte,
            beds=beds,
            per_fte=ratio(result.total, fte),
            per_bed=ratio(result.total, beds),
            previous_total=previous,
            delta=delta,
            delta_pct=(delta / previous * 100) if delta is not None and previous else None,
        )

    def compute_counts(
        self, table_id: str, counts: Mapping[str, float | None], table_version: str | None = None
    ) -> UoResult:
        return compute_uo(self._tables.get(table_id, table_version), counts)

    def compute_file(self, path: Path, table_id: str, table_version: str | None = None) -> UoResult:
        table = self._tables.get(table_id, table_version)
        return compute_uo(table, read_counts_file(path, table))

    def peers(self, year: int, table_id: str | None = None) -> list[PeerRow]:
        """Every establishment with activity that year, by work units, largest first."""
        check_year(year)
        table = self._tables.get(table_id) if table_id else self.default_table()
        rows = []
        tables = self._tables.all()
        for establishment_id in self._activity.establishments_with_data(year):
            report = self._report(table, establishment_id, year, tables)
            if report.result.missing == tuple(i.id for i in table.items):
                continue  # none of this table's counts: not comparable
            rows.append(
                PeerRow(
                    establishment_id,
                    report.finess,
                    report.name,
                    report.result.total,
                    report.per_fte,
                    report.per_bed,
                    report.result.complete,
                )
            )
        return sorted(rows, key=lambda r: -r.total)

    def record(self, report: UoReport) -> RecordedResult:
        """Keep a result, with the table version that produced it."""
        content = json.dumps(asdict(report), ensure_ascii=False, default=str)
        now = datetime.now(UTC)
        with self._db.write() as session:
            actor = self._audit.actor(session)
            row = UoResultRecord(
                establishment_id=report.establishment_id,
                year=report.year,
                table_id=report.result.table_id,
                table_version=report.result.table_version,
                total=report.result.total,
                content=content,
                recorded_by=actor,
                recorded_at=now,
            )
            session.add(row)
            session.flush()
            self._audit.record(
                session,
                action="record",
                entity="uo_result",
                entity_id=str(row.id),
                after={
                    "finess": report.finess,
                    "year": report.year,
                    "table": report.result.table_id,
                    "version": report.result.table_version,
                    "total": report.result.total,
                },
            )
            return RecordedResult(
                row.id,
                row.establishment_id,
                row.year,
                row.table_id,
                row.table_version,
                row.total,
                actor,
                now,
            )

    def recorded(self, establishment_id: int) -> list[RecordedResult]:
        with self._db.read() as session:
            rows = session.scalars(
                select(UoResultRecord)
                .where(UoResultRecord.establishment_id == establishment_id)
                .order_by(UoResultRecord.year.desc(), UoResultRecord.id.desc())
            ).all()
            return [
                RecordedResult(
                    r.id,
                    r.establishment_id,
                    r.year,
                    r.table_id,
                    r.table_version,
                    r.total,
                    r.recorded_by,
                    r.recorded_at,
                )
                for r in rows
            ]
