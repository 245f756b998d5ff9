"""The stock values confirmed as unusual, with their justification, for the bundle.

Two places keep them (no table of their own): an import's confirmed values are in the JSON
of how its file was read (`stock_imports.mapping`, `unusual_values`), so they go when the
import is deleted; a unit price typed outside its bound is in the product's audit entry,
with the justification given, and is sent while it is the product's price. Each carries a
product code, never a patient's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hospiperf_desktop.stock.bounds import StockBounds, shipped_bounds
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database


@dataclass(frozen=True)
class ConfirmedUnusual:
    product_code: str
    field: str  # quantity, quantity_in, quantity_out, unit_price or value (quantity × price)
    value: float
    low: float | None  # the plausible bound it is outside of
    high: float | None
    justification: str
    origin: str  # "import" or "typed"
    file: str | None  # the imported file, with the line (and column) of the value
    line: int | None
    column: str | None
    day: date | None  # the count's or movement's day (imports)
    confirmed_at: datetime

    @property
    def year(self) -> int:
        return (self.day or self.confirmed_at).year

    def to_json(self) -> dict[str, Any]:
        return {
            "product_code": self.product_code,
            "field": self.field,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "justification": self.justification,
            "origin": self.origin,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "day": self.day,
            "confirmed_at": self.confirmed_at,
        }


class StockUnusual:
    def __init__(self, database: Database, bounds: StockBounds | None = None) -> None:
        self._db = database
        self._bounds = bounds or shipped_bounds()

    def confirmed(self, establishment_id: int, years: Iterable[int] = ()) -> list[ConfirmedUnusual]:
        """Every confirmed unusual value of the establishment, of `years` (all when empty),
        oldest confirmation first."""
        with self._db.read() as session:
            found = _imported(session, establishment_id) + self._typed(session, establishment_id)
        wanted = set(years)
        kept = [v for v in found if not wanted or v.year in wanted]
        return sorted(kept, key=lambda v: (v.confirmed_at, v.file or "", v.line or 0))

    def _typed(self, session: Session, establishment_id: int) -> list[ConfirmedUnusual]:
        """The typed unit prices still in force that were confirmed outside their bound: a
        price corrected since is no longer sent (its audit entries stay)."""
        product = models.Product
        current = {
            row.id: (row.code, row.unit_price)
            for row in session.execute(
                select(product.id, product.code, product.unit_price).where(
                    product.establishment_id == establishment_id
                )
            )
        }
        entry = models.AuditEntry
        rows = session.execute(
            select(entry.after, entry.recorded_at)
            .where(
                entry.entity == "product",
                entry.action == "update",
                entry.after.like('%"justification"%'),
            )
            .order_by(entry.id)
        )
        bound = self._bounds.unit_price  # the bound in force (the entry does not name it)
        latest: dict[int, ConfirmedUnusual] = {}
        for text, recorded_at in rows:
            after = json.loads(text or "{}")
            # Product ids of a deleted establishment may be given again: the code must match.
            found = current.get(after.get("id"))
            if found != (after.get("code"), after.get("unit_price")) or not after.get(
                "justification"
            ):
                continue
            latest[after["id"]] = ConfirmedUnusual(
                after["code"], "unit_price", after["unit_price"], bound.low, bound.high,
                after["justification"], "typed", None, None, None, None, _moment(recorded_at),
            )  # fmt: skip
        return list(latest.values())


def _imported(session: Session, establishment_id: int) -> list[ConfirmedUnusual]:
    imports = session.execute(
        select(
            models.StockImport.file_name,
            models.StockImport.mapping,
            models.StockImport.imported_at,
        ).where(
            models.StockImport.establishment_id == establishment_id,
            models.StockImport.mapping.like('%"unusual_values"%'),
        )
    )
    out = []
    for file_name, mapping, imported_at in imports:
        read = json.loads(mapping)
        for v in read.get("unusual_values", []):
            out.append(
                ConfirmedUnusual(
                    v["product_code"], v["field"], v["value"], v["low"], v["high"],
                    read["unusual_justification"], "import", file_name, v["line"], v["column"],
                    date.fromisoformat(v["day"]) if v["day"] else None, imported_at,
                )
            )  # fmt: skip
    return out


def _moment(recorded_at: str) -> datetime:
    """An audit entry's time, as naive UTC like the other stored times."""
    moment = datetime.fromisoformat(recorded_at)
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
