"""Time of the diagnostic PDF report (150 items, 100 actions) against plain paragraphs.

A synthetic questionnaire (2 volets, 10 axes, 30 themes of 5 items, French-length texts) is
loaded through the real loader, answered and given a 100-action plan; `write_report` is
timed in this process, best of 5 after one warm-up. The baseline, timed the same way, is a
reportlab document with the same number of pages holding plain paragraphs only, so the ratio
shows what the tables and charts cost.

    python benchmarks/diagnostic_pdf.py [--out FILE.pdf]

The last lines are `report_seconds=X`, `ratio=Y` and whether the 2 s target is met.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from hospiperf_desktop.diagnostics.loader import parse_template
from hospiperf_desktop.diagnostics.planning import ActionStatus, computed_priority
from hospiperf_desktop.diagnostics.records import (
    AnswerRecord,
    DiagnosticDetail,
    DiagnosticSummary,
    PlanEntry,
)
from hospiperf_desktop.diagnostics.report_pdf import write_report
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.template import AnswerCode, Template

TARGET_SECONDS = 2.0
AXIS_LETTERS = "ABCDEFGHIJ"
NOUNS = (
    "la prescription", "la dispensation nominative", "l’administration des médicaments",
    "la conciliation médicamenteuse", "le circuit des dispositifs médicaux stériles",
    "la traçabilité des lots", "le stockage en unité de soins", "les médicaments à risque",
    "la sortie d’hospitalisation", "le livret thérapeutique", "les stupéfiants",
    "la chaîne du froid", "les retours de la pharmacie", "la préparation des doses à administrer",
)  # fmt: skip
VERBS = (
    "Une procédure écrite et validée décrit", "L’équipe pharmaceutique évalue chaque année",
    "Le COMEDIMS suit par des indicateurs", "Les soignants sont formés à",
    "Un audit croisé entre unités porte sur", "Le système d’information sécurise",
    "Les événements indésirables liés à {n} sont analysés en CREX, comme",
)  # fmt: skip
TAILS = (
    "", " dans toutes les unités de soins", ", y compris la nuit et le week-end",
    ", avec une revue pluriprofessionnelle des écarts constatés et un retour aux équipes",
    " selon les recommandations de la HAS et de l’arrêté du 6 avril 2011",
)  # fmt: skip
ACTIONS = (
    "Rédiger et faire valider par le COMEDIMS une procédure sur {n}",
    "Mettre en place un audit trimestriel de {n} avec restitution aux cadres de santé",
    "Former les nouveaux arrivants à {n} lors de la journée d’accueil institutionnelle",
    "Paramétrer le logiciel de prescription pour sécuriser {n}, puis vérifier les alertes",
)
RATINGS = (
    ("fort", "faible", "court"), ("fort", "moyenne", "moyen"), ("moyen", "moyenne", "court"),
    ("faible", "forte", "long"), ("moyen", "faible", "moyen"), ("fort", "forte", "long"),
)  # fmt: skip
AXIS_LABELS = (
    "Management de la qualité et gouvernance de la prise en charge médicamenteuse",
    "Système d’information", "Prescription", "Dispensation et délivrance",
    "Approvisionnement et stockage", "Administration et surveillance",
    "Sécurisation des médicaments à risque", "Continuité ville-hôpital et conciliation",
    "Formation et compétences des professionnels", "Évaluation, indicateurs et retours",
)  # fmt: skip
CODES = (AnswerCode.YES, AnswerCode.MOSTLY, AnswerCode.PARTLY, AnswerCode.NO, AnswerCode.NA)


def _sentence(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    verb = rng.choice(VERBS).format(n=rng.choice(NOUNS))
    return f"{verb} {noun}{rng.choice(TAILS)}."


def _item(rng: random.Random, item_id: str) -> dict[str, object]:
    interest, difficulty, delay = rng.choice(RATINGS)
    noun = rng.choice(NOUNS)
    return {
        "id": item_id,
        "text": _sentence(rng),
        "help": "Chercher la procédure, son dernier audit et le compte rendu du COMEDIMS.",
        "weight": rng.choice((1, 1, 1, 2, 3)),
        "critical": rng.random() < 0.12,
        "actions": [
            {
                "text": rng.choice(ACTIONS).format(n=noun) + ".",
                "interest": interest,
                "difficulty": difficulty,
                "delay": delay,
                "indicator": f"Taux de conformité de {noun} lors de l’audit annuel (en %)",
                "who": "pharmacien référent",
            }
        ],
    }


def _template(rng: random.Random) -> Template:
    axes = [
        {
            "id": letter,
            "label": AXIS_LABELS[a],
            "themes": [
                {
                    "id": f"{letter}{t + 1}",
                    "label": rng.choice(NOUNS).capitalize() + rng.choice(("", " : organisation")),
                    "items": [_item(rng, f"{letter}.{t * 5 + i + 1:02d}") for i in range(5)],
                }
                for t in range(3)
            ],
        }
        for a, letter in enumerate(AXIS_LETTERS)
    ]
    data = {
        "format": 1,
        "id": "bench-pecm",
        "version": "1.0",
        "title": "Autodiagnostic de la prise en charge médicamenteuse (jeu d’essai)",
        "family": "bench-pecm",
        "target": "pui",
        "description": "Questionnaire synthétique pour mesurer le temps du rapport PDF.",
        "volets": [
            {"id": "V1", "label": "Volet stratégique", "axes": axes[:5]},
            {"id": "V2", "label": "Volet processus", "axes": axes[5:]},
        ],
    }
    return parse_template(json.dumps(data, ensure_ascii=False).encode(), "bench-pecm.json")


def build_sample(
    seed: int = 7, actions: int = 100
) -> tuple[DiagnosticDetail, ScoreReport, list[PlanEntry]]:
    """A 150-item diagnostic, answered (a few items left blank), and its `actions` plan."""
    rng = random.Random(seed)
    template = _template(rng)
    start = datetime(2026, 3, 2, 9, 30)
    answers = {
        item.id: AnswerRecord(item.id, rng.choice(CODES), _comment(rng), "M. Martin", start)
        for item in template.items
        if rng.random() < 0.93
    }
    codes = {item_id: record.code for item_id, record in answers.items()}
    report = score(template, codes)
    summary = DiagnosticSummary(
        id=1,
        establishment_id=1,
        establishment_finess="750712184",
        establishment_name="Centre hospitalier intercommunal de Villeneuve-Saint-Georges",
        template_id=template.id,
        template_version=template.version,
        template_title=template.title,
        label="Campagne 2026 — pôle médecine",
        status="validated",
        author="Claire Dupont",
        created_at=start,
        updated_at=start,
        validated_at=start + timedelta(days=20),
        validated_by="Dr Paul Lefèvre",
        completion=report.overall.completion,
        score=report.overall.score,
    )
    detail = DiagnosticDetail(summary, template, answers, ())
    return detail, report, _plan(rng, template, actions, start)


def _comment(rng: random.Random) -> str:
    return rng.choice(("", "", "Procédure en cours de révision ; audit prévu en juin."))


def _plan(rng: random.Random, template: Template, count: int, start: datetime) -> list[PlanEntry]:
    items = template.items
    entries = []
    for index in range(count):
        item = items[index * len(items) // count]
        action = item.actions[0]
        priority = computed_priority(action.interest, action.difficulty, action.delay)
        entries.append(
            PlanEntry(
                id=index + 1,
                diagnostic_id=1,
                item_id=item.id,
                action_index=0,
                text=action.text.rstrip(".") + rng.choice(TAILS) + ".",
                interest=action.interest,
                difficulty=action.difficulty,
                delay=action.delay,
                indicator=action.indicator,
                owner=rng.choice(("Pharmacien référent", "Cadre de santé", "")),
                due_date=date(2026, 6 + index % 6, 1 + index % 28),
                status=rng.choice(list(ActionStatus)),
                priority=priority,
                computed_priority=priority,
                priority_overridden=index % 17 == 0,
                critical=item.critical,
                created_at=start,
                updated_at=start,
            )
        )
    return sorted(entries, key=lambda e: (e.priority, not e.critical, e.item_id))


def _page_count(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def _baseline(path: Path, pages: int) -> None:
    """Same number of A4 pages, each filled with plain paragraphs (no table, no image)."""
    style = ParagraphStyle("plain", fontName="Helvetica", fontSize=10, leading=13)
    text = " ".join(_sentence(random.Random(page)) for page in range(5))
    story = []
    for _ in range(pages):
        story += [Paragraph(text, style) for _ in range(7)]
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4).build(story[:-1])


def _best_of(runs: int, job: Callable[[], None]) -> float:
    job()  # warm-up: imports, font metrics, matplotlib caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the report PDF at this path")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    detail, report, plan = build_sample()
    moment = datetime(2026, 4, 1, 14, 5)
    with tempfile.TemporaryDirectory() as folder:
        out = args.out or Path(folder) / "report.pdf"
        plain = Path(folder) / "plain.pdf"

        def report_job() -> None:
            write_report(detail, report, plan, out, generated_at=moment, author="Claire Dupont")

        report_time = _best_of(args.runs, report_job)
        pages = _page_count(out)
        baseline_time = _best_of(args.runs, lambda: _baseline(plain, pages))
        assert _page_count(plain) == pages, "the baseline must have the report's page count"
    print(f"items={len(detail.template.items)} actions={len(plan)} pages={pages}")
    print(f"runs={args.runs} (best, after one warm-up, seconds)")
    print(f"baseline_plain_paragraphs_seconds={baseline_time:.3f}")
    print(f"report_seconds={report_time:.3f}")
    print(f"ratio={report_time / baseline_time:.2f}")
    verdict = "met" if report_time < TARGET_SECONDS else "missed"
    print(f"target {TARGET_SECONDS:.1f} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
