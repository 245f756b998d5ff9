"""Comparing two campaigns of one questionnaire (pure functions).

Axes and items are matched by id, so two versions of a template compare on what they share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hospiperf_desktop.diagnostics.scoring import score
from hospiperf_desktop.diagnostics.template import ANSWER_VALUES, AnswerCode, Template


@dataclass(frozen=True)
class AxisDelta:
    id: str
    label: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    text: str
    before: AnswerCode
    after: AnswerCode


@dataclass(frozen=True)
class Comparison:
    overall: AxisDelta
    axes: tuple[AxisDelta, ...]
    worse: tuple[ItemChange, ...]
    better: tuple[ItemChange, ...]


def _changes(
    template: Template,
    before: Mapping[str, AnswerCode | None],
    after: Mapping[str, AnswerCode | None],
) -> list[ItemChange]:
    changes = []
    for item in template.items:
        old, new = before.get(item.id), after.get(item.id)
        if old in (None, AnswerCode.NA) or new in (None, AnswerCode.NA) or old == new:
            continue
        assert old is not None and new is not None
        changes.append(ItemChange(item.id, item.text, old, new))
    return changes


def compare(
    before_template: Template,
    before: Mapping[str, AnswerCode | None],
    after_template: Template,
    after: Mapping[str, AnswerCode | None],
) -> Comparison:
    """What changed from campaign `before` to campaign `after`, per axis and per item."""
    old, new = score(before_template, before), score(after_template, after)
    old_axes = {axis.id: axis.score for axis in old.axes}
    changes = _changes(after_template, before, after)
    return Comparison(
        overall=AxisDelta(new.overall.id, new.overall.label, old.overall.score, new.overall.score),
        axes=tuple(AxisDelta(a.id, a.label, old_axes.get(a.id), a.score) for a in new.axes),
        worse=tuple(c for c in changes if ANSWER_VALUES[c.after] < ANSWER_VALUES[c.before]),
        better=tuple(c for c in changes if ANSWER_VALUES[c.after] > ANSWER_VALUES[c.before]),
    )
