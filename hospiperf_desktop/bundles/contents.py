"""What goes into a bundle: the payload files, built from the establishment's data.

JSON files are for machines (the ARS consolidation reads them); CSV, XLSX and PDF files are
for people. `data/bundle.json` describes the whole payload. The layout is documented in
docs/bundle-format.md.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hospiperf_desktop import __version__
from hospiperf_desktop.bundles.bag import PayloadFile
from hospiperf_desktop.bundles.checks import (
    ActivityFact,
    CheckResult,
    DiagnosticFact,
    Facts,
    RulePack,
    StockFact,
    run_checks,
)
from hospiperf_desktop.bundles.checks import document as checks_document
from hospiperf_desktop.content_cache import ContentCache, cache_folder
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.safe_cells import clean_json_texts, csv_bytes, finite_only

if TYPE_CHECKING:
    from hospiperf_desktop.diagnostics.records import DiagnosticDetail
    from hospiperf_desktop.services import Services

MODULES = ("diagnostics", "activity", "stock", "calculators")
# 2: the bundle carries data/checks.json (the checks before signing); a /1 bundle, made
# before they existed, is still read and imported.
PAYLOAD_FORMAT = "hospiperf-bundle/2"
CHECKS = "data/checks.json"
CHECKS_DESCRIPTION = "Contrôles avant signature et justifications (lus par l'ARS)"
MAX_UNUSUAL_LISTED = 10_000  # stock values confirmed as unusual, as the schema allows
MAX_JUSTIFICATION_SENT = 2000  # characters, as the ARS column (the audit trail keeps all)


@dataclass(frozen=True)
class Selection:
    """What the user chose to send."""

    establishment_id: int
    years: tuple[int, ...] = ()  # activity, work units and dashboard years
    diagnostic_ids: tuple[int, ...] | None = None  # None: every diagnostic
    modules: frozenset[str] = field(default_factory=lambda: frozenset(MODULES))
    with_pdf: bool = True  # the PDF reports with their action plans


@dataclass(frozen=True)
class PlannedFile:
    path: str
    description: str  # in French, shown before signing
    size: int


@dataclass(frozen=True)
class PreparedBundle:
    finess: str
    name: str
    period: str
    selection: Selection
    files: tuple[PayloadFile, ...]
    descriptions: dict[str, str]
    rules: RulePack | None = None
    checks: tuple[CheckResult, ...] = ()
    # Free texts that only a PDF of the bundle shows (item comments, evidence file names):
    # (field, text) pairs for the personal-data guard, which cannot read a PDF.
    printed_texts: tuple[tuple[str, str], ...] = ()

    def listing(self) -> list[PlannedFile]:
        return [PlannedFile(f.path, self.descriptions[f.path], len(f.content)) for f in self.files]


def _json(value: Any) -> bytes:
    # Strict JSON: a non-finite number (stored before values were checked) is sent as null,
    # a control character (a NUL stored before text was checked) as U+FFFD.
    text = json.dumps(
        clean_json_texts(finite_only(value)),
        ensure_ascii=False,
        indent=1,
        default=_default,
        allow_nan=False,
    )
    return (text + "\n").encode()


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _csv(rows: list[list[Any]]) -> bytes:
    return csv_bytes(rows, delimiter=";")


def _file_bytes(write: Callable[[Path], None], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="hospiperf-bundle-") as folder:
        path = Path(folder) / f"file{suffix}"
        write(path)
        return path.read_bytes()


def period_label(years: tuple[int, ...]) -> str:
    if not years:
        return "sans année"
    return str(years[0]) if len(years) == 1 else f"{min(years)}-{max(years)}"


def prepare(
    services: Services, selection: Selection, progress: Progress | None = None
) -> PreparedBundle:
    """Build every payload file in memory; nothing is signed or written yet."""
    progress = progress or NullProgress()
    establishment = services.establishments.get(selection.establishment_id)
    files: list[PayloadFile] = []
    descriptions: dict[str, str] = {}
    printed: list[tuple[str, str]] = []

    def add(path: str, content: bytes, description: str) -> None:
        files.append(PayloadFile(path, content))
        descriptions[path] = description

    add(
        "data/establishment.json",
        _json(asdict(establishment)),
        "Fiche de l'établissement",
    )
    steps = len(selection.modules) + 2
    done = 0
    facts: list[Any] = []
    if "diagnostics" in selection.modules:
        progress.report(done, steps, "Diagnostics")
        facts += _diagnostics(services, selection, add, progress, printed)
        done += 1
    if "activity" in selection.modules:
        progress.check_cancelled()
        progress.report(done, steps, "Activité et unités d'œuvre")
        facts += _activity(services, selection, add)
        done += 1
    if "stock" in selection.modules:
        progress.check_cancelled()
        progress.report(done, steps, "Indicateurs de stock")
        facts += _stock(services, selection, add)
        done += 1
    if "calculators" in selection.modules:
        progress.check_cancelled()
        progress.report(done, steps, "Calculateurs")
        _calculators(services, selection, add)
        done += 1
    period = period_label(selection.years)
    progress.check_cancelled()
    progress.report(done, steps, "Contrôles avant signature")
    rules = services.library.rule_pack()
    checks = run_checks(
        rules,
        Facts(
            frozenset(selection.modules),
            _modules_with_data(files),
            period,
            tuple(f for f in facts if isinstance(f, DiagnosticFact)),
            tuple(f for f in facts if isinstance(f, ActivityFact)),
            tuple(f for f in facts if isinstance(f, StockFact)),
        ),
    )
    add(CHECKS, _json(checks_document(rules, checks)), CHECKS_DESCRIPTION)
    manifest = {
        "format": PAYLOAD_FORMAT,
        "finess": establishment.finess,
        "name": establishment.name,
        "period": period,
        "years": list(selection.years),
        "modules": sorted(selection.modules),
        "software_version": __version__,
        "files": [{"path": f.path, "description": descriptions[f.path]} for f in files],
    }
    add("data/bundle.json", _json(manifest), "Sommaire du paquet (lu par l'ARS)")
    progress.report(steps, steps, "Contenu prêt")
    return PreparedBundle(
        establishment.finess,
        establishment.name,
        period,
        selection,
        tuple(files),
        descriptions,
        rules,
        checks,
        tuple(printed),
    )


def with_checks(prepared: PreparedBundle, checks: tuple[CheckResult, ...]) -> PreparedBundle:
    """The same bundle with `data/checks.json` rewritten for `checks` (justified ones)."""
    if prepared.rules is None:
        raise ValueError("this bundle was prepared without checks")
    content = _json(checks_document(prepared.rules, checks))
    files = tuple(PayloadFile(CHECKS, content) if f.path == CHECKS else f for f in prepared.files)
    return replace(prepared, files=files, checks=checks)


def _modules_with_data(files: list[PayloadFile]) -> frozenset[str]:
    """A module brought data when its JSON documents are there and not empty."""
    found = set()
    for file in files:
        if file.path == "data/diagnostics.json" and json.loads(file.content):
            found.add("diagnostics")
        elif file.path.startswith("data/activity/activity-") and json.loads(file.content):
            found.add("activity")
        elif file.path == "data/stock/indicators.json":
            found.add("stock")
        elif file.path == "data/calculators/scenarios.json":
            found.add("calculators")
    return frozenset(found)


Add = Callable[[str, bytes, str], None]


def _dashboard_writer(dashboard: Any) -> Callable[[Path], None]:
    from hospiperf_desktop.activity.dashboard_outputs import write_dashboard_workbook

    def write(path: Path) -> None:
        write_dashboard_workbook(dashboard, path)

    return write


def _printed_texts(detail: DiagnosticDetail) -> list[tuple[str, str]]:
    """The free texts of a diagnostic's PDF report that no JSON or CSV of the bundle holds."""
    where = f"diagnostic « {detail.summary.label} »"
    texts = [
        (f"{where}, item {item_id}, commentaire", answer.comment)
        for item_id, answer in detail.answers.items()
        if answer.comment.strip()
    ]
    texts += [(f"{where}, item {e.item_id}, pièce jointe", e.filename) for e in detail.evidence]
    return texts


