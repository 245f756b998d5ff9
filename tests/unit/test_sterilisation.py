"""The sterilisation cost study's formulas, each against a value computed by hand."""

from __future__ import annotations

import math

import pytest

from hospiperf_desktop.calculators.sterilisation import (
    ActivityLine,
    Category,
    CategoryTable,
    Cycles,
    EquipmentLine,
    PoolingAssumptions,
    Premises,
    StaffLine,
    Study,
    StudyError,
    compute,
    equipment_charge,
    pool,
    shipped_table,
)
from hospiperf_desktop.calculators.sterilisation_outputs import capacity_lines
from hospiperf_desktop.calculators.texts import euros


def hand_study(**changes: object) -> Study:
    """The study worked by hand in docs/sterilisation.md."""
    base = dict(
        year=2026,
        unit="Centrale",
        coefficients={"VS1": 1.5, "VS2": 3.0, "BS1": 2.0},
        activity=(
            ActivityLine("VS1", "vapeur", 10_000),
            ActivityLine("VS2", "vapeur", 2_000),
            ActivityLine("BS1", "basse_temperature", 500),
            ActivityLine("VSU", "vapeur", 4_000),
        ),
        staff=(StaffLine("Pharmacien", 1, 90_000), StaffLine("Agents", 10, 40_000)),
        equipment=(
            EquipmentLine("Stérilisateur vapeur", 120_000, 2022, 10, 8_000),
            EquipmentLine("Laveur-désinfecteur", 60_000, 2015, 7, 5_000),
        ),
        consumables=50_000,
        energy=20_000,
        premises=Premises(300, 150),
        software=10_000,
        transport=15_000,
        overhead_rate=0.10,
        cycles=Cycles(3, 3_000, 250, 14_400, 8),
    )
    base.update(changes)
    return Study(**base)  # type: ignore[arg-type]


def test_uo_total_weights_each_category_count_by_its_coefficient() -> None:
    result = compute(hand_study())
    # 10 000 × 1.5 + 2 000 × 3 + 500 × 2 + 4 000 × 1 (VSU: the table's provisional 1)
    assert result.uo_total == 26_000
    assert result.uo_by_process == {"vapeur": 25_000, "basse_temperature": 1_000}


def test_costs_structure_cost_per_uo_and_uo_per_fte_match_the_hand_computation() -> None:
    result = compute(hand_study())
    assert result.structure["staff"] == 490_000  # 1 × 90 000 + 10 × 40 000
    # steriliser 120 000 / 10 + 8 000; washer past its 7 years (2015-2021): 5 000 only
    assert result.structure["equipment"] == 25_000
    assert result.structure["premises"] == 45_000  # 300 m² × 150 €
    assert result.direct_cost == 655_000
    assert result.total_cost == pytest.approx(720_500)  # × 1.10
    assert result.structure["overhead"] == pytest.approx(65_500)
    assert math.fsum(result.structure.values()) == pytest.approx(result.total_cost)
    assert result.fte == 11
    assert result.cost_per_uo == pytest.approx(720_500 / 26_000)  # 27.71 €
    assert result.uo_per_fte == pytest.approx(26_000 / 11)  # 2 363.6


def test_equipment_counts_depreciation_only_within_its_period_and_maintenance_always() -> None:
    line = EquipmentLine("Stérilisateur", 100_000, 2020, 5, 3_000)
    assert equipment_charge(line, 2019).depreciation == 0  # not bought yet
    assert equipment_charge(line, 2020).depreciation == 20_000
    assert equipment_charge(line, 2024).depreciation == 20_000  # the fifth and last year
    past = equipment_charge(line, 2025)
    assert (past.depreciation, past.maintenance, past.depreciated) == (0, 3_000, True)


def test_a_unit_without_low_temperature_activity_has_zero_low_temperature_uo() -> None:
    study = hand_study(
        activity=(ActivityLine("VS1", "vapeur", 1_000), ActivityLine("VS2", "vapeur", 100))
    )
    result = compute(study)
    assert result.uo_by_process["basse_temperature"] == 0
    assert result.uo_total == 1_000 * 1.5 + 100 * 3
    assert result.cost_per_uo == pytest.approx(720_500 / 1_800)


def test_a_result_says_its_table_version_and_which_coefficients_were_provisional() -> None:
    table = CategoryTable(
        "test-1",
        (
            Category("X1", "simplified", "vapeur", "X", 2.0, True),
            Category("X2", "simplified", "vapeur", "Y", 5.0, False),
        ),
    )
    provisional = compute(
        Study(2026, (ActivityLine("X1", "vapeur", 10), ActivityLine("X2", "vapeur", 1))), table
    )
    assert provisional.uo_total == 10 * 2 + 1 * 5
    assert (provisional.table_version, provisional.provisional) == ("test-1", True)
    assert provisional.provisional_categories == ("X1",)
    settled = compute(
        Study(2026, (ActivityLine("X1", "vapeur", 10),), coefficients={"X1": 4.0}), table
    )
    assert settled.uo_total == 40 and settled.provisional is False


def test_the_shipped_table_is_provisional_and_has_both_lists_and_both_processes() -> None:
    table = shipped_table()
    assert table.version.endswith("provisoire")
    assert all(c.provisional for c in table.categories)
    assert {(c.list, c.process) for c in table.categories} >= {
        ("simplified", "vapeur"),
        ("simplified", "basse_temperature"),
        ("detailed", "vapeur"),
        ("detailed", "basse_temperature"),
        ("other", "vapeur"),
    }
    assert len({c.id for c in table.categories}) == len(table.categories)


