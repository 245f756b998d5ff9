"""Demo step of the diagnostics: a few campaigns, answered with a fixed seed, one followed up."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any

from hospiperf_desktop.diagnostics.planning import ActionStatus
from hospiperf_desktop.diagnostics.records import PlanEntryChange
from hospiperf_desktop.diagnostics.template import AnswerCode, Template
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.progress import Progress

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

ORDER = (AnswerCode.YES, AnswerCode.MOSTLY, AnswerCode.PARTLY, AnswerCode.NO, AnswerCode.NA)


def _campaigns() -> list[dict[str, Any]]:
    text = resource_path("demo", "diagnostics.json").read_text(encoding="utf-8")
    campaigns: list[dict[str, Any]] = json.loads(text)["campaigns"]
    return campaigns


def _answers(template: Template, campaign: dict[str, Any]) -> dict[str, AnswerCode]:
    rng = random.Random(campaign["seed"])
    share = campaign.get("answered_share", 1.0)
    answers = {}
    for item in template.items:
        if rng.random() > share:
            continue
        allowed = [
            (c, w) for c, w in zip(ORDER, campaign["weights"], strict=True) if c in item.codes
        ]
        codes, weights = zip(*allowed, strict=True)
        answers[item.id] = rng.choices(codes, weights)[0]
    return answers


def _follow_up(services: Services, diagnostic_id: int, followup: dict[str, Any]) -> None:
    entries = services.plans.plan(diagnostic_id)
    statuses = [ActionStatus.IN_PROGRESS] * followup["in_progress"]
    statuses += [ActionStatus.DONE] * followup["done"]
    for entry, status in zip(entries, statuses, strict=False):
        services.plans.update(entry.id, PlanEntryChange(followup["owner"], None, status, None))


def add_diagnostics(services: Services, progress: Progress) -> int:
    known = {(s.establishment_finess, s.label) for s in services.diagnostics.list()}
    added = 0
    for campaign in _campaigns():
        progress.check_cancelled()
        if (campaign["finess"], campaign["label"]) in known:
            continue
        establishment = services.establishments.by_finess(campaign["finess"])
        summary = services.diagnostics.create(
            campaign["template"], establishment.id, campaign["label"]
        )
        template = services.diagnostics.template(campaign["template"])
        for item_id, code in _answers(template, campaign).items():
            services.diagnostics.answer(summary.id, item_id, code)
        if campaign["validate"]:
            services.diagnostics.validate(summary.id)
        if "plan_followup" in campaign:
            _follow_up(services, summary.id, campaign["plan_followup"])
        added += 1
    return added
