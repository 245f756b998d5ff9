"""Work-unit coefficient tables and the work-unit computation.

`UO = Σ count_i × coefficient_i` (reference §4). Shipped tables are versioned files in
`resources/uo/`; the ARS may send others, or newer versions of the shipped ones, in a
reference package (library/service.py); a user changes coefficients or adds lines only in a
local copy kept in the database, whose version names the version it started from. Every
result carries the id and version of the table that produced it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from hospiperf_desktop.paths import resource_path


@dataclass(frozen=True)
class UoGroup:
    id: str
    label: str


@dataclass(frozen=True)
class UoItem:
    id: str
    group: str
    label: str
    coefficient: float
    measure: str  # the activity measure that gives its yearly count


@dataclass(frozen=True)
class TableOrigin:
    """Where a table from a reference package came from."""

    publisher: str
    package_uuid: str
    file_name: str


@dataclass(frozen=True)
class UoTable:
    id: str
    version: str
    title: str
    status: str  # published | provisional | local
    source: str
    fte_measure: str | None  # the staff measure "UO per FTE" divides by
    groups: tuple[UoGroup, ...]
    items: tuple[UoItem, ...]
    base_id: str | None = None  # for a local copy: the shipped table it started from
    base_version: str | None = None
    origin: TableOrigin | None = None  # set for a table installed from a reference package

    @property
    def local(self) -> bool:
        return self.base_id is not None

    @property
    def packaged(self) -> bool:
        return self.origin is not None

    def item(self, item_id: str) -> UoItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": 1,
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "status": self.status,
            "source": self.source,
            "fte_measure": self.fte_measure,
            "base_id": self.base_id,
            "base_version": self.base_version,
            "groups": [{"id": g.id, "label": g.label} for g in self.groups],
            "items": [
                {
                    "id": i.id,
                    "group": i.group,
                    "label": i.label,
                    "coefficient": i.coefficient,
                    "measure": i.measure,
                }
                for i in self.items
            ],
        }


def table_from_dict(data: Mapping[str, Any], where: str) -> UoTable:
    if data.get("format") != 1:
        raise ValueError(f"{where}: unsupported format {data.get('format')!r}")
    groups = tuple(UoGroup(g["id"], g["label"]) for g in data["groups"])
    group_ids = {g.id for g in groups}
    items = []
    for raw in data["items"]:
        coefficient = float(raw["coefficient"])
        if not math.isfinite(coefficient) or coefficient < 0:
            raise ValueError(f"{where}: item {raw['id']!r} has coefficient {coefficient}")
        if raw["group"] not in group_ids:
            raise ValueError(f"{where}: item {raw['id']!r} names unknown group {raw['group']!r}")
        items.append(
            UoItem(str(raw["id"]), raw["group"], raw["label"], coefficient, raw["measure"])
        )
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{where}: an item id is listed twice")
    return UoTable(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        status=data["status"],
        source=data.get("source", ""),
        fte_measure=data.get("fte_measure"),
        groups=groups,
        items=tuple(items),
        base_id=data.get("base_id"),
        base_version=data.get("base_version"),
    )


def load_table(path: Path) -> UoTable:
    return table_from_dict(json.loads(path.read_text(encoding="utf-8")), path.name)


@cache
def shipped_tables() -> tuple[UoTable, ...]:
    folder = resource_path("uo")
    return tuple(load_table(p) for p in sorted(folder.glob("*.json")))


def local_copy(base: UoTable, new_id: str, title: str) -> UoTable:
    """A copy of `base` the user may change; its version starts at revision 1.

    A copy of a local table keeps naming the shipped table both started from.
    """
    base_id = base.base_id or base.id
    base_version = base.base_version or base.version
    return replace(
        base,
        id=new_id,
        title=title,
        status="local",
        version=f"{base_version}+local.1",
        base_id=base_id,
        base_version=base_version,
        origin=None,
    )


_VERSION_PART = re.compile(r"\d+|[^\W\d_]+")


def _version_key(version: str) -> list[tuple[int, int | str]]:
    """Numbers compare as numbers; a word ('provisoire', 'rc') sorts before the release."""
    return [
        (1, int(part)) if part.isdigit() else (-1, part.lower())
        for part in _VERSION_PART.findall(version)
    ]


def newer(version: str, than: str) -> bool:
    """Whether `version` is later than `than`: 2026.1 > 2026.1-provisoire > 2022.1."""
    a, b = _version_key(version), _version_key(than)
    size = max(len(a), len(b))
    pad: tuple[int, int | str] = (0, 0)
    return a + [pad] * (size - len(a)) > b + [pad] * (size - len(b))


def next_revision(table: UoTable) -> str:
    """The version a local table takes after a change: `<base>+local.<n+1>`."""
    base, _, revision = table.version.rpartition("+local.")
    return f"{base}+local.{int(revision) + 1}"


@dataclass(frozen=True)
class UoLine:
    item_id: str
    group: str
    label: str
    measure: str
    count: float | None  # None: no count known for this item
    coefficient: float
    uo: float


@dataclass(frozen=True)
class UoGroupTotal:
    group: str
    label: str
    uo: float
    share: float | None  # of the total, 0-1


@dataclass(frozen=True)
class UoResult:
    table_id: str
    table_version: str
    total: float
    lines: tuple[UoLine, ...]
    groups: tuple[UoGroupTotal, ...]
    missing: tuple[str, ...]  # item ids with no count: counted as 0

    @property
    def complete(self) -> bool:
        return not self.missing


def compute_uo(table: UoTable, counts: Mapping[str, float | None]) -> UoResult:
    """Work units from yearly counts keyed by *item id*; an item with no count adds 0."""
    lines = []
    for item in table.items:
        count = counts.get(item.id)
        uo = (count or 0.0) * item.coefficient
        lines.append(
            UoLine(item.id, item.group, item.label, item.measure, count, item.coefficient, uo)
        )
    total = math.fsum(line.uo for line in lines)
    groups = tuple(
        UoGroupTotal(
            g.id,
            g.label,
            (subtotal := math.fsum(line.uo for line in lines if line.group == g.id)),
            subtotal / total if total else None,
        )
        for g in table.groups
    )
    missing = tuple(line.item_id for line in lines if line.count is None)
    return UoResult(table.id, table.version, total, tuple(lines), groups, missing)


def ratio(value: float, per: float | None) -> float | None:
    """`value / per`, or None when there is nothing to divide by."""
    return value / per if per else None
