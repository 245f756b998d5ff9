"""What an audit entry changed, in French: field names, coded values and the object.

The names are data (`resources/audit/fields.json`); the suppliers' lead-time profiles and
the activity measures keep their own French names (stock parameters, measures.json). A
field or code not named there is shown as recorded, so a new one is never hidden.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hospiperf_desktop.paths import resource_path

# Snapshot fields that name what the entry is about, most telling first.
NAME_FIELDS = ("name", "label", "authority", "product_label", "file", "text")
NAME_LENGTH = 60


@cache
def _names() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("audit", "fields.json").read_text("utf-8"))
    return data


@cache
def _lead_time_labels() -> dict[str, str]:
    from hospiperf_desktop.stock.parameters import shipped_parameters

    return {p.id: p.label for p in shipped_parameters().lead_time_profiles}


def field_label(entity: str, field: str) -> str:
    """'beds' → 'Nombre de lits'; a field of one kind of change may have its own name."""
    names = _names()
    own = names["entity_fields"].get(entity, {})
    return str(own.get(field) or names["fields"].get(field, field))


def value_label(entity: str, field: str, value: Any) -> Any:
    """A coded value's French name ('done' → 'Fait'); any other value as it is."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    names = _names()
    codes = names["entity_values"].get(entity, {}).get(field) or names["values"].get(field, {})
    if field == "lead_time_profile":
        codes = _lead_time_labels()
    return codes.get(str(value), value)


def object_label(entity: str, entity_id: str, snapshots: list[dict[str, Any]]) -> str:
    """What the entry is about, for people: an activity value's measure and period, or the
    name its snapshot gives, with its identifier; else the identifier as recorded."""
    if entity == "activity_value":
        return _activity_value_label(entity_id)
    for field in NAME_FIELDS:
        for snapshot in snapshots:
            name = snapshot.get(field)
            if isinstance(name, str) and name.strip() and name != entity_id:
                short = name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1] + "…"
                return f"{short} ({entity_id})"
    return entity_id


def _activity_value_label(entity_id: str) -> str:
    """'970109609/2026/00/ster_sachets_vapeur' → 'Sachets … — année 2026'."""
    from hospiperf_desktop.activity.catalog import shipped_catalog

    parts = entity_id.split("/")
    if len(parts) != 4:
        return entity_id
    _finess, year, month, measure_id = parts
    measure = shipped_catalog().measures.get(measure_id)
    name = measure.label if measure is not None else measure_id
    period = f"année {year}" if month in ("", "00", "0") else f"{month}/{year}"
    return f"{name} — {period}"
