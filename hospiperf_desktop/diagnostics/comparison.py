"""Comparing two campaigns of one questionnaire (pure functions).

Axes and items are matched by id, so two versions of a template compare on what they share;
the comparison also lists the items added, removed or reworded between the two versions.
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
class ItemEdit:
    """An item that differs between the two versions compared (matched by id)."""

    item_id: str
    before_text: str  # "" when the item was added
    after_text: str  # "" when the item was removed


@dataclass(frozen=True)
class Comparison:
    overall: AxisDelta
    axes: tuple[AxisDelta, ...]
    worse: tuple[ItemChange, ...]
    better: tuple[ItemChange, ...]
    before_version: str = ""
    after_version: str = ""
    added: tuple[ItemEdit, ...] = ()  # in the later version only
    removed: tuple[ItemEdit, ...] = ()  # in the earlier version only
    reworded: tuple[ItemEdit, ...] = ()  # in both, with another question text


def version_changes(
    before: Template, after: Template
) -> tuple[tuple[ItemEdit, ...], tuple[ItemEdit, ...], tuple[ItemEdit, ...]]:
    """(added, removed, reworded) items from `before` to `after`, matched by id."""
    old = {item.id: item for item in before.items}
    new = {item.id: item for item in after.items}
    added = tuple(ItemEdit(i.id, "", i.text) for i in after.items if i.id not in old)
    removed = tuple(ItemEdit(i.id, i.text, "") for i in before.items if i.id not in new)
    reworded = tuple(
        ItemEdit(i.id, old[i.id].text, i.text)
        for i in after.items
        if i.id in old and old[i.id].text != i.text
    )
    return added, removed, reworded


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
    added, removed, reworded = version_changes(before_template, after_template)
    return Comparison(
        overall=AxisDelta(new.overall.id, new.overall.label, old.overall.score, new.overall.score),
        axes=tuple(AxisDelta(a.id, a.label, old_axes.get(a.id), a.score) for a in new.axes),
        worse=tuple(c for c in changes if ANSWER_VALUES[c.after] < ANSWER_VALUES[c.before]),
        better=tuple(c for c in changes if ANSWER_VALUES[c.after] > ANSWER_VALUES[c.before]),
        before_version=before_template.version,
        after_version=after_template.version,
        added=added,
        removed=removed,
        reworded=reworded,
    )
