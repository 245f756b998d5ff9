"""A small synthetic diagnostic for the chart and report tests (imported as `tests.…`).

Every theme has five items answered Oui, Oui, Oui, Non, Non concerné, so every score is
75,0 % and each theme's fourth item, which is critical, is a critical failure.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from hospiperf_desktop.diagnostics.loader import parse_template
from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.records import (
    AnswerRecord,
    DiagnosticDetail,
    DiagnosticSummary,
    PlanEntry,
)
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.template import (
    AnswerCode,
    Delay,
    Difficulty,
    Interest,
    Template,
)

ESTABLISHMENT = "Centre hospitalier de Montargis"
MOMENT = datetime(2026, 5, 4, 10, 15)
PATTERN = (AnswerCode.YES, AnswerCode.YES, AnswerCode.YES, AnswerCode.NO, AnswerCode.NA)


def _item(item_id: str, index: int) -> dict[str, object]:
    return {
        "id": item_id,
        "text": f"La question {item_id} porte sur la sécurisation du circuit du médicament.",
        "critical": index == 3,
        "actions": [
            {
                "text": f"Action corrective pour {item_id}",
                "interest": "fort",
                "difficulty": "faible",
                "delay": "court",
                "indicator": "Taux de conformité à l’audit",
            }
        ],
    }


def make_template(themes: int) -> Template:
    """One volet; axes A, B, C … of two themes each; five items per theme."""
    axes = []
    for a in range((themes + 1) // 2):
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[a]
        axis_themes = [
            {
                "id": f"{letter}{t + 1}",
                "label": f"Thème {letter}{t + 1} : organisation et traçabilité",
                "items": [_item(f"{letter}.{t * 5 + i + 1:02d}", i) for i in range(5)],
            }
            for t in range(min(2, themes - 2 * a))
        ]
        label = f"Axe {letter} du questionnaire"
        axes.append({"id": letter, "label": label, "themes": axis_themes})
    data = {
        "format": 1,
        "id": "essai-rapport",
        "version": "1.2",
        "title": "Questionnaire d’essai",
        "family": "essai",
        "target": "pui",
        "description": "Pour les tests.",
        "volets": [{"id": "V1", "label": "Volet unique", "axes": axes}],
    }
    return parse_template(json.dumps(data).encode(), "essai-rapport.json")


def plan_entry(index: int, item_id: str, critical: bool = False) -> PlanEntry:
    return PlanEntry(
        id=index,
        diagnostic_id=1,
        item_id=item_id,
        action_index=0,
        text=f"Réviser la procédure n°{index}",
        interest=Interest.HIGH,
        difficulty=Difficulty.LOW,
        delay=Delay.SHORT,
        indicator="Procédure validée",
        owner="Pharmacien référent",
        due_date=date(2026, 12, 31),
        status=ActionStatus.TODO,
        priority=Priority.HIGH,
        computed_priority=Priority.HIGH,
        priority_overridden=False,
        critical=critical,
        created_at=MOMENT,
        updated_at=MOMENT,
    )


def build_diagnostic(
    items: int = 30, actions: int = 6
) -> tuple[DiagnosticDetail, ScoreReport, list[PlanEntry]]:
    """A draft diagnostic of `items` items (a multiple of 5) and a plan of `actions` entries."""
    template = make_template(items // 5)
    answers = {
        item.id: AnswerRecord(item.id, PATTERN[n % 5], "Vu en réunion", "Mme Roux", MOMENT)
        for n, item in enumerate(template.items)
    }
    report = score(template, {key: record.code for key, record in answers.items()})
    summary = DiagnosticSummary(
        id=1,
        establishment_id=1,
        establishment_finess="450000088",
        establishment_name=ESTABLISHMENT,
        template_id=template.id,
        template_version=template.version,
        template_title=template.title,
        label="Campagne de printemps",
        status="draft",
        author="Mme Roux",
        created_at=MOMENT,
        updated_at=MOMENT,
        validated_at=None,
        validated_by=None,
        completion=report.overall.completion,
        score=report.overall.score,
    )
    detail = DiagnosticDetail(summary, template, answers, ())
    failed = report.critical_failures
    plan = [plan_entry(n + 1, failed[n % len(failed)], critical=True) for n in range(actions)]
    return detail, report, plan
