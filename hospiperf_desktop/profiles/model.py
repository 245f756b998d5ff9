"""Profile data as services hand it out (no database import: the UI loads this at start-up)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PHARMACIST = "pharmacist"
    PREPARATEUR = "preparateur"
    QUALITY_OFFICER = "quality_officer"
    MANAGER = "manager"


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    role: str
    # A demonstration profile: never made current by the demo, removed with it.
    fictitious: bool = False
