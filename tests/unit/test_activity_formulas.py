"""Work units, value checks, resolution and the N-1 comparison, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from hospiperf_desktop.activity.catalog import (
    Computed,
    Family,
    Measure,
    MeasureCatalog,
    ValueProblem,
    check_value,
    shipped_catalog,
)
from hospiperf_desktop.activity.dashboard import (
    BETTER,
    NEUTRAL,
    NO_COMPARISON,
    STABLE,
    WORSE,
    build_dashboard,
    compare,
)
from hospiperf_desktop.activity.texts import format_delta, format_pct, format_value, origin_text
from hospiperf_desktop.activity.uo_tables import (
    compute_uo,
    local_copy,
    next_revision,
    shipped_tables,
)
from hospiperf_desktop.activity.values import (
    COMPUTED,
    ENTERED,
    MISSING,
    MONTHS,
    External,
    resolve,
)


def _table(table_id: str):  # type: ignore[no-untyped-def]
    return next(t for t in shipped_tables() if t.id == table_id)


# --- the published UO Pharma coefficients (reference §4) ---------------------------------------


def test_uo_pharma_ships_the_published_coefficients() -> None:
    table = _table("uo-pharma")
    assert {i.id: i.coefficient for i in table.items} == {
        "1": 10.6,
        "2": 12.4,
        "3": 8.3,
        "4": 4.6,
        "5": 223.9,
        "6": 15.1,
        "7": 1.0,
    }
    assert [g.label for g in table.groups] == [
        "Gestion des approvisionnements",
        "Délivrance globale ou reglobalisée (hors DMI)",
    ]
    measures = shipped_catalog().measures
    assert all(item.measure in measures for item in table.items)


def test_uo_pharma_total_computed_by_hand() -> None:
    # 21 000 × 10,6 = 222 600 ; 16 500 × 12,4 = 204 600 ; 6 200 × 8,3 = 51 460 ;
    # 2 300 × 4,6 = 10 580 ; 48 × 223,9 = 10 747,2 ; 320 × 15,1 = 4 832 ;
    # 185 000 × 1 = 185 000.  Supply group: 504 819,2 ; total: 689 819,2.
    counts = {"1": 21_000, "2": 16_500, "3": 6_200, "4": 2_300, "5": 48, "6": 320, "7": 185_000}
    result = compute_uo(_table("uo-pharma"), counts)
    assert result.total == pytest.approx(689_819.2)
    assert [round(line.uo, 1) for line in result.lines] == [
        222_600.0,
        204_600.0,
        51_460.0,
        10_580.0,
        10_747.2,
        4_832.0,
        185_000.0,
    ]
    supply, delivery = result.groups
    assert supply.uo == pytest.approx(504_819.2)
    assert delivery.uo == pytest.approx(185_000.0)
    assert supply.share == pytest.approx(504_819.2 / 689_819.2)
    assert result.complete and result.missing == ()
    assert (result.table_id, result.table_version) == ("uo-pharma", "2022.1")


def test_an_item_without_count_adds_nothing_and_is_named() -> None:
    result = compute_uo(_table("uo-pharma"), {"1": 1000, "7": 5000})
    assert result.total == pytest.approx(1000 * 10.6 + 5000)
    assert result.missing == ("2", "3", "4", "5", "6")
    assert not result.complete
    empty = compute_uo(_table("uo-pharma"), {})
    assert empty.total == 0
    assert all(g.share is None for g in empty.groups), "no share of a zero total"


def test_a_local_copy_names_its_origin_and_counts_revisions() -> None:
    base = _table("uo-pharma")
    copy = local_copy(base, "uo-pharma-chx", "UO Pharma du CHX")
    assert (copy.base_id, copy.base_version, copy.version) == (
        "uo-pharma",
        "2022.1",
        "2022.1+local.1",
    )
    assert next_revision(copy) == "2022.1+local.2"
    again = local_copy(copy, "second", "Copie de copie")
    assert (again.base_id, again.base_version) == ("uo-pharma", "2022.1")


def test_the_sterilisation_table_says_its_coefficients_are_provisional() -> None:
    table = _table("uo-sterilisation")
    assert table.status == "provisional"
    assert "SF2S" in table.source
    assert table.fte_measure == "etp_sterilisation"


# --- values ------------------------------------------------------------------------------------


def _measure(unit: str, direction: str = "neutral", **kw) -> Measure:  # type: ignore[no-untyped-def]
    return Measure("m", "M", unit, direction, "f", **kw)


@pytest.mark.parametrize(
    ("unit", "value", "stored"),
    [
        ("count", 12, 12.0),
        ("count", 0, 0.0),
        ("count", 12.0, 12.0),
        ("percent", 0, 0.0),
        ("percent", 100, 100.0),
        ("percent", 37.25, 37.25),
        ("amount", 1234.567, 1234.57),
        ("signed_amount", -50.5, -50.5),
        ("fte", 12.5, 12.5),
    ],
)
def test_values_each_unit_accepts(unit: str, value: float, stored: float) -> None:
    assert check_value(_measure(unit), value) == stored


@pytest.mark.parametrize(
    ("unit", "value", "why"),
    [
        ("count", -1, "whole number"),
        ("count", 2.5, "whole number"),
        ("percent", 100.01, "between 0 and 100"),
        ("percent", -0.1, "between 0 and 100"),
        ("amount", -1, "negative"),
        ("days", -3, "negative"),
        ("count", math.nan, "not a number"),
        ("count", math.inf, "not a number"),
    ],
)
def test_values_each_unit_refuses(unit: str, value: float, why: str) -> None:
    with pytest.raises(ValueProblem, match=why):
        check_value(_measure(unit), value)


def _catalog() -> MeasureCatalog:
    measures = (
        Measure("count", "Préparations", "count", "neutral", "f"),
        Measure("rate", "Taux", "percent", "higher", "f"),
        Measure("revenue", "Recettes", "amount", "higher", "f"),
        Measure("spend", "Consommations", "amount", "lower", "f"),
        Measure(
            "balance",
            "Solde",
            "signed_amount",
            "higher",
            "f",
            Computed("difference", {"minuend": "revenue", "subtrahend": "spend"}),
        ),
        Measure("days", "Jours de stock", "days", "lower", "f", Computed("stock_days", {})),
        Measure(
            "ster",
            "UO stérilisation",
            "count",
            "neutral",
            "f",
            Computed("uo_total", {"table": "uo-sterilisation"}),
        ),
        Measure("ster_compositions_petites", "Petites", "count", "neutral", "f"),
        Measure("ster_sachets_vapeur", "Sachets", "count", "neutral", "f"),
    )
    return MeasureCatalog("test", (Family("f", "Famille", True, measures),))


def test_resolution_prefers_the_year_then_sums_or_averages_months() -> None:
    resolved = resolve(
        _catalog(),
        {
            "count": {1: 10, 2: 20, 3: 30},
            "rate": {1: 50, 2: 70},
            "revenue": {0: 1000, 1: 5},
        },
        {},
        {},
    )
    assert resolved["count"].value == 60 and resolved["count"].origin.kind == MONTHS
    assert resolved["rate"].value == 60 and resolved["rate"].origin.detail["how"] == "mean"
    assert resolved["revenue"].value == 1000 and resolved["revenue"].origin.kind == ENTERED
    assert resolved["spend"].value is None and resolved["spend"].origin.kind == MISSING
    assert origin_text(resolved["count"]) == "Somme de 3 mois saisis"


def test_computed_values_win_and_say_where_they_come_from() -> None:
    tables = {t.id: t for t in shipped_tables()}
    resolved = resolve(
        _catalog(),
        {
            "revenue": {0: 6_300_000},
            "spend": {0: 24_900_000},
            "days": {0: 40},
            "ster_compositions_petites": {0: 100},
            "ster_sachets_vapeur": {0: 50},
        },
        {"days": External(35.5, {"snapshot": "2026-10-31", "weeks": 13})},
        tables,
    )
    assert resolved["balance"].value == -18_600_000
    assert resolved["balance"].origin.kind == COMPUTED
    assert resolved["days"].value == 35.5, "the stock module's value wins over the typed 40"
    assert "inventaire du 31/10/2026" in origin_text(resolved["days"])
    # Provisional sterilisation table: every line weighs 1 → 100 + 50.
    assert resolved["ster"].value == 150
    assert resolved["ster"].origin.detail["missing"] == 4


def test_when_a_computation_is_impossible_the_entered_value_stands_in() -> None:
    resolved = resolve(
        _catalog(),
        {"days": {0: 40}, "revenue": {0: 10}},
        {"days": External(None, {"why_not": "no_snapshot"})},
        {},
    )
    assert resolved["days"].value == 40
    assert "aucun inventaire" in origin_text(resolved["days"])
    assert resolved["balance"].value is None, "no difference with one operand missing"
    assert resolved["ster"].value is None


# --- the N-1 comparison --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "previous", "direction", "status", "pct"),
    [
        (110, 100, "higher", BETTER, 10.0),
        (90, 100, "higher", WORSE, -10.0),
        (90, 100, "lower", BETTER, -10.0),
        (110, 100, "lower", WORSE, 10.0),
        (110, 100, "neutral", NEUTRAL, 10.0),
        (100, 100, "higher", STABLE, 0.0),
        (5, 0, "higher", BETTER, None),
        (None, 100, "higher", NO_COMPARISON, None),
        (100, None, "lower", NO_COMPARISON, None),
        (-50, -100, "higher", BETTER, 50.0),
    ],
)
def test_compare_respects_the_direction(
    value: float | None, previous: float | None, direction: str, status: str, pct: float | None
) -> None:
    result = compare(value, previous, direction)
    assert result.status == status
    assert result.delta_pct == (pytest.approx(pct) if pct is not None else None)


def test_the_dashboard_shows_only_dashboard_families_with_every_measure() -> None:
    catalog = shipped_catalog()
    empty = resolve(catalog, {}, {}, {})
    dashboard = build_dashboard(catalog, empty, empty, finess="x", name="X", year=2026)
    assert [f.id for f in dashboard.families] == [
        "commandes_stocks",
        "consommations",
        "dispensation",
        "pharmacotechnie",
        "radiopharmacie",
        "atu_essais",
        "qualite_pharmacie_clinique",
        "sterilisation",
        "financier",
    ]
    assert dashboard.counts()[NO_COMPARISON] == sum(len(f.lines) for f in dashboard.families)


def test_french_formats() -> None:
    assert format_value("count", 1234567) == "1\u00a0234\u00a0567"
    assert format_value("percent", 12.345) == "12,3\u00a0%"
    assert format_value("amount", 1500.4) == "1\u00a0500\u00a0€"
    assert format_value("days", None) == "—"
    assert format_delta("percent", -2.5) == "−2,5\u00a0pt"
    assert format_delta("count", 7120) == "+7\u00a0120"
    assert format_pct(67.169) == "+67,2\u00a0%"


def test_the_dashboard_opens_on_the_latest_year_that_can_be_compared() -> None:
    from hospiperf_desktop.activity.dashboard import best_year

    assert best_year([2022, 2023, 2025], default=2025) == 2023  # 2025 has no 2024
    assert best_year([2024, 2025, 2026], default=2025) == 2026
    assert best_year([2026], default=2025) == 2026  # nothing to compare: the latest
    assert best_year([], default=2025) == 2025