def _diagnostics(
    services: Services,
    selection: Selection,
    add: Add,
    progress: Progress,
    printed: list[tuple[str, str]],
) -> list[DiagnosticFact]:
    summaries = services.diagnostics.list(selection.establishment_id)
    if selection.diagnostic_ids is not None:
        wanted = set(selection.diagnostic_ids)
        summaries = [s for s in summaries if s.id in wanted]
    records = []
    for summary in summaries:
        progress.check_cancelled()
        report = services.diagnostics.score(summary.id)
        plan = services.plans.plan(summary.id)
        records.append(
            {
                "id": summary.id,
                "template_id": summary.template_id,
                "template_version": summary.template_version,
                "template_title": summary.template_title,
                "label": summary.label,
                "status": summary.status,
                "validated_at": summary.validated_at,
                "completion": summary.completion,
                "score": report.overall.score,
                "axes": [asdict(node) for node in report.axes],
                "critical_failures": list(report.critical_failures),
                "plan_actions": len(plan),
                "plan_done": sum(1 for e in plan if e.status == "done"),
            }
        )
        rows: list[list[Any]] = [
            ["item", "action", "priorite", "responsable", "echeance", "statut"]
        ]
        rows += [[e.item_id, e.text, e.priority, e.owner, e.due_date or "", e.status] for e in plan]
        add(
            f"data/diagnostics/diagnostic-{summary.id}-plan.csv",
            _csv(rows),
            f"Plan d'actions du diagnostic « {summary.label} » (CSV)",
        )
        if selection.with_pdf and summary.locked:
            printed += _printed_texts(services.diagnostics.get(summary.id))
            pdf = services.reports.pdf_bytes(summary.id)  # made once per content
            add(
                f"data/diagnostics/diagnostic-{summary.id}-rapport.pdf",
                pdf,
                f"Rapport et plan d'actions du diagnostic validé « {summary.label} » (PDF)",
            )
    add("data/diagnostics.json", _json(records), f"{len(records)} diagnostic(s) : scores par axe")
    return [DiagnosticFact(s.id, s.label, s.locked) for s in summaries]


