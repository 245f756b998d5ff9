"""Which scheduled backups to keep: the newest of each of the last N days, weeks and months.

Pure: a list of times in, the set of times to remove out. Copies taken for a reason (before a
deletion, before a restore) are not passed here and are never removed by rotation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _newest_per_period(
    times: list[datetime], period: Callable[[datetime], Hashable], count: int
) -> set[datetime]:
    kept: dict[Hashable, datetime] = {}
    for moment in sorted(times, reverse=True):
        key = period(moment)
        if key not in kept:
            if len(kept) == count:
                break
            kept[key] = moment
    return set(kept.values())


def to_remove(times: Iterable[datetime], retention: Retention) -> set[datetime]:
    """The backup times rotation removes; the newest backup is always kept."""
    moments = sorted(set(times))
    if not moments:
        return set()
    keep = {moments[-1]}
    keep |= _newest_per_period(moments, lambda t: t.date(), retention.daily)
    keep |= _newest_per_period(moments, lambda t: t.isocalendar()[:2], retention.weekly)
    keep |= _newest_per_period(moments, lambda t: (t.year, t.month), retention.monthly)
    return set(moments) - keep