def test_a_category_with_no_coefficient_is_an_error_naming_it() -> None:
    study = hand_study(activity=(ActivityLine("ZZ9", "vapeur", 3),))
    with pytest.raises(StudyError, match="'ZZ9' has no coefficient") as err:
        compute(study)
    assert err.value.where == "activity[0].category"


def test_a_category_of_the_table_under_the_other_process_is_refused() -> None:
    with pytest.raises(StudyError, match="basse_temperature category, not vapeur"):
        compute(hand_study(activity=(ActivityLine("BS1", "vapeur", 3),)))


def test_cycles_per_steriliser_per_day_and_load_rate() -> None:
    result = compute(hand_study())
    assert result.cycles_per_steriliser_day == 3_000 / (3 * 250)  # 4 a day
    assert result.load_rate == pytest.approx(14_400 / (3_000 * 8))  # 60 %
    bare = compute(hand_study(cycles=None))
    assert bare.cycles_per_steriliser_day is None and bare.load_rate is None


def test_no_staff_or_no_activity_gives_no_ratio_rather_than_a_division_error() -> None:
    result = compute(hand_study(staff=(), activity=()))
    assert result.uo_per_fte is None and result.cost_per_uo is None


def test_an_overhead_rate_above_one_is_refused() -> None:
    with pytest.raises(StudyError, match="overhead_rate"):
        compute(hand_study(overhead_rate=1.5))


def test_pooling_adds_transport_and_checks_capacity_with_the_stated_time() -> None:
    a = hand_study(unit="A", cycles=Cycles(3, 3_000, 250, washers=2, washer_cycles=2_000))
    b = hand_study(
        unit="B",
        overhead_rate=0.2,
        cycles=Cycles(1, 1_600, 250, washers=1, washer_cycles=1_500),
    )
    result = pool([a, b], PoolingAssumptions(transport=30_000, hours_per_day=8, days=250))
    # before: 720 500 + 655 000 × 1.2 = 1 506 500 for 52 000 UO
    assert result.before_total_cost == pytest.approx(1_506_500)
    assert result.before_uo_total == 52_000
    # after: direct 1 310 000 + 30 000 transport; overhead (655 000 × 0.1 + 655 000 × 0.2)
    # / 1 310 000 = 15 %
    assert result.after.total_cost == pytest.approx(1_340_000 * 1.15)
    assert result.after.cost_per_uo == pytest.approx(1_340_000 * 1.15 / 52_000)
    sterilisers, washers = result.capacity
    # 8 h × 60 × 250 = 120 000 min a year: 2 000 one-hour cycles per machine
    assert (sterilisers.cycles, sterilisers.per_machine, sterilisers.needed) == (4_600, 2_000, 3)
    assert (sterilisers.available, sterilisers.enough) == (4, True)
    assert (washers.cycles, washers.needed, washers.available) == (3_500, 2, 3)
    assert any(euros(30_000) in s for s in result.statements)


def test_pooling_refuses_studies_of_different_years() -> None:
    with pytest.raises(StudyError, match="different years"):
        pool([hand_study(), hand_study(year=2025)], PoolingAssumptions())


def test_a_category_of_the_study_used_for_both_processes_counts_in_each() -> None:
    study = Study(
        2026,
        (
            ActivityLine("C1", "vapeur", 10),
            ActivityLine("C1", "basse_temperature", 4),
            ActivityLine("C1", "vapeur", 5, month=3),
        ),
        coefficients={"C1": 2.0},
    )
    result = compute(study)
    assert result.uo_by_process == {"vapeur": 30, "basse_temperature": 8}
    assert [(c.process, c.count) for c in result.categories] == [
        ("vapeur", 15),
        ("basse_temperature", 4),
    ]


def test_pooling_without_cycles_says_capacity_was_not_checked() -> None:
    result = pool([hand_study(cycles=None), hand_study()], PoolingAssumptions())
    assert result.capacity == ()
    assert any("Capacité non vérifiée" in s for s in result.statements)


def test_pooling_checks_washers_only_when_every_unit_gives_them() -> None:
    a = hand_study(unit="A", cycles=Cycles(3, 3_000, 250, washers=2, washer_cycles=2_000))
    b = hand_study(unit="B", cycles=Cycles(1, 1_600, 250))  # no washer data
    result = pool([a, b], PoolingAssumptions(hours_per_day=8))
    assert [c.machines for c in result.capacity] == ["sterilisers"]
    assert any("Capacité des laveurs non vérifiée" in s for s in result.statements)
    lines = capacity_lines(result)
    assert lines[1].startswith("Laveurs : non évalué")
    assert not any("0 nécessaire" in line for line in lines)


def test_pooling_refuses_units_giving_one_category_two_coefficients() -> None:
    with pytest.raises(StudyError, match="different coefficients"):
        pool(
            [hand_study(), hand_study(coefficients={"VS1": 9.0, "VS2": 3.0, "BS1": 2.0})],
            PoolingAssumptions(),
        )


def test_a_study_without_any_cost_draws_a_sentence_not_an_empty_scale() -> None:
    from hospiperf_desktop.calculators.sterilisation_outputs import NO_COST_YET, structure_figure

    empty = compute(
        hand_study(
            staff=(), equipment=(), consumables=0, energy=0, premises=Premises(0, 0),
            software=0, transport=0, overhead_rate=0.0,
        )
    )  # fmt: skip
    assert not any(empty.structure.values())
    (ax,) = structure_figure(empty).axes
    assert not ax.axison
    assert [t.get_text() for t in ax.texts] == [NO_COST_YET]
    (drawn,) = structure_figure(compute(hand_study())).axes
    assert drawn.axison and NO_COST_YET not in [t.get_text() for t in drawn.texts]
