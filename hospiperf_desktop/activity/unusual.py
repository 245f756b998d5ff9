"""Activity values that are valid but unusual: outside their measure's plausible range, or
more than ten times away from N-1. They are kept only with a justification (pure helpers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hospiperf_desktop.activity.catalog import Measure, plain_number, range_text
from hospiperf_desktop.errors import HospiPerfError
from hospiperf_desktop.plausibility import PlausibleRange, UnusualReason, check_plausible

Key = tuple[str, int]  # (measure id, month; 0 = the year)


@dataclass(frozen=True)
class Place:
    """Where an imported value was read: file, line and column (as in SourceIssue)."""

    file: str
    line: int | None
    column: str | None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f", line {self.line}"
        if self.column:
            text += f", column {self.column}"
        return text


@dataclass(frozen=True)
class UnusualValue:
    measure_id: str
    month: int
    value: float
    reason: UnusualReason
    plausible: PlausibleRange | None
    previous: float | None  # the same measure and month of year N-1
    place: Place | None = None  # for an imported value

    @property
    def key(self) -> Key:
        return (self.measure_id, self.month)

    def __str__(self) -> str:
        where = f"{self.place}: " if self.place else ""
        field = f"{self.measure_id}/{self.month}"
        if self.reason == "outside_range":
            why = f"{plain_number(self.value)} is outside the plausible range"
            why += f" {range_text(self.plausible)}"
        else:
            why = (
                f"{plain_number(self.value)} is more than ten times away from N-1"
                f" ({plain_number(self.previous)}; plausible range {range_text(self.plausible)})"
            )
        return f"{where}{field}: {why}"


@dataclass(frozen=True)
class Confirmation:
    """The user's word that unusual values are right, and why.

    `keys` None confirms every unusual value; otherwise only those listed are kept (an
    import skips the others and keeps what was stored).
    """

    justification: str
    keys: frozenset[Key] | None = None

    def covers(self, key: Key) -> bool:
        return self.keys is None or key in self.keys


class UnusualValuesError(HospiPerfError):
    """Unusual values were given without a justification; nothing was written."""

    code = "unusual"

    def __init__(self, values: list[UnusualValue]) -> None:
        self.values = tuple(values)
        shown = [str(v) for v in self.values[:20]]
        if len(self.values) > 20:
            shown.append(f"... and {len(self.values) - 20} more unusual values")
        shown.append("a justification is needed to keep such a value (--confirm-unusual)")
        super().__init__("\n".join(shown))


def clean_justification(text: str | None) -> str | None:
    """The justification as stored: trimmed, None when empty."""
    cleaned = " ".join((text or "").split())
    return cleaned or None


def find_unusual(
    measures: Mapping[str, Measure],
    values: Mapping[Key, float | None],
    previous: Callable[[str, int], float | None],
    places: Mapping[Key, Place] | None = None,
) -> list[UnusualValue]:
    """The values (cleared ones aside) that need a justification, in key order."""
    found = []
    for key, value in sorted(values.items()):
        if value is None:
            continue
        measure_id, month = key
        before = previous(measure_id, month)
        unusual = check_plausible(value, measures[measure_id].plausible, before)
        if unusual is not None:
            place = places.get(key) if places else None
            found.append(
                UnusualValue(
                    measure_id, month, value, unusual.reason, unusual.plausible, before, place
                )
            )
    return found
