"""A desktop's own diagnostic and dashboard figures placed against regional quartiles."""

from __future__ import annotations

from datetime import UTC, datetime

from hospiperf_desktop.activity.dashboard import Dashboard, DashboardFamily, DashboardLine
from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport
from hospiperf_desktop.library.benchmarks import Distribution
from hospiperf_desktop.library.positions import dashboard_positions, diagnostic_positions

ITEMS = [
    Distribution("diagnostic", "diagnostic:circuit:score", "C", 2026, "ehpad", 38, 40, 50, 60),
    Distribution("diagnostic", "diagnostic:circuit:A", "C — A", 2026, "ehpad", 38, 10, 20, 30),
    Distribution("dashboard", "dashboard:lignes", "lignes", 2026, "ch", 12, 100, 200, 300),
]


def _node(node_id: str, score: float | None) -> NodeScore:
    return NodeScore(node_id, node_id, score, 100.0, 5, 5)


def test_the_overall_score_and_each_axis_get_their_regional_quartile() -> None:
    report = ScoreReport(_node("Ensemble", 55.0), (), (_node("A", 35.0), _node("B", 1.0)), (), ())
    placed = diagnostic_positions(
        ITEMS, "circuit", report, kind="ehpad", finess="750000001", year=2026
    )
    assert [(p.id, p.position.text) for p in placed] == [
        ("score", "3ᵉ quartile régional des EHPAD, 38 établissements, données 2026"),
        ("A", "4ᵉ quartile régional des EHPAD, 38 établissements, données 2026"),
    ]
    other_kind = diagnostic_positions(
        ITEMS, "circuit", report, kind="had", finess="750000001", year=2026
    )
    assert other_kind == []


def test_a_dashboard_line_is_placed_among_its_peers() -> None:
    line = DashboardLine(
        "lignes", "Lignes", "n", "higher", 90.0, None, None, None, "no_comparison", False, ""
    )
    dashboard = Dashboard(
        "750000001", "CH", 2026, (DashboardFamily("f", "F", (line,)),), datetime.now(UTC)
    )
    (placed,) = dashboard_positions(ITEMS, dashboard, kind="ch")
    assert placed.position.text == "1er quartile régional des CH, 12 établissements, données 2026"


def test_a_later_year_is_placed_against_the_latest_data_and_says_its_year() -> None:
    report = ScoreReport(_node("Ensemble", 45.0), (), (), (), ())
    (placed,) = diagnostic_positions(
        ITEMS, "circuit", report, kind="ehpad", finess="750000001", year=2027
    )
    assert placed.position.text.endswith("données 2026")
    assert placed.position.quartile == 2


def test_work_unit_ratios_and_stock_coverage_are_placed_when_a_group_exists() -> None:
    from hospiperf_desktop.library.positions import stock_positions, work_unit_positions

    items = [
        Distribution("work_units", "work_units:uo-pharma:per_fte", "UO/ETP", 2026, "ch", 9,
                     1000, 2000, 3000),
        Distribution("stock", "stock:medicaments:central", "Couverture", 2026, "ch", 7, 2, 4, 6),
    ]  # fmt: skip
    placed = work_unit_positions(
        items, "uo-pharma", {"per_fte": 2500.0, "per_bed": 10.0}, kind="ch", finess="7", year=2026
    )
    assert list(placed) == ["per_fte"] and placed["per_fte"].quartile == 3
    coverage = stock_positions(
        items,
        [("medicaments", "central", 1.0), ("dm", "central", 3.0)],
        kind="ch",
        finess="750000001",
        year=2026,
    )
    assert list(coverage) == [("medicaments", "central")]
    assert coverage[("medicaments", "central")].short_text == "1er quartile (7 CH, 2026)"
