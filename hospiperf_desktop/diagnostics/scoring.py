"""The scoring rule, as one pure function.

Score of a node (theme, axis, volet, whole questionnaire) = weighted share of the best answer
over its answered, applicable items: sum(weight × value) / sum(weight) × 100, with Oui = 1,
Plutôt oui = 2/3, Partiellement = 1/3, Non = 0. "Non concerné" is left out of both sums.
Unanswered items lower completion (answered items, "Non concerné" included, over all items),
never the score. A node with nothing applicable answered has no score (None).
A critical item answered below "Plutôt oui" is a critical failure, whatever the scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hospiperf_desktop.diagnostics.template import (
    ANSWER_VALUES,
    WEAK_BELOW,
    AnswerCode,
    Item,
    Template,
)


@dataclass(frozen=True)
class NodeScore:
    id: str
    label: str
    score: float | None
    completion: float
    answered: int
    total: int


@dataclass(frozen=True)
class ScoreReport:
    overall: NodeScore
    volets: tuple[NodeScore, ...]
    axes: tuple[NodeScore, ...]
    themes: tuple[NodeScore, ...]
    critical_failures: tuple[str, ...]


def is_weak(code: AnswerCode | None) -> bool:
    """An answer that calls for action: Partiellement or Non."""
    return code is not None and code is not AnswerCode.NA and ANSWER_VALUES[code] < WEAK_BELOW


def score_node(
    node_id: str, label: str, items: Iterable[Item], answers: Mapping[str, AnswerCode | None]
) -> NodeScore:
    items = tuple(items)
    given = [(item, code) for item in items if (code := answers.get(item.id)) is not None]
    applicable = [(item, code) for item, code in given if code is not AnswerCode.NA]
    weight = sum(item.weight for item, _ in applicable)
    earned = sum(item.weight * ANSWER_VALUES[code] for item, code in applicable)
    return NodeScore(
        id=node_id,
        label=label,
        score=100 * earned / weight if weight else None,
        completion=100 * len(given) / len(items) if items else 100.0,
        answered=len(given),
        total=len(items),
    )


def score(template: Template, answers: Mapping[str, AnswerCode | None]) -> ScoreReport:
    """Scores of `template` answered with `answers` (item id → code; missing = unanswered)."""
    return ScoreReport(
        overall=score_node(template.id, template.title, template.items, answers),
        volets=tuple(score_node(v.id, v.label, v.items, answers) for v in template.volets),
        axes=tuple(score_node(a.id, a.label, a.items, answers) for a in template.axes),
        themes=tuple(score_node(t.id, t.label, t.items, answers) for t in template.themes),
        critical_failures=tuple(
            item.id for item in template.items if item.critical and is_weak(answers.get(item.id))
        ),
    )
