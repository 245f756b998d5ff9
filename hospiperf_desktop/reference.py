"""Reference lists shipped as data files in `resources/reference/`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from hospiperf_desktop.french import without_accents
from hospiperf_desktop.paths import resource_path


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    overseas: bool


@cache
def regions() -> tuple[Region, ...]:
    data = json.loads(resource_path("reference", "regions.json").read_text(encoding="utf-8"))
    return tuple(Region(**item) for item in data["regions"])


def _fold(text: str) -> str:
    return without_accents(text).strip()


def find_region(name: str) -> Region | None:
    """The region called `name`, ignoring case and accents ("ile-de-france" finds it)."""
    wanted = _fold(name)
    return next((r for r in regions() if _fold(r.name) == wanted or r.code == wanted), None)
