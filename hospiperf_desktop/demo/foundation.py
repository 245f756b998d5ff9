"""Demo step of the foundation: user profiles and the establishments of a fictitious GHT."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.progress import Progress

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


def _data() -> dict[str, Any]:
    text = resource_path("demo", "foundation.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def add_profiles(services: Services, progress: Progress) -> int:
    """The demo's fictitious profiles. None of them becomes current: the demo never signs
    the user's work with an invented name."""
    existing = {p.name for p in services.profiles.list()}
    added = [
        services.profiles.add(p["name"], p["role"], fictitious=True)
        for p in _data()["profiles"]
        if p["name"] not in existing
    ]
    return len(added)


def add_establishments(services: Services, progress: Progress) -> int:
    count = 0
    for item in _data()["establishments"]:
        progress.check_cancelled()
        try:
            services.establishments.by_finess(item["finess"])
        except NotFoundError:
            services.establishments.add(EstablishmentInput(**item), fictitious=True)
            count += 1
    return count
