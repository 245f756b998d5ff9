"""Establishment data as services hand it out, and its validation (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from hospiperf_desktop.errors import FieldIssue
from hospiperf_desktop.establishments.finess import check_finess, normalize_finess
from hospiperf_desktop.reference import find_region

MAX_NAME_LENGTH = 200
MAX_BEDS = 20_000
MAX_CARE_UNITS = 2_000


class EstablishmentKind(StrEnum):
    CHU = "chu"
    CH = "ch"
    CLINIC = "clinic"
    EHPAD = "ehpad"
    HAD = "had"
    PUI = "pui"
    OTHER = "other"


_KIND_ALIASES = {"clinique": EstablishmentKind.CLINIC, "autre": EstablishmentKind.OTHER}


def parse_kind(raw: str) -> EstablishmentKind | None:
    value = raw.strip().casefold()
    try:
        return EstablishmentKind(value)
    except ValueError:
        return _KIND_ALIASES.get(value)


@dataclass(frozen=True)
class EstablishmentInput:
    """What a user enters for an establishment."""

    finess: str
    name: str
    kind: str
    region: str | None = None
    overseas: bool = False
    ght_name: str | None = None
    is_ght_support: bool = False
    beds: int | None = None
    care_units: int | None = None
    legal_entity_finess: str | None = None


@dataclass(frozen=True, kw_only=True)
class Establishment(EstablishmentInput):
    """A stored establishment; `fictitious` marks the demonstration data."""

    id: int
    fictitious: bool = False


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def normalized(data: EstablishmentInput) -> EstablishmentInput:
    """Trim text, canonical FINESS, kind and region spelling; blank optional text becomes None."""
    kind = parse_kind(data.kind)
    region = _blank_to_none(data.region)
    found = find_region(region) if region else None
    legal = _blank_to_none(data.legal_entity_finess)
    return replace(
        data,
        finess=normalize_finess(data.finess),
        name=" ".join(data.name.split()),
        kind=kind.value if kind else data.kind.strip(),
        region=found.name if found else region,
        ght_name=_blank_to_none(data.ght_name),
        legal_entity_finess=normalize_finess(legal) if legal else None,
    )


def _count_issue(field: str, value: int | None, maximum: int) -> FieldIssue | None:
    if value is None or 0 <= value <= maximum:
        return None
    return FieldIssue(
        field, "out_of_range", f"must be between 0 and {maximum}", {"min": 0, "max": maximum}
    )


def validate(data: EstablishmentInput) -> list[FieldIssue]:
    """Every problem with `data` (already normalized), field by field; empty when valid."""
    issues: list[FieldIssue] = []
    if problem := check_finess(data.finess):
        issues.append(FieldIssue("finess", problem.code, problem.message))
    if not data.name:
        issues.append(FieldIssue("name", "required", "a name is required"))
    elif len(data.name) > MAX_NAME_LENGTH:
        issues.append(
            FieldIssue(
                "name",
                "too_long",
                f"at most {MAX_NAME_LENGTH} characters",
                {"max": MAX_NAME_LENGTH},
            )
        )
    if not data.kind:
        issues.append(FieldIssue("kind", "required", "the kind of establishment is required"))
    elif parse_kind(data.kind) is None:
        choices = ", ".join(k.value for k in EstablishmentKind)
        issues.append(FieldIssue("kind", "unknown_kind", f"must be one of: {choices}"))
    if data.region and find_region(data.region) is None:
        issues.append(FieldIssue("region", "unknown_region", f"unknown region {data.region!r}"))
    if data.is_ght_support and not data.ght_name:
        issues.append(
            FieldIssue(
                "ght_name", "support_needs_ght", "a GHT support establishment needs the GHT name"
            )
        )
    for issue in (
        _count_issue("beds", data.beds, MAX_BEDS),
        _count_issue("care_units", data.care_units, MAX_CARE_UNITS),
    ):
        if issue:
            issues.append(issue)
    if data.legal_entity_finess and (problem := check_finess(data.legal_entity_finess)):
        issues.append(FieldIssue("legal_entity_finess", problem.code, problem.message))
    return issues


@dataclass(frozen=True)
class EstablishmentContents:
    """What an establishment holds, counted before it is deleted with its data."""

    diagnostics: int = 0
    stock_imports: int = 0
    stock_lines: int = 0
    stock_movements: int = 0
    products: int = 0
    shortages: int = 0
    activity_values: int = 0
    uo_results: int = 0
    scenarios: int = 0

    @property
    def empty(self) -> bool:
        return not any(vars(self).values())


@dataclass(frozen=True)
class DeletedEstablishment:
    """An establishment deleted with its data, and the copy of the database taken first."""

    establishment: Establishment
    contents: EstablishmentContents
    backup: str | None
