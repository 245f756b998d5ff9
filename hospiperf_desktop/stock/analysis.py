"""Indicators and reorder suggestions, computed in SQL aggregates fed to the pure formulas.

Stock at a date is, for each location, its latest snapshot on or before that date.
Consumption is the value delivered out (quantity out) over the window before that date:
all of it for the central store, and for care units the deliveries to the units whose stock
was counted (matched by name). Everything heavy is one grouped query over indexed columns,
so a million movements answer in well under a second.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.french import french_sorted
from hospiperf_desktop.stock import formulas
from hospiperf_desktop.stock.parameters import CARE_UNIT, CENTRAL, LOCATION_KINDS, StockParameters
from hospiperf_desktop.stock.records import (
    CoverageRow,
    LocationRow,
    PerBed,
    ReorderLine,
    ReorderReport,
    StockIndicators,
    StockItem,
)
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database

LIST_LIMIT = 200

_LATEST = """
WITH latest AS (
    SELECT location_key, MAX(snapshot_date) AS day FROM stock_lines
    WHERE establishment_id = :e AND snapshot_date <= :at GROUP BY location_key
)
"""
_LATEST_LINES = (
    _LATEST
    + """
SELECT l.product_id, p.code, p.label, p.category, l.location, l.location_kind, l.location_key,
       l.snapshot_date, l.quantity, l.value, l.lot, l.expiry_date
FROM stock_lines l
JOIN latest ON latest.location_key = l.location_key AND latest.day = l.snapshot_date
JOIN products p ON p.id = l.product_id
WHERE l.establishment_id = :e
"""
)
_LATEST_CENTRAL_QUANTITIES = (
    _LATEST
    + """
