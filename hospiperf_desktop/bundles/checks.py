"""Checks before signing (issue 16, point 4): a rule pack run over what is about to leave.

Pure functions, no I/O. A rule pack (`resources/rules/checks-default.json`, or the one a
reference package installed; schema `rules.schema.json`) says which modules a period needs,
whether diagnostics must be validated, and where activity values are plausible (the measure
catalog's ranges, reused from activity entry, plus the pack's own). `run_checks` turns the
facts of a prepared bundle into results, each `ok` (conforme), `warning` (avertissement) or
`justified` (justifié: the user wrote why, when the value was entered or before signing).
The results travel in the signed bundle as `data/checks.json` (docs/bundle-format.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hospiperf_desktop.activity.texts import french_number
from hospiperf_desktop.errors import FieldIssue, ValidationError
from hospiperf_desktop.plausibility import PlausibleRange, check_plausible

CHECKS_FORMAT = "hospiperf-checks/1"
RULES_FORMAT = "hospiperf-rules/1"
STATUSES = ("ok", "warning", "justified")
MAX_JUSTIFICATION = 1000  # characters, as the ARS column
MODULE_LABELS = {
    "diagnostics": "diagnostics",
    "activity": "activité et unités d'œuvre",
    "stock": "indicateurs de stock",
    "calculators": "calculateurs",
}


@dataclass(frozen=True)
class RulePack:
    id: str
    version: str
    title: str
    source: str  # "shipped", or "package" (then `package` is its UUID)
    required_modules: tuple[str, ...]
    diagnostics_validated: bool
    catalog_ranges: bool
    far_from_previous: bool
    ranges: Mapping[str, PlausibleRange] = field(default_factory=dict)
    package: str | None = None


def rule_pack(document: Mapping[str, Any], source: str, package: str | None = None) -> RulePack:
    """A rule pack from its document, already checked against `rules.schema.json`."""
    activity = document["activity"]
    return RulePack(
        document["id"],
        document["version"],
        document["title"],
        source,
        tuple(document["required_modules"]),
        document["diagnostics_validated"],
        activity["catalog_ranges"],
        activity["far_from_previous"],
        {
            measure: PlausibleRange(r.get("low"), r.get("high"), r["source"])
            for measure, r in activity["ranges"].items()
        },
        package,
    )


@dataclass(frozen=True)
class DiagnosticFact:
    id: int
    label: str
    validated: bool


@dataclass(frozen=True)
class ActivityFact:
    """One value about to leave, with what is known to judge it."""

    year: int
    measure: str
    label: str
    value: float
    catalog_range: PlausibleRange | None
    previous: float | None  # the same measure in year N-1
    justification: str | None  # given when the value was entered


@dataclass(frozen=True)
class StockFact:
    """A stock value the user confirmed as unusual, with why, when it was imported or typed
    (`index`: its place in the stock document's `unusual_values`)."""

    index: int
    product_code: str
    field: str  # quantity, quantity_in, quantity_out, unit_price or value
    value: float
    low: float | None
    high: float | None
    justification: str
    where: str  # in French: "inventaire.csv, ligne 3" or "saisi"


STOCK_FIELDS = {
    "quantity": "quantité",
    "quantity_in": "quantité entrée",
    "quantity_out": "quantité sortie",
    "unit_price": "prix unitaire",
    "value": "valeur de la ligne",
}


@dataclass(frozen=True)
class Facts:
    selected: frozenset[str]  # the modules chosen
    with_data: frozenset[str]  # the modules that brought data
    period: str  # as bag-info.txt's Period: "2026", "2025-2026" or "sans année"
    diagnostics: tuple[DiagnosticFact, ...] = ()
    activity: tuple[ActivityFact, ...] = ()
    stock: tuple[StockFact, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    id: str  # stable within a bundle: module:<m>, diagnostic:<id>, activity:<year>:<measure>
    rule: str  # required_module | diagnostic_validated | plausible_value
    status: str  # ok | warning | justified
    message: str  # in French, for the user and the ARS
    justification: str | None = None
    justified_when: str | None = None  # entry (typed with the value) | signing

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "status": self.status,
            "message": self.message,
            "justification": self.justification,
            "justified_when": self.justified_when,
        }


def _modules(pack: RulePack, facts: Facts) -> list[CheckResult]:
    out = []
    for module in pack.required_modules:
        label = MODULE_LABELS[module]
        if module in facts.with_data:
            out.append(
                CheckResult(f"module:{module}", "required_module", "ok", f"Module {label} présent")
            )
            continue
        why = "non sélectionné" if module not in facts.selected else "aucune donnée"
        out.append(
            CheckResult(
                f"module:{module}",
                "required_module",
                "warning",
                f"Module {label} attendu{_for_period(facts.period)} : {why}",
            )
        )
    return out


def _for_period(period: str) -> str:
    """' pour la période 2026', nothing for a bundle without a year."""
    return "" if period == "sans année" else f" pour la période {period}"


def _diagnostics(pack: RulePack, facts: Facts) -> list[CheckResult]:
    if not pack.diagnostics_validated:
        return []
    return [
        CheckResult(
            f"diagnostic:{d.id}",
            "diagnostic_validated",
            "ok" if d.validated else "warning",
            f"Diagnostic « {d.label} » validé"
            if d.validated
            else f"Diagnostic « {d.label} » envoyé sans être validé",
        )
        for d in facts.diagnostics
    ]


def _range_of(pack: RulePack, fact: ActivityFact) -> PlausibleRange | None:
    if fact.measure in pack.ranges:
        return pack.ranges[fact.measure]
    return fact.catalog_range if pack.catalog_ranges else None


def _activity(pack: RulePack, facts: Facts) -> list[CheckResult]:
    out = []
    years = sorted({f.year for f in facts.activity})
    for year in years:
        unusual = []
        for fact in (f for f in facts.activity if f.year == year):
            plausible = _range_of(pack, fact)
            previous = fact.previous if pack.far_from_previous else None
            found = check_plausible(fact.value, plausible, previous)
            if found is None:
                continue
            if found.reason == "outside_range" and plausible is not None:
                why = f"hors de la plage plausible {_range_text(plausible)}"
            else:
                why = f"plus de dix fois l'an N-1 ({_number(found.previous)})"
            message = f"{fact.label} {year} : {_number(fact.value)}, {why}"
            justified = fact.justification is not None
            unusual.append(
                CheckResult(
                    f"activity:{year}:{fact.measure}",
                    "plausible_value",
                    "justified" if justified else "warning",
                    message,
                    fact.justification,
                    "entry" if justified else None,
                )
            )
        if not unusual:
            unusual.append(
                CheckResult(
                    f"activity:{year}",
                    "plausible_value",
                    "ok",
                    f"Valeurs d'activité {year} dans leurs plages plausibles",
                )
            )
        out += unusual
    return out


def _stock(facts: Facts) -> list[CheckResult]:
    """Stock values were justified when confirmed: each is shown, as an activity value is."""
    out = []
    for fact in facts.stock:
        low = "-∞" if fact.low is None else _number(fact.low)
        high = "+∞" if fact.high is None else _number(fact.high)
        field_label = STOCK_FIELDS.get(fact.field, fact.field)
        out.append(
            CheckResult(
                f"stock:unusual:{fact.index}",
                "plausible_value",
                "justified",
                f"Stock, produit {fact.product_code} : {field_label} {_number(fact.value)},"
                f" hors de la plage plausible {low} à {high} ({fact.where})",
                fact.justification[:MAX_JUSTIFICATION],
                "entry",
            )
        )
    return out


def _number(value: float | None) -> str:
    """French digits: 1 234,5 (never called with a non-finite value: see contents.py)."""
    if value is None:
        return "—"
    return french_number(value, 0 if value == int(value) else 2)


def _range_text(plausible: PlausibleRange) -> str:
    low = "-∞" if plausible.low is None else _number(plausible.low)
    high = "+∞" if plausible.high is None else _number(plausible.high)
    return f"{low} à {high} ({plausible.source})"


def run_checks(pack: RulePack, facts: Facts) -> tuple[CheckResult, ...]:
    """Every result of the pack over the facts, modules first."""
    return tuple(
        _modules(pack, facts) + _diagnostics(pack, facts) + _activity(pack, facts) + _stock(facts)
    )


def clean_text(text: str) -> str:
    return " ".join(text.split())


def justify(results: Sequence[CheckResult], texts: Mapping[str, str]) -> tuple[CheckResult, ...]:
    """The results with the user's justifications: each text names a warning (or replaces a
    justification written before signing); an empty text leaves the warning as it is."""
    known = {r.id: r for r in results}
    issues = []
    for check_id, text in texts.items():
        found = known.get(check_id)
        cleaned = clean_text(text)
        if found is None:
            issues.append(FieldIssue(check_id, "unknown_check", "no such check in this bundle"))
        elif found.status == "ok" or found.justified_when == "entry":
            issues.append(FieldIssue(check_id, "nothing_to_justify", "nothing to justify"))
        elif len(cleaned) > MAX_JUSTIFICATION:
            issues.append(
                FieldIssue(
                    check_id,
                    "too_long",
                    f"at most {MAX_JUSTIFICATION} characters",
                    {"max": MAX_JUSTIFICATION},
                )
            )
    if issues:
        raise ValidationError(issues)
    out = []
    for result in results:
        cleaned = clean_text(texts.get(result.id, ""))
        if result.id in texts and result.justified_when != "entry":
            if cleaned:
                result = replace(
                    result, status="justified", justification=cleaned, justified_when="signing"
                )
            else:
                result = replace(result, status="warning", justification=None, justified_when=None)
        out.append(result)
    return tuple(out)


def counts(results: Sequence[CheckResult]) -> dict[str, int]:
    return {status: sum(1 for r in results if r.status == status) for status in STATUSES}


def document(pack: RulePack, results: Sequence[CheckResult]) -> dict[str, Any]:
    """`data/checks.json`."""
    return {
        "format": CHECKS_FORMAT,
        "rules": {
            "id": pack.id,
            "version": pack.version,
            "title": pack.title,
            "source": pack.source,
            "package": pack.package,
        },
        "summary": counts(results),
        "results": [r.to_json() for r in results],
    }
