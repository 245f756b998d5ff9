"""Activity values of each establishment and year: entry, import, export, resolution."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.activity.catalog import MeasureCatalog, ValueProblem, check_value
from hospiperf_desktop.activity.sheets import read_activity_sheet, write_activity_workbook
from hospiperf_desktop.activity.tables import UoTableStore
from hospiperf_desktop.activity.unusual import (
    Confirmation,
    Key,
    Place,
    UnusualValue,
    UnusualValuesError,
    clean_justification,
    find_unusual,
)
from hospiperf_desktop.activity.uo_tables import UoTable
from hospiperf_desktop.activity.values import External, Resolved, resolve
from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.number_columns import DotChoice
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import ActivityValue, Establishment, UoResultRecord

if TYPE_CHECKING:
    from hospiperf_desktop.stock.records import StockIndicators
    from hospiperf_desktop.stock.service import StockService

FIRST_YEAR, LAST_YEAR = 2000, 2100

# (measure id, month) -> value; None clears the value.
Changes = Mapping[tuple[str, int], float | None]


@dataclass(frozen=True)
class ActivityImportResult:
    file: str
    rows: int  # measures the file lists
    changed: int  # values written or changed
    cleared: int  # values removed (blank cells)
    unchanged: int
    justified: int = 0  # unusual values kept with the confirmation's justification
    skipped: int = 0  # unusual values not confirmed: the stored value was kept


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            [FieldIssue("year", "bad_year", f"{year} is not a year between 2000 and 2100")]
        )
    return year


class ActivityService:
    """One transaction per action; every change of a value is audited."""

    def __init__(
        self,
        database: Database,
        audit: AuditService,
        tables: UoTableStore,
        stock: Callable[[], StockService] | None = None,
    ) -> None:
        self._db = database
        self._audit = audit
        self._tables = tables
        self._stock = stock

    def catalog(self) -> MeasureCatalog:
        return self._tables.catalog()

    # --- reading -----------------------------------------------------------------------

    def justifications(self, establishment_id: int, year: int) -> dict[Key, str]:
        """The justification of each unusual value kept for the year."""
        with self._db.read() as session:
            rows = session.execute(
                select(ActivityValue.measure_id, ActivityValue.month, ActivityValue.justification)
                .where(
                    ActivityValue.establishment_id == establishment_id,
                    ActivityValue.year == year,
                    ActivityValue.justification.is_not(None),
                )
                .order_by(ActivityValue.measure_id, ActivityValue.month)
            ).all()
        return {(measure_id, month): text for measure_id, month, text in rows if text}

    def entered(self, establishment_id: int, year: int) -> dict[str, dict[int, float]]:
        out: dict[str, dict[int, float]] = defaultdict(dict)
        with self._db.read() as session:
            self._establishment(session, establishment_id)
            rows = session.execute(
                select(ActivityValue.measure_id, ActivityValue.month, ActivityValue.value).where(
                    ActivityValue.establishment_id == establishment_id,
                    ActivityValue.year == year,
                )
            ).all()
        for measure_id, month, value in rows:
            out[measure_id][month] = value
        return dict(out)

    def years(self, establishment_id: int) -> list[int]:
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(ActivityValue.year)
                    .where(ActivityValue.establishment_id == establishment_id)
                    .distinct()
                    .order_by(ActivityValue.year)
                )
            )

    def establishments_with_data(self, year: int) -> list[int]:
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(ActivityValue.establishment_id)
                    .where(ActivityValue.year == year)
                    .distinct()
                )
            )

    def resolved(
        self,
        establishment_id: int,
        year: int,
        *,
        with_stock: bool = True,
        tables: Sequence[UoTable] | None = None,
    ) -> dict[str, Resolved]:
        """Every measure's value for the year, computed where the data allows.

        `with_stock=False` skips the stock computation (days of stock), which the work units
        do not need. `tables`: the work-unit tables already read (`UoTableStore.all()`), for
        a caller resolving many establishments.
        """
        tables = list(self._tables.all() if tables is None else tables)
        catalog = self._tables.catalog(tables)
        entered = self.entered(establishment_id, year)
        external = self._external(catalog, establishment_id, year, with_stock)
        return resolve(catalog, entered, external, {t.id: t for t in tables})

    def _external(
        self, catalog: MeasureCatalog, establishment_id: int, year: int, with_stock: bool
    ) -> dict[str, External]:
        if self._stock is None:
            return {}
        out: dict[str, External] = {}
        wanted = [m for m in catalog.measures.values() if m.computed is not None]
        stock = None
        inventory: YearInventory | None = None  # shared by every days-of-stock measure
        for measure in wanted:
            assert measure.computed is not None
            kind = measure.computed.kind
            if kind == "shortage_log":
                stock = stock or self._stock()
                shortages = stock.catalog.shortages(establishment_id, year)
                if shortages:
                    count = stock.catalog.supplier_change_count(establishment_id, year)
                    out[measure.id] = External(float(count), {"shortages": len(shortages)})
                else:
                    out[measure.id] = External(None, {"why_not": "no_shortage"})
            elif kind == "stock_days" and with_stock:
                stock = stock or self._stock()
                inventory = inventory or year_inventory(stock, establishment_id, year)
                out[measure.id] = stock_days(
                    inventory, tuple(measure.computed.params["categories"])
                )
        return out

    # --- writing -----------------------------------------------------------------------

    def set_values(
        self,
        establishment_id: int,
        year: int,
        changes: Changes,
        justification: str | None = None,
    ) -> int:
        """Write, change or clear values; returns how many were written or cleared.

        All or nothing: one bad value refuses the whole change (ValidationError); an unusual
        value (outside its plausible range, or ten times away from N-1) refuses it too
        (UnusualValuesError) unless a `justification` is given, which is then stored with
        each unusual value and in its audit entry.
        """
        check_year(year)
        measures = self.catalog().measures
        issues = []
        checked: dict[tuple[str, int], float | None] = {}
        for (measure_id, month), value in changes.items():
            field = f"{measure_id}/{month}"
            if measure_id not in measures:
                issues.append(
                    FieldIssue(field, "unknown_measure", f"unknown measure {measure_id!r}")
                )
                continue
            if not 0 <= month <= 12:
                issues.append(FieldIssue(field, "bad_month", f"month {month} is not 0-12"))
                continue
            try:
                checked[(measure_id, month)] = (
                    None if value is None else check_value(measures[measure_id], value)
                )
            except ValueProblem as err:
                issues.append(FieldIssue(field, "bad_value", str(err)))
        if issues:
            raise ValidationError(issues)
        unusual = self.unusual(establishment_id, year, checked)
        why = clean_justification(justification)
        if unusual and why is None:
            raise UnusualValuesError(unusual)
        justified = {u.key: why for u in unusual if why is not None}
        with self._db.write() as session:
            changed, cleared, _unchanged = self._apply(
                session, establishment_id, year, checked, justified=justified
            )
        return changed + cleared

    def unusual(
        self,
        establishment_id: int,
        year: int,
        values: Mapping[Key, float | None],
        places: Mapping[Key, Place] | None = None,
    ) -> list[UnusualValue]:
        """The values that need a justification, compared with their range and with N-1."""
        stored = self.entered(establishment_id, year)
        values = {  # a value kept as it is was already accepted
            key: value
            for key, value in values.items()
            if value is not None and stored.get(key[0], {}).get(key[1]) != value
        }
        if not values:
            return []
        previous_year = self.entered(establishment_id, year - 1)
        yearly = self.resolved(establishment_id, year - 1, with_stock=False)

        def previous(measure_id: str, month: int) -> float | None:
            if month:
                return previous_year.get(measure_id, {}).get(month)
            resolved = yearly.get(measure_id)
            return None if resolved is None else resolved.value

        return find_unusual(self.catalog().measures, values, previous, places)

    def import_file(
        self,
        path: Path,
        establishment_id: int,
        year: int,
        progress: Progress | None = None,
        confirm: Confirmation | None = None,
        single_dot: DotChoice | None = None,
    ) -> ActivityImportResult:
        """Import an activity sheet: every value checked first, then one transaction.

        Unusual values (each with its file, line and column) refuse the import
        (UnusualValuesError) unless `confirm` is given: those it covers are stored with its
        justification, the others are skipped (the stored value stays).
        A value column whose "1.500" nothing explains refuses the file (FileImportError,
        issue code `ambiguous_number`) unless `single_dot` says what a dot means.
        `Cancelled` from `progress` (checked after reading and before the commit) leaves the
        database as it was.
        """
        progress = progress or NullProgress()
        check_year(year)
        progress.report(0, 3, "Lecture du fichier")
        sheet = read_activity_sheet(path, self.catalog(), year, single_dot)
        unusual = self.unusual(establishment_id, year, sheet.values, sheet.places)
        if unusual and confirm is None:
            raise UnusualValuesError(unusual)
        why = clean_justification(confirm.justification) if confirm else None
        covered = [u for u in unusual if confirm is not None and confirm.covers(u.key)]
        if covered and why is None:
            raise UnusualValuesError(covered)
        values = dict(sheet.values)
        justified: dict[Key, str | None] = {u.key: why for u in covered}
        for value in unusual:
            if value.key not in justified:
                del values[value.key]
        progress.check_cancelled()
        progress.report(1, 3, "Enregistrement")
        with self._db.write() as session:
            changed, cleared, unchanged = self._apply(
                session,
                establishment_id,
                year,
                values,
                source=sheet.file,
                justified=justified,
                single_dot=single_dot,
            )
            progress.check_cancelled()
        progress.report(3, 3, "Import terminé")
        return ActivityImportResult(
            sheet.file,
            sheet.rows,
            changed,
            cleared,
            unchanged,
            justified=len(justified),
            skipped=len(unusual) - len(justified),
        )

    def _apply(
        self,
        session: Session,
        establishment_id: int,
        year: int,
        changes: Mapping[tuple[str, int], float | None],
        source: str | None = None,
        justified: Mapping[Key, str | None] | None = None,
        single_dot: DotChoice | None = None,
    ) -> tuple[int, int, int]:
        establishment = self._establishment(session, establishment_id)
        existing = {
            (row.measure_id, row.month): row
            for row in session.scalars(
                select(ActivityValue).where(
                    ActivityValue.establishment_id == establishment_id,
                    ActivityValue.year == year,
                )
            )
        }
        actor = self._audit.actor(session)
        now = datetime.now(UTC)
        changed = cleared = unchanged = 0
        for (measure_id, month), value in sorted(changes.items()):
            why = (justified or {}).get((measure_id, month))
            row = existing.get((measure_id, month))
            before = None if row is None else row.value
            if before is None and value is None:
                continue  # a blank cell where nothing was entered
            if before == value:
                unchanged += 1
                continue
            if value is None:
                assert row is not None
                session.delete(row)
                cleared += 1
            elif row is None:
                session.add(
                    ActivityValue(
                        establishment_id=establishment_id,
                        year=year,
                        month=month,
                        measure_id=measure_id,
                        value=value,
                        justification=why,
                        updated_by=actor,
                        updated_at=now,
                    )
                )
                changed += 1
            else:
                row.value, row.updated_by, row.updated_at = value, actor, now
                row.justification = why
                changed += 1
            after: dict[str, object] | None = None if value is None else {"value": value}
            if after is not None and source:
                after["file"] = source
                if single_dot is not None:
                    after["single_dot"] = single_dot.value  # what "1.500" meant, as chosen
            if after is not None and why:
                after["justification"] = why
            self._audit.record(
                session,
                action="import" if source else "set",
                entity="activity_value",
                entity_id=f"{establishment.finess}/{year}/{month:02d}/{measure_id}",
                before=None if before is None else {"value": before},
                after=after,
            )
        session.flush()
        return changed, cleared, unchanged

    def purge(self, establishment_id: int) -> int:
        """Remove every activity value and recorded work-unit result of an establishment."""
        with self._db.write() as session:
            establishment = self._establishment(session, establishment_id)
            count = (
                session.scalar(
                    select(func.count()).where(ActivityValue.establishment_id == establishment_id)
                )
                or 0
            )
            results = (
                session.scalar(
                    select(func.count()).where(UoResultRecord.establishment_id == establishment_id)
                )
                or 0
            )
            session.execute(
                delete(ActivityValue).where(ActivityValue.establishment_id == establishment_id)
            )
            session.execute(
                delete(UoResultRecord).where(UoResultRecord.establishment_id == establishment_id)
            )
            self._audit.record(
                session,
                action="purge",
                entity="activity",
                entity_id=establishment.finess,
                before={"values": count, "uo_results": results},
            )
        return count + results

    # --- the workbook ------------------------------------------------------------------

    def export_workbook(
        self, establishment_id: int, year: int, out: Path, progress: Progress | None = None
    ) -> None:
        """Write the activity workbook; `Cancelled` before the file is written leaves none."""
        progress = progress or NullProgress()
        check_year(year)
        progress.report(0, 2, "Lecture des valeurs")
        with self._db.read() as session:
            row = self._establishment(session, establishment_id)
            title = f"{row.name} ({row.finess})"
        entered = self.entered(establishment_id, year)
        resolved = self.resolved(establishment_id, year)
        progress.check_cancelled()
        progress.report(1, 2, "Écriture du classeur")
        write_activity_workbook(out, self.catalog(), entered, resolved, title, year)
        progress.report(2, 2, "Classeur écrit")

    @staticmethod
    def _establishment(session: Session, establishment_id: int) -> Establishment:
        row = session.get(Establishment, establishment_id)
        if row is None:
            raise NotFoundError(f"no establishment with id {establishment_id}")
        return row


@dataclass(frozen=True)
class YearInventory:
    """The stock indicators at a year's last inventory (None without one)."""

    snapshot: date | None
    indicators: StockIndicators | None


