"""The stock values an establishment confirmed as unusual, as the ARS keeps and shows them:
next to the stock indicators, each with its product code, bound and justification."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hospiperf_desktop.ars.models import ImportedBundle, StockUnusualRow

_FIELDS = ("product_code", "field", "value", "low", "high", "justification", "origin")
_PLACE = ("file", "line", "column", "day", "confirmed_at")


def store(session: Session, bundle: ImportedBundle, stock: dict[str, Any]) -> None:
    """The stock document's `unusual_values` (absent from bundles made before them)."""
    for value in stock.get("unusual_values", ()):
        session.add(
            StockUnusualRow(
                bundle_id=bundle.id,
                finess=bundle.finess,
                **{k: value[k] for k in _FIELDS},
                **{k: value.get(k) for k in _PLACE},
            )
        )


def view(session: Session) -> list[dict[str, Any]]:
    """The rows of the current stock modules (older ones were replaced), by FINESS."""
    rows = session.scalars(
        select(StockUnusualRow).order_by(StockUnusualRow.finess, StockUnusualRow.id)
    )
    return [{"finess": r.finess, **{k: getattr(r, k) for k in (*_FIELDS, *_PLACE)}} for r in rows]