SELECT l.product_id, MAX(l.snapshot_date), SUM(l.quantity)
FROM stock_lines l
JOIN latest ON latest.location_key = l.location_key AND latest.day = l.snapshot_date
WHERE l.establishment_id = :e AND l.location_kind = 'central'
GROUP BY l.product_id
"""
)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _ProductFacts:
    code: str
    label: str
    category: str
    mitm: bool
    has_substitute: bool


def _window(at: date, window_weeks: int, history: date | None) -> tuple[date, float]:
    """The consumption window before `at`: its first day and its length in weeks, cut to
    the movement history when that is shorter (else a short history looks like low use)."""
    start = at - timedelta(weeks=window_weeks)
    if history is not None and start < history < at:
        return history, (at - history).days / 7
    return start, float(window_weeks)


class StockAnalysis:
    def __init__(self, database: Database, params: StockParameters) -> None:
        self._db = database
        self._params = params

    def establishments_with_stock(self) -> list[int]:
        """The establishments that have imported stock data (counts or movements)."""
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(models.StockImport.establishment_id)
                    .distinct()
                    .order_by(models.StockImport.establishment_id)
                )
            )

    def latest_date(self, establishment_id: int) -> date | None:
        """The most recent snapshot date, else the most recent movement: the default 'at'."""
        with self._db.read() as session:
            for query in (
                "SELECT MAX(snapshot_date) FROM stock_lines WHERE establishment_id = :e",
                "SELECT MAX(day) FROM stock_movements WHERE establishment_id = :e",
            ):
                value = session.execute(text(query), {"e": establishment_id}).scalar()
                if value:
                    return date.fromisoformat(str(value))
        return None

    def last_snapshot_in(self, establishment_id: int, first: date, last: date) -> date | None:
        """The latest snapshot date between `first` and `last` (inclusive), if any."""
        with self._db.read() as session:
            value = session.execute(
                text(
                    "SELECT MAX(snapshot_date) FROM stock_lines WHERE establishment_id = :e"
                    " AND snapshot_date BETWEEN :first AND :last"
                ),
                {"e": establishment_id, "first": first.isoformat(), "last": last.isoformat()},
            ).scalar()
        return date.fromisoformat(str(value)) if value else None

    @staticmethod
    def _history_start(session: Session, establishment_id: int) -> date | None:
        """The first day with a movement (the (establishment, day) index answers at once)."""
        value = session.execute(
            text("SELECT MIN(day) FROM stock_movements WHERE establishment_id = :e"),
            {"e": establishment_id},
        ).scalar()
        return date.fromisoformat(str(value)) if value else None

    def _establishment(self, session: Session, establishment_id: int) -> models.Establishment:
        row = session.get(models.Establishment, establishment_id)
        if row is None:
            raise NotFoundError(f"no establishment with id {establishment_id}")
        return row

    def indicators(
        self,
        establishment_id: int,
        at: date | None = None,
        *,
        window_weeks: int | None = None,
        dormant_months: int | None = None,
        expiring_days: int | None = None,
        mco: bool = True,
    ) -> StockIndicators:
        defaults = self._params.defaults
        if window_weeks is None:
            window_weeks = defaults.consumption_window_weeks
        if dormant_months is None:
            dormant_months = defaults.dormant_months
        if expiring_days is None:
            expiring_days = defaults.expiring_days
        if window_weeks < 1 or dormant_months < 1 or expiring_days < 1:
            raise ValueError("window, dormant months and expiring days must be at least 1")
        at = at or self.latest_date(establishment_id) or date.today()
        with self._db.read() as session:
            beds = self._establishment(session, establishment_id).beds
            history = self._history_start(session, establishment_id)
            start, weeks = _window(at, window_weeks, history)
            lines = session.execute(
                text(_LATEST_LINES), {"e": establishment_id, "at": at.isoformat()}
            ).all()
            consumption = session.execute(
                text(
                    "SELECT p.category, u.key, t.value_out, t.n FROM ("
                    "  SELECT product_id, care_unit_id, SUM(value_out) AS value_out,"
                    "  COUNT(*) AS n FROM stock_movements"
                    "  WHERE establishment_id = :e AND day >= :start AND day < :at"
                    "  GROUP BY product_id, care_unit_id"
                    ") t JOIN products p ON p.id = t.product_id"
                    " LEFT JOIN care_units u ON u.id = t.care_unit_id"
                ),
                {"e": establishment_id, "start": start.isoformat(), "at": at.isoformat()},
            ).all()
            dormant_since = _months_before(at, dormant_months)
            active = {
                row[0]
                for row in session.execute(
                    text(
                        "SELECT DISTINCT product_id FROM stock_movements"
                        " WHERE establishment_id = :e AND day > :since AND day <= :at"
                    ),
                    {
                        "e": establishment_id,
                        "since": dormant_since.isoformat(),
                        "at": at.isoformat(),
                    },
                )
            }
        return self._indicators(
            at,
            start,
            window_weeks,
            weeks,
            history is not None and history <= dormant_since,
            dormant_months,
            expiring_days,
            mco,
            beds,
            lines,
            consumption,
            active,
        )

    def _indicators(
        self,
        at: date,
        start: date,
        window_weeks: int,
        weeks: float,
        dormant_known: bool,
        dormant_months: int,
        expiring_days: int,
        mco: bool,
        beds: int | None,
        lines: Sequence[Any],
        consumption: Sequence[Any],
        active: set[int],
    ) -> StockIndicators:
        params = self._params
        stock: dict[tuple[str, str], float] = defaultdict(float)
        unit_keys: set[str] = set()
        by_location: dict[str, list[Any]] = {}
        dormant: list[StockItem] = []
        expiring: list[StockItem] = []
        dormant_value = expiring_value = expired_value = 0.0
        horizon = at + timedelta(days=expiring_days)
        for row in lines:
            (pid, code, label, category, location, kind, key, day, qty, value, lot, expiry) = row
            stock[(category, kind)] += value
            if kind == CARE_UNIT:
                unit_keys.add(key)
            entry = by_location.setdefault(key, [location, kind, day, 0.0])
            entry[3] += value
            expiry_date = date.fromisoformat(expiry) if expiry else None
            item = StockItem(pid, code, label, category, location, lot, qty, value, expiry_date)
            if dormant_known and pid not in active and qty > 0:
                dormant_value += value
                dormant.append(item)
            if expiry_date is not None and qty > 0:
                if expiry_date < at:
                    expired_value += value
                    expiring.append(item)
                elif expiry_date <= horizon:
                    expiring_value += value
                    expiring.append(item)
        consumed: dict[tuple[str, str], float] = defaultdict(float)
        per_unit: dict[str, float] = defaultdict(float)
        movement_count = 0
        for category, unit_key, value_out, count in consumption:
            movement_count += count
            consumed[(category, CENTRAL)] += value_out or 0.0
            if unit_key in unit_keys:
                consumed[(category, CARE_UNIT)] += value_out or 0.0
                per_unit[unit_key] += value_out or 0.0

        def row_for(category: str, kind: str, value: float, used: float) -> CoverageRow:
            weekly = formulas.weekly(used, weeks)
            target = params.coverage_targets_weeks[kind]
            return CoverageRow(
                category=category,
                location=kind,
                stock_value=value,
                weekly_consumption_value=weekly,
                coverage_weeks=formulas.coverage_weeks(value, weekly),
                target_weeks=target,
                # The pilots' averages describe central stores, not care units.
                benchmark_weeks=(
                    params.benchmark_weeks(category, mco)
                    if category != "all" and kind == CENTRAL
                    else None
                ),
                rotation_per_year=formulas.rotation_per_year(value, weekly),
                cash_freed=formulas.cash_freed(value, weekly, target),
            )

        coverage = tuple(
            row_for(c.id, kind, stock[(c.id, kind)], consumed[(c.id, kind)])
            for c in params.categories
            for kind in LOCATION_KINDS
            if stock[(c.id, kind)] > 0 or (kind == CENTRAL and consumed[(c.id, kind)] > 0)
        )
        totals = tuple(
            row_for(
                "all",
                kind,
                sum(v for (_, k), v in stock.items() if k == kind),
                # Care units: only the categories whose care-unit stock was counted.
                sum(v for (c, k), v in consumed.items() if k == kind and stock[(c, k)] > 0)
                if kind == CARE_UNIT
                else sum(v for (_, k), v in consumed.items() if k == kind),
            )
            for kind in LOCATION_KINDS
            if any(v > 0 for (_, k), v in stock.items() if k == kind)
        )
        locations = []
        for key, (location, kind, day, value) in sorted(by_location.items()):
            weekly = formulas.weekly(per_unit.get(key, 0.0), weeks) if kind == CARE_UNIT else None
            locations.append(
                LocationRow(
                    location or "—",
                    kind,
                    date.fromisoformat(str(day)),
                    value,
                    weekly,
                    formulas.coverage_weeks(value, weekly) if weekly is not None else None,
                )
            )
        per_bed = []
        groups = {
            "pui": ("medicament", "solute", "dms", "dmi"),
            "general_store": ("magasin_general",),
        }
        for scope, categories in groups.items():
            # The benchmarks are for the PUI's and the general store's own stock.
            value = sum(v for (c, k), v in stock.items() if c in categories and k == CENTRAL)
            if value <= 0:
                continue
            per_bed.append(
                PerBed(
                    scope,
                    value,
                    beds,
                    value / beds if beds else None,
                    params.stock_value_per_bed[scope],
                )
            )
        warnings = []
        if weeks < window_weeks:
            warnings.append("short_history")
        if not dormant_known:
            warnings.append("dormant_unknown")
        if not lines:
            warnings.append("no_snapshot")
        if movement_count == 0:
            warnings.append("no_movements")
        if beds is None:
            warnings.append("no_beds")
        dormant.sort(key=lambda i: -i.value)
        expiring.sort(key=lambda i: (i.expiry_date or at, -i.value))
        return StockIndicators(
            at=at,
            window_weeks=window_weeks,
            window_start=start,
            consumption_weeks=weeks,
            dormant_months=dormant_months,
            expiring_days=expiring_days,
            mco=mco,
            coverage=coverage,
            totals=totals,
            locations=tuple(locations),
            dormant_value=dormant_value,
            dormant=tuple(dormant[:LIST_LIMIT]),
            expiring_value=expiring_value,
            expired_value=expired_value,
            expiring=tuple(expiring[:LIST_LIMIT]),
            per_bed=tuple(per_bed),
            movement_count=movement_count,
            warnings=tuple(warnings),
        )

    def reorder(
        self,
        establishment_id: int,
        at: date | None = None,
        *,
        service_level: float | None = None,
        review_weeks: float | None = None,
        window_weeks: int | None = None,
    ) -> ReorderReport:
        """For each product with stock or consumption: statistics, reorder point, order, risk."""
        defaults = self._params.defaults
        if service_level is None:
            service_level = defaults.service_level
        if review_weeks is None:
            review_weeks = defaults.review_period_weeks
        if window_weeks is None:
            window_weeks = defaults.consumption_window_weeks
        if window_weeks < 1 or review_weeks < 0:
            raise ValueError("the window must last at least a week and the review period ≥ 0")
        z = formulas.service_factor(service_level)
        at = at or self.latest_date(establishment_id) or date.today()
        with self._db.read() as session:
            self._establishment(session, establishment_id)
            start, history_weeks = _window(
                at, window_weeks, self._history_start(session, establishment_id)
            )
            # Weeks with movement history: a product delivered for two weeks is not averaged
            # over thirteen.
            buckets = max(1, min(window_weeks, math.ceil(history_weeks)))
            args = {"e": establishment_id, "at": at.isoformat(), "start": start.isoformat()}
            on_hand: dict[int, float] = defaultdict(float)
            snapshot_day: date | None = None
            for pid, day, qty in session.execute(text(_LATEST_CENTRAL_QUANTITIES), args):
                on_hand[pid] += qty
                found = date.fromisoformat(str(day))
                snapshot_day = max(snapshot_day or found, found)
            weekly_rows = session.execute(
                text(
                    # Week 0 is the 7 days before `at`, week W − 1 starts on the window's
                    # first day.
                    "SELECT product_id,"
                    " CAST((julianday(:at) - julianday(day) - 1) / 7 AS INTEGER),"
                    " SUM(quantity_out), SUM(value_out) FROM stock_movements"
                    " WHERE establishment_id = :e AND day >= :start AND day < :at"
                    " GROUP BY product_id, 2"
                ),
                args,
            ).all()
            weeks: dict[int, list[float]] = defaultdict(lambda: [0.0] * buckets)
            values: dict[int, float] = defaultdict(float)
            for pid, week, qty, value in weekly_rows:
                if 0 <= week < buckets:
                    weeks[pid][week] += qty or 0.0
                values[pid] += value or 0.0
            wanted = set(on_hand) | set(weeks)
            products = {
                p.id: _ProductFacts(p.code, p.label, p.category, p.mitm, p.has_substitute)
                for p in session.scalars(
                    select(models.Product).where(
                        models.Product.establishment_id == establishment_id
                    )
                )
                if p.id in wanted
            }
            supplier_rows = session.execute(
                text(
                    "SELECT ps.product_id, s.name, s.lead_time_profile, s.lead_time_days,"
                    " s.lead_time_sd_days FROM product_suppliers ps"
                    " JOIN suppliers s ON s.id = ps.supplier_id WHERE s.establishment_id = :e"
                ),
                {"e": establishment_id},
            ).all()
        suppliers: dict[int, list[tuple[str, float, float]]] = defaultdict(list)
        for pid, name, profile_id, days, sd in supplier_rows:
            profile = self._params.lead_time_profile(profile_id)
            suppliers[pid].append(
                (
                    name,
                    profile.mean_days if days is None else days,
                    profile.sd_days if sd is None else sd,
                )
            )
        default = self._params.lead_time_profile(self._params.default_lead_time_profile)
        classes = formulas.abc_classes(
            {pid: values.get(pid, 0.0) for pid in products}, self._params.criticality
        )
        lines = []
        for pid, product in products.items():
            mean, sd = formulas.mean_and_sd(weeks[pid] if pid in weeks else [0.0] * buckets)
            known = suppliers.get(pid, [])
            lead_days, lead_sd = max(
                ((d, s) for _, d, s in known), default=(default.mean_days, default.sd_days)
            )
            lead_w, lead_sd_w = lead_days / 7, lead_sd / 7
            safety = formulas.safety_stock(mean, sd, lead_w, lead_sd_w, z)
            reorder = formulas.reorder_point(mean, lead_w, safety)
            have = on_hand.get(pid, 0.0)
            left = formulas.days_left(have, mean)
            crit = formulas.criticality(
                mitm=product.mitm,
                supplier_count=len(known),
                has_substitute=product.has_substitute,
                abc_class=classes[pid],
                lead_days=lead_days,
                rules=self._params.criticality,
            )
            lines.append(
                ReorderLine(
                    product_id=pid,
                    code=product.code,
                    label=product.label,
                    category=product.category,
                    mitm=product.mitm,
                    on_hand=have,
                    mean_weekly=mean,
                    sd_weekly=sd,
                    lead_days=lead_days,
                    safety_stock=safety,
                    reorder_point=reorder,
                    order_quantity=formulas.order_quantity(have, reorder, mean, review_weeks)
                    if mean > 0
                    else 0,
                    days_left=left,
                    at_risk=left is not None and left < lead_days,
                    abc_class=classes[pid],
                    criticality_score=crit.score,
                    criticality_level=crit.level,
                    criticality_reasons=crit.reasons,
                    suppliers=tuple(french_sorted((n for n, _, _ in known), key=str)),
                )
            )
        lines.sort(key=_reorder_order)
        return ReorderReport(
            at=at,
            snapshot_date=snapshot_day,
            window_weeks=window_weeks,
            service_level=service_level,
            review_weeks=review_weeks,
            criticality_maximum=self._params.criticality.maximum,
            lines=tuple(lines),
        )


def _reorder_order(line: ReorderLine) -> tuple[bool, int, float, str]:
    """At-risk products first, then the most critical, then the soonest out of stock."""
    left = line.days_left if line.days_left is not None else float("inf")
    return (not line.at_risk, -line.criticality_score, left, line.code)