def year_inventory(stock: StockService, establishment_id: int, year: int) -> YearInventory:
    """Computed once per load: each days-of-stock measure reads its categories from it (the
    indicators ran once per measure before, four times per dashboard)."""
    snapshot = stock.analysis.last_snapshot_in(
        establishment_id, date(year, 1, 1), date(year, 12, 31)
    )
    if snapshot is None:
        return YearInventory(None, None)
    return YearInventory(snapshot, stock.analysis.indicators(establishment_id, snapshot))


def stock_days(inventory: YearInventory, categories: tuple[str, ...]) -> External:
    """Days of central stock for `categories` at the year's last inventory."""
    from hospiperf_desktop.stock.parameters import CENTRAL

    indicators, snapshot = inventory.indicators, inventory.snapshot
    if indicators is None or snapshot is None:
        return External(None, {"why_not": "no_snapshot"})
    rows = [r for r in indicators.coverage if r.location == CENTRAL and r.category in categories]
    value = sum(r.stock_value for r in rows)
    weekly = sum(r.weekly_consumption_value for r in rows)
    if weekly <= 0:
        return External(None, {"why_not": "no_consumption"})
    return External(
        round(value / weekly * 7, 1),
        {"snapshot": snapshot.isoformat(), "weeks": round(indicators.consumption_weeks, 1)},
    )
