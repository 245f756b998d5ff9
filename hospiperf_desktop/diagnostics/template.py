"""Questionnaire templates as frozen dataclasses: volets → axes → themes → items.

Templates are data (`resources/questionnaires/*.json`, format in
`docs/questionnaire-format.md`); `loader.py` turns a file into these objects. Nothing here
knows about the database or the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Target(StrEnum):
    """Who a questionnaire is meant for."""

    PUI = "pui"
    EHPAD_WITH_PUI = "ehpad_with_pui"
    EHPAD_WITHOUT_PUI = "ehpad_without_pui"
    HAD_WITH_PUI = "had_with_pui"
    HAD_WITHOUT_PUI = "had_without_pui"
    CARE_UNIT = "care_unit"
    GHT = "ght"


class AnswerCode(StrEnum):
    YES = "yes"
    MOSTLY = "mostly"
    PARTLY = "partly"
    NO = "no"
    NA = "na"


class Scale(StrEnum):
    """The answers an item offers (besides "na" when the item allows it)."""

    GRADED = "graded"
    BINARY = "binary"


SCALE_CODES: dict[Scale, tuple[AnswerCode, ...]] = {
    Scale.GRADED: (AnswerCode.YES, AnswerCode.MOSTLY, AnswerCode.PARTLY, AnswerCode.NO),
    Scale.BINARY: (AnswerCode.YES, AnswerCode.NO),
}

# Share of the best answer each code is worth. "na" has no value: it is left out.
ANSWER_VALUES: dict[AnswerCode, float] = {
    AnswerCode.YES: 1.0,
    AnswerCode.MOSTLY: 2 / 3,
    AnswerCode.PARTLY: 1 / 3,
    AnswerCode.NO: 0.0,
}

# An answer worth less than this is "weak": it proposes actions, and fails a critical item.
WEAK_BELOW = 0.5


class Interest(StrEnum):
    LOW = "faible"
    MEDIUM = "moyen"
    HIGH = "fort"


class Difficulty(StrEnum):
    LOW = "faible"
    MEDIUM = "moyenne"
    HIGH = "forte"


class Delay(StrEnum):
    SHORT = "court"
    MEDIUM = "moyen"
    LONG = "long"


@dataclass(frozen=True)
class Action:
    """A recommended action, with the three ratings of ANAP's practical sheets."""

    text: str
    interest: Interest
    difficulty: Difficulty
    delay: Delay
    indicator: str
    who: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    help: str
    weight: float
    critical: bool
    scale: Scale
    na_allowed: bool
    actions: tuple[Action, ...]

    @property
    def codes(self) -> tuple[AnswerCode, ...]:
        extra = (AnswerCode.NA,) if self.na_allowed else ()
        return SCALE_CODES[self.scale] + extra


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Axis:
    id: str
    label: str
    themes: tuple[Theme, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for theme in self.themes for item in theme.items)


@dataclass(frozen=True)
class Volet:
    id: str
    label: str
    axes: tuple[Axis, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for axis in self.axes for item in axis.items)


@dataclass(frozen=True)
class ItemPlace:
    """Where an item sits in its template."""

    volet: Volet
    axis: Axis
    theme: Theme


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    title: str
    target: Target
    family: str
    description: str
    structure_note: str
    volets: tuple[Volet, ...]
    overseas: bool = False  # meant only for establishments overseas
    sha256: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def axes(self) -> tuple[Axis, ...]:
        return tuple(axis for volet in self.volets for axis in volet.axes)

    @property
    def themes(self) -> tuple[Theme, ...]:
        return tuple(theme for axis in self.axes for theme in axis.themes)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for volet in self.volets for item in volet.items)

    @cached_property
    def places(self) -> dict[str, ItemPlace]:
        return {
            item.id: ItemPlace(volet, axis, theme)
            for volet in self.volets
            for axis in volet.axes
            for theme in axis.themes
            for item in theme.items
        }

    def item(self, item_id: str) -> Item:
        place = self.places[item_id]
        return next(i for i in place.theme.items if i.id == item_id)
