"""The stock module's data: categories, targets, benchmarks, lead times, criticality weights.

They live in `resources/stock/parameters.json` (versioned, with their sources) so that a new
roadmap or a local practice changes a file, not the code. Heading synonyms for imports live in
`resources/stock/columns.json`. Lead-time profiles sent by the ARS in a reference package
(`resources/schemas/lead-times.schema.json`) replace the shipped profile of their id or add one
(`with_lead_times`); a supplier's own days still win over any profile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from hospiperf_desktop.french import without_accents
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.tabular import fold

_WORDS = re.compile(r"[a-z0-9]+")

CENTRAL = "central"
CARE_UNIT = "care_unit"
LOCATION_KINDS = (CENTRAL, CARE_UNIT)


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    benchmark_group: str
    synonyms: frozenset[str]


@dataclass(frozen=True)
class LeadTimeProfile:
    id: str
    label: str
    mean_days: float
    sd_days: float
    origin: str | None = None  # for a profile from a reference package: who sent it


@dataclass(frozen=True)
class CriticalityRules:
    weights: dict[str, int]
    consumption_share_a: float
    consumption_share_b: float
    lead_time_long_days: float
    lead_time_very_long_days: float
    levels: tuple[tuple[int, str], ...]  # (minimum score, level id), highest first

    @property
    def maximum(self) -> int:
        w = self.weights
        return (
            w["mitm"]
            + w["single_supplier"]
            + w["no_substitute"]
            + max(w["consumption_share_a"], w["consumption_share_b"])
            + max(w["lead_time_long"], w["lead_time_very_long"])
        )

    def level(self, score: int) -> str:
        return next(level for minimum, level in self.levels if score >= minimum)


@dataclass(frozen=True)
class StockDefaults:
    consumption_window_weeks: int
    dormant_months: int
    expiring_days: int
    service_level: float
    review_period_weeks: float


@dataclass(frozen=True)
class StockParameters:
    version: str
    sources: dict[str, str]
    categories: tuple[Category, ...]
    care_unit_words: frozenset[str]
    central_words: frozenset[str]
    location_kind_synonyms: dict[str, frozenset[str]]
    coverage_targets_weeks: dict[str, float]
    coverage_benchmarks_mco: dict[str, float]
    coverage_benchmarks_non_mco: dict[str, float]
    stock_value_per_bed: dict[str, float]
    defaults: StockDefaults
    lead_time_profiles: tuple[LeadTimeProfile, ...]
    default_lead_time_profile: str
    criticality: CriticalityRules
    column_synonyms: dict[str, tuple[str, ...]]

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def category_for(self, text: str) -> str | None:
        """The category a cell names ('Médicaments', 'DMI', 'MG' …), or None."""
        key = fold(text)
        for category in self.categories:
            if key == category.id.replace("_", "") or key in category.synonyms:
                return category.id
        return None

    def location_kind_for(self, location: str, kind_cell: str = "") -> str | None:
        """Central store or care unit, from an explicit cell if any, else from the name.

        Whole words decide, care-unit words first: "Armoire pharmacie Cardiologie" is a care
        unit, "Pharmacie centrale" the central store, an empty location the central store,
        any other name a care unit. None when `kind_cell` is given but names neither.
        """
        if kind_cell.strip():
            key = fold(kind_cell)
            for kind, synonyms in self.location_kind_synonyms.items():
                if key in synonyms:
                    return kind
            return self._kind_by_words(kind_cell)
        if not fold(location):
            return CENTRAL
        return self._kind_by_words(location) or CARE_UNIT

    def _kind_by_words(self, text: str) -> str | None:
        words = set(_WORDS.findall(without_accents(text)))
        if words & self.care_unit_words:
            return CARE_UNIT
        if words & self.central_words:
            return CENTRAL
        return None

    def lead_time_profile(self, profile_id: str) -> LeadTimeProfile:
        for profile in self.lead_time_profiles:
            if profile.id == profile_id:
                return profile
        raise KeyError(profile_id)

    def benchmark_weeks(self, category_id: str, mco: bool = True) -> float | None:
        table = self.coverage_benchmarks_mco if mco else self.coverage_benchmarks_non_mco
        return table.get(self.category(category_id).benchmark_group)


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def parse_parameters(data: dict[str, Any], columns: dict[str, Any]) -> StockParameters:
    crit = data["criticality"]
    defaults = data["defaults"]
    profiles = tuple(
        LeadTimeProfile(p["id"], p["label"], float(p["mean_days"]), float(p["sd_days"]))
        for p in data["lead_time_profiles"]
    )
    params = StockParameters(
        version=str(data["version"]),
        sources=dict(data["sources"]),
        categories=tuple(
            Category(c["id"], c["label"], c["benchmark_group"], _folded(c["synonyms"]))
            for c in data["categories"]
        ),
        care_unit_words=_folded(data["locations"]["care_unit_words"]),
        central_words=_folded(data["locations"]["central_words"]),
        location_kind_synonyms={
            kind: _folded(words) for kind, words in data["locations"]["kind_synonyms"].items()
        },
        coverage_targets_weeks={k: float(v) for k, v in data["coverage_targets_weeks"].items()},
        coverage_benchmarks_mco=dict(data["benchmarks"]["coverage_weeks_mco"]),
        coverage_benchmarks_non_mco=dict(data["benchmarks"]["coverage_weeks_non_mco"]),
        stock_value_per_bed=dict(data["benchmarks"]["stock_value_per_bed_eur"]),
        defaults=StockDefaults(
            consumption_window_weeks=int(defaults["consumption_window_weeks"]),
            dormant_months=int(defaults["dormant_months"]),
            expiring_days=int(defaults["expiring_days"]),
            service_level=float(defaults["service_level"]),
            review_period_weeks=float(defaults["review_period_weeks"]),
        ),
        lead_time_profiles=profiles,
        default_lead_time_profile=str(data["default_lead_time_profile"]),
        criticality=CriticalityRules(
            weights={k: int(v) for k, v in crit["weights"].items()},
            consumption_share_a=float(crit["consumption_share_a"]),
            consumption_share_b=float(crit["consumption_share_b"]),
            lead_time_long_days=float(crit["lead_time_long_days"]),
            lead_time_very_long_days=float(crit["lead_time_very_long_days"]),
            levels=tuple((int(level["min"]), str(level["id"])) for level in crit["levels"]),
        ),
        column_synonyms={
            name: tuple(fold(w) for w in words) for name, words in columns["fields"].items()
        },
    )
    if set(params.coverage_targets_weeks) != set(LOCATION_KINDS):
        raise ValueError(f"coverage targets must name exactly {LOCATION_KINDS}")
    params.lead_time_profile(params.default_lead_time_profile)
    return params


@cache
def shipped_parameters() -> StockParameters:
    def load(name: str) -> Any:
        path: Path = resource_path("stock", name)
        return json.loads(path.read_text(encoding="utf-8"))

    return parse_parameters(load("parameters.json"), load("columns.json"))


def lead_times_from_dict(data: Mapping[str, Any], origin: str) -> tuple[LeadTimeProfile, ...]:
    """The profiles of a lead-times document already checked against its schema."""
    profiles = tuple(
        LeadTimeProfile(p["id"], p["label"], float(p["mean_days"]), float(p["sd_days"]), origin)
        for p in data["profiles"]
    )
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise ValueError("a profile id is listed twice")
    return profiles


def with_lead_times(
    params: StockParameters, profiles: Sequence[LeadTimeProfile]
) -> StockParameters:
    """`params` with profiles from reference packages, later ones winning: each replaces the
    shipped profile of its id or is added. Suppliers keep the profile they were given, and
    their own days override it (catalog.py, analysis.py)."""
    if not profiles:
        return params
    merged = {p.id: p for p in params.lead_time_profiles}
    merged.update((p.id, p) for p in profiles)
    origins = "; ".join(dict.fromkeys(p.origin or "" for p in profiles))
    return replace(
        params,
        lead_time_profiles=tuple(merged.values()),
        sources={
            **params.sources,
            "lead_times": f"{params.sources['lead_times']}. From reference packages: {origins}",
        },
    )