def _activity(services: Services, selection: Selection, add: Add) -> list[ActivityFact]:
    module = services.activity
    facts: list[ActivityFact] = []
    documents = ContentCache(cache_folder(services.database.path))
    for year in selection.years:
        resolved = module.values.resolved(selection.establishment_id, year)
        # Unusual values travel with the justification given when they were confirmed.
        justified: dict[str, dict[str, str]] = {}
        for (measure, month), text in module.values.justifications(
            selection.establishment_id, year
        ).items():
            justified.setdefault(measure, {})[str(month)] = text
        add(
            f"data/activity/activity-{year}.json",
            _json(
                {
                    measure: {
                        "value": r.value,
                        "origin": r.origin.kind,
                        **r.origin.detail,
                        **({"justifications": justified[measure]} if measure in justified else {}),
                    }
                    for measure, r in resolved.items()
                    if r.value is not None
                }
            ),
            f"Valeurs d'activité {year} et leur origine",
        )
        facts += _activity_facts(services, selection.establishment_id, year, resolved, justified)
        reports = []
        for table in module.tables.all():
            report = module.work_units.compute(selection.establishment_id, year, table.id)
            if len(report.result.missing) == len(table.items):
                continue
            reports.append(
                {
                    "table_id": table.id,
                    "table_version": table.version,
                    "total": report.result.total,
                    "per_fte": report.per_fte,
                    "per_bed": report.per_bed,
                    "previous_total": report.previous_total,
                    "missing": list(report.result.missing),
                    "lines": [asdict(line) for line in report.result.lines],
                }
            )
        add(f"data/activity/work-units-{year}.json", _json(reports), f"Unités d'œuvre {year}")
        dashboard = module.dashboard.build(selection.establishment_id, year)
        # Made once per content (its charts take seconds); keeps its first moment of writing.
        shown = ("dashboard", dashboard.finess, dashboard.name, year, dashboard.families)
        make = partial(_file_bytes, _dashboard_writer(dashboard), ".xlsx")
        workbook = documents.bytes_for(shown, ".xlsx", make)
        add(
            f"data/activity/tableau-de-bord-{year}.xlsx",
            workbook,
            f"Tableau de bord de pilotage {year} (Excel)",
        )
    return facts


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _activity_facts(
    services: Services,
    establishment_id: int,
    year: int,
    resolved: dict[str, Any],
    justified: dict[str, dict[str, str]],
) -> list[ActivityFact]:
    """The typed or imported values of the year (computed ones are judged by their inputs),
    with N-1 and the justification given at entry, for the plausibility checks."""
    values = services.activity.values
    measures = values.catalog().measures
    previous = values.resolved(establishment_id, year - 1, with_stock=False)
    facts = []
    for measure_id, r in resolved.items():
        # A non-finite value (stored before values were checked) leaves as null: not judged.
        if not _finite(r.value) or r.computed or measure_id not in measures:
            continue
        measure = measures[measure_id]
        before = previous.get(measure_id)
        texts = justified.get(measure_id, {})
        facts.append(
            ActivityFact(
                year,
                measure_id,
                measure.label,
                r.value,
                measure.plausible,
                before.value if before is not None and _finite(before.value) else None,
                "; ".join(texts[m] for m in sorted(texts, key=int)) or None,
            )
        )
    return facts


