"""Action plans: which actions a diagnostic proposes, and in what order (pure functions).

Priority follows ANAP's three ratings: high interest, low difficulty and a short delay come
first. Each rating gives 1 to 3 points (3 = most favourable); 8-9 points is high priority,
6-7 medium, 3-5 low. Users may override the computed priority of any entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from hospiperf_desktop.diagnostics.scoring import is_weak
from hospiperf_desktop.diagnostics.template import (
    Action,
    AnswerCode,
    Delay,
    Difficulty,
    Interest,
    Template,
)

_INTEREST = {Interest.HIGH: 3, Interest.MEDIUM: 2, Interest.LOW: 1}
_DIFFICULTY = {Difficulty.LOW: 3, Difficulty.MEDIUM: 2, Difficulty.HIGH: 1}
_DELAY = {Delay.SHORT: 3, Delay.MEDIUM: 2, Delay.LONG: 1}


class Priority(IntEnum):
    HIGH = 1
    MEDIUM = 2
    LOW = 3


class ActionStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


def priority_points(interest: Interest, difficulty: Difficulty, delay: Delay) -> int:
    return _INTEREST[interest] + _DIFFICULTY[difficulty] + _DELAY[delay]


def computed_priority(interest: Interest, difficulty: Difficulty, delay: Delay) -> Priority:
    points = priority_points(interest, difficulty, delay)
    if points >= 8:
        return Priority.HIGH
    return Priority.MEDIUM if points >= 6 else Priority.LOW


@dataclass(frozen=True)
class ProposedAction:
    item_id: str
    action_index: int
    action: Action
    critical: bool

    @property
    def priority(self) -> Priority:
        a = self.action
        return computed_priority(a.interest, a.difficulty, a.delay)

    @property
    def points(self) -> int:
        a = self.action
        return priority_points(a.interest, a.difficulty, a.delay)


def propose_actions(
    template: Template, answers: Mapping[str, AnswerCode | None]
) -> list[ProposedAction]:
    """The recommended actions of every weak item (Partiellement or Non), best first."""
    proposed = [
        ProposedAction(item.id, index, action, item.critical)
        for item in template.items
        if is_weak(answers.get(item.id))
        for index, action in enumerate(item.actions)
    ]
    return sorted(proposed, key=lambda p: (p.priority, not p.critical, -p.points, p.item_id))
