"""Demo step of the activity module: two years of activity for three establishments.

Values come from `resources/demo/activity.json`: the support hospital's year, scaled for
the others, and the next year by a change per measure. In the later year, the measures the
stock module can compute (days of stock, supplier changes after shortages) are left out
where the demo has stock data, so the dashboard shows computed values and says so.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.progress import Progress

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


def _rounded(unit: str, value: float) -> float:
    if unit == "count":
        return float(round(value))
    if unit in ("amount", "signed_amount"):
        return float(round(value, -2))
    return round(value, 1)


def add_activity(services: Services, progress: Progress) -> int:
    data: dict[str, Any] = json.loads(
        resource_path("demo", "activity.json").read_text(encoding="utf-8")
    )
    values = services.activity.values
    measures = values.catalog().measures
    first, second = data["years"]
    change = data["change_next_year"]
    added = 0
    for config in data["establishments"]:
        try:
            establishment = services.establishments.by_finess(config["finess"])
        except NotFoundError:
            continue
        if values.years(establishment.id):
            continue
        progress.check_cancelled()
        for year in (first, second):
            changes: dict[tuple[str, int], float | None] = {}
            for measure_id, amount in data["base"].items():
                if measure_id in config.get("without", ()):
                    continue
                if year == second and measure_id in config.get("computed_next_year", ()):
                    continue
                value = config.get("overrides", {}).get(measure_id, amount * config["scale"])
                if year == second:
                    value *= change.get(measure_id, change["*"])
                changes[(measure_id, 0)] = _rounded(measures[measure_id].unit, value)
            monthly = data["monthly"]
            if monthly["finess"] == config["finess"] and monthly["year"] == year:
                changes.pop((monthly["measure"], 0), None)
                for month, count in enumerate(monthly["values"], start=1):
                    changes[(monthly["measure"], month)] = float(count)
            added += values.set_values(establishment.id, year, changes)
    return added
