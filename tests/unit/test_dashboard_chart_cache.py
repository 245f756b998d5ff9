"""A dashboard family's chart is drawn once per content and resolution in a process: going back
to an establishment or writing its workbook again reuses the picture."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hospiperf_desktop.activity import dashboard_outputs
from hospiperf_desktop.activity.dashboard import (
    BETTER,
    NO_COMPARISON,
    WORSE,
    Dashboard,
    DashboardFamily,
    DashboardLine,
)


def _line(measure: str, delta_pct: float | None, status: str) -> DashboardLine:
    previous = None if delta_pct is None else 100.0
    value = 100.0 + (delta_pct or 0.0)
    return DashboardLine(
        measure, f"Indicateur {measure}", "count", "higher", value, previous,
        None if delta_pct is None else value - 100.0, delta_pct, status, False, "saisie",
    )  # fmt: skip


COMPARED = DashboardFamily(
    "logistique", "Logistique", (_line("a", 12.5, BETTER), _line("b", -4.0, WORSE))
)
NOT_COMPARED = DashboardFamily("achats", "Achats", (_line("c", None, NO_COMPARISON),))


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The families whose figure is built, in order (the cache emptied first and after)."""
    dashboard_outputs.family_chart_png.cache_clear()
    built: list[str] = []
    figure = dashboard_outputs.family_chart_figure

    def counted(family: DashboardFamily) -> object:
        built.append(family.id)
        return figure(family)

    monkeypatch.setattr(dashboard_outputs, "family_chart_figure", counted)
    yield built
    dashboard_outputs.family_chart_png.cache_clear()


def test_a_family_chart_is_drawn_once_per_content_and_resolution(drawn: list[str]) -> None:
    first = dashboard_outputs.family_chart_png(COMPARED, 96)
    assert first is not None and first.startswith(b"\x89PNG\r\n\x1a\n")
    assert dashboard_outputs.family_chart_png(COMPARED, 96) is first
    # An equal family built anew (another load of the same data) finds the same picture.
    again = DashboardFamily(COMPARED.id, COMPARED.label, tuple(COMPARED.lines))
    assert dashboard_outputs.family_chart_png(again, 96) is first
    assert drawn == ["logistique"]

    assert dashboard_outputs.family_chart_png(COMPARED, 110) != first  # another resolution
    changed = replace(COMPARED, lines=(replace(COMPARED.lines[0], delta_pct=30.0),))
    assert dashboard_outputs.family_chart_png(changed, 96) != first  # another value
    assert dashboard_outputs.family_chart_png(NOT_COMPARED, 96) is None
    assert dashboard_outputs.family_chart_png(NOT_COMPARED, 96) is None
    assert drawn == ["logistique", "logistique", "logistique", "achats"]


def test_the_workbook_still_shows_each_compared_family_chart_and_draws_it_once(
    drawn: list[str], tmp_path: Path
) -> None:
    dashboard = Dashboard("750000001", "CH Test", 2026, (COMPARED, NOT_COMPARED), datetime.now(UTC))
    for name in ("un.xlsx", "deux.xlsx"):
        dashboard_outputs.write_dashboard_workbook(dashboard, tmp_path / name)
        sheet = load_workbook(tmp_path / name)["Tableau de bord"]
        assert len(sheet._images) == 1  # Logistique only: Achats has no N-1
    assert drawn == ["logistique", "achats"]