def _stock(services: Services, selection: Selection, add: Add) -> list[StockFact]:
    analysis = services.stock.analysis
    at = analysis.latest_date(selection.establishment_id)
    if at is None:
        return []
    indicators = analysis.indicators(selection.establishment_id, at)
    data = {
        "at": indicators.at,
        "window_weeks": indicators.window_weeks,
        "coverage": [asdict(row) for row in indicators.coverage],
        "totals": [asdict(row) for row in indicators.totals],
        "dormant_value": indicators.dormant_value,
        "expiring_value": indicators.expiring_value,
        "per_bed": [asdict(row) for row in indicators.per_bed],
        "warnings": list(indicators.warnings),
    }
    unusual = _stock_unusual(services, selection)
    data.update(unusual)
    add("data/stock/indicators.json", _json(data), f"Indicateurs de stock au {at:%d/%m/%Y}")
    rows: list[list[Any]] = [
        ["categorie", "lieu", "valeur_stock", "conso_hebdo", "semaines", "cible"]
    ]
    rows += [
        [
            r.category,
            r.location,
            round(r.stock_value, 2),
            round(r.weekly_consumption_value, 2),
            "" if r.coverage_weeks is None else round(r.coverage_weeks, 2),
            r.target_weeks,
        ]
        for r in indicators.coverage
    ]
    add("data/stock/couverture.csv", _csv(rows), "Couverture de stock par catégorie (CSV)")
    return [_stock_fact(i, v) for i, v in enumerate(unusual.get("unusual_values", []))]


def _stock_fact(index: int, value: dict[str, Any]) -> StockFact:
    where = "saisi" if value["file"] is None else f"{value['file']}, ligne {value['line']}"
    return StockFact(
        index, value["product_code"], value["field"], value["value"], value["low"],
        value["high"], value["justification"], where,
    )  # fmt: skip


def _stock_unusual(services: Services, selection: Selection) -> dict[str, Any]:
    """The stock values of the period confirmed as unusual, each with its justification
    (like the activity values'); the key is left out when there are none."""
    found = services.stock.unusual.confirmed(selection.establishment_id, selection.years)
    if not found:
        return {}
    listed = [v.to_json() for v in found[:MAX_UNUSUAL_LISTED]]
    for value in listed:  # as the schema bounds them (a heading can be long)
        value["justification"] = value["justification"][:MAX_JUSTIFICATION_SENT]
        value["column"] = value["column"] and value["column"][:300]
    extra = len(found) - len(listed)
    return {"unusual_values": listed, **({"unusual_not_listed": extra} if extra else {})}


def _calculators(services: Services, selection: Selection, add: Add) -> None:
    scenarios = services.calculators.scenarios(selection.establishment_id)
    if not scenarios:
        return
    add(
        "data/calculators/scenarios.json",
        _json(
            [
                {
                    "calculator": s.calculator,
                    "name": s.name,
                    "params_version": s.params_version,
                    "saved_at": s.saved_at,
                    "result": s.result,
                }
                for s in scenarios
            ]
        ),
        f"{len(scenarios)} scénario(s) de calculateurs enregistré(s)",
    )
