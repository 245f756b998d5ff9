"""Every calculator formula against values computed by hand, boundaries and caps included."""

from __future__ import annotations

import pytest

from hospiperf_desktop.calculators.carbon import FactorOverride, Purchase, estimate
from hospiperf_desktop.calculators.coordinated import (
    CoordinatedInput,
    check_input,
    correspondant_pay,
    simulate,
    teleconsultation_pay,
)
from hospiperf_desktop.calculators.logistics import (
    SEVERAL,
    SINGLE,
    Scenario,
    SiteInput,
    check_scenario,
    compute,
    pooling_level,
    stock_excess,
)
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.purchasing import PaatLine, check_line, evaluate

# --- coordinated practice (reference §8) --------------------------------------------------------

RULES = parameters("coordinated")


@pytest.mark.parametrize(
    ("patients", "paid", "uncapped"),
    [
        (0, 0, 0),
        (1, 2, 2),
        (99, 198, 198),
        (100, 200, 200),  # exactly 100: all at 2 €
        (101, 201, 201),  # the 101st at 1 €
        (400, 500, 500),  # 200 + 300: the cap exactly
        (401, 500, 501),
        (1000, 500, 1100),
    ],
)
def test_pharmacien_correspondant(patients: int, paid: float, uncapped: float) -> None:
    assert correspondant_pay(patients, RULES["correspondant"]) == (paid, uncapped)


@pytest.mark.parametrize(
    ("count", "paid"),
    [(0, 0), (4, 0), (5, 25), (9, 25), (10, 50), (149, 725), (150, 750), (155, 750), (1000, 750)],
)
def test_teleconsultation_by_full_blocks_of_five_capped(count: int, paid: float) -> None:
    assert teleconsultation_pay(count, RULES["teleconsultation"])[0] == paid


def test_an_msp_in_its_first_year() -> None:
    result = simulate(CoordinatedInput("msp", 120, 10, 37, first_year=True))
    amounts = {m.mission: m.amount for m in result.missions}
    # 100 × 2 + 20 × 1 = 220 ; 10 × 25 = 250 for the team, half = 125 ;
    # 37 → 7 blocks × 25 = 175 ; equipment 1 225.
    assert amounts == {
        "correspondant": 220,
        "protocol": 125,
        "teleconsultation": 175,
        "equipment": 1225,
    }
    assert result.total == 1745
    assert result.team_protocol_amount == 250
    assert result.structure.id == "MSP" and result.structure.requirements
    assert result.structure_objective_payment == 820


def test_an_esp_has_no_protocol_dispensing_and_correspondant_needs_an_under_served_area() -> None:
    esp = simulate(CoordinatedInput("ESP", 50, 10, 10, pharmacist_share=1.0))
    amounts = {m.mission: (m.available, m.amount) for m in esp.missions}
    assert amounts["protocol"] == (False, 0)
    assert amounts["correspondant"] == (True, 100)
    elsewhere = simulate(CoordinatedInput("CPTS", 50, 0, 0, under_served_area=False))
    corr = elsewhere.missions[0]
    assert (corr.available, corr.amount) == (False, 0) and "sous-dense" in corr.note


def test_coordinated_inputs_are_checked() -> None:
    assert {f for f, _ in check_input(CoordinatedInput("XYZ", -1, 0, 0, pharmacist_share=2))} == {
        "structure",
        "correspondant_patients",
        "pharmacist_share",
    }


# --- purchasing gains (reference §6) ------------------------------------------------------------

PARAMS = parameters("purchasing")


def _line(reference: float | None, gain: float | None, famille: str = "MEDICAMENTS",
          domaine: str = "ANTIINFECTIEUX") -> PaatLine:  # fmt: skip
    return PaatLine(2, famille, domaine, "", reference, "Effet prix induit", gain)


@pytest.mark.parametrize(
    ("line", "code", "performance"),
    [
        (_line(100_000, 5_300), "ok", 0.053),
        (_line(None, 100), "no_reference", None),
        (_line(0, 100), "no_reference", None),
        (_line(1000, 10, famille=""), "no_scope", None),
        (_line(1000, 10, domaine=""), "no_scope", None),
        (_line(1000, None), "no_performance", None),
        (_line(1000, -5), "negative_gain", -0.005),
        (_line(49_747, 165_381), "erroneous", 165_381 / 49_747),  # a 2021 line: 332 %
        (_line(1000, 1000), "erroneous", 1.0),  # exactly 100 %
        (_line(1000, 999), "above_bound", 0.999),
        (_line(1000, 500), "ok", 0.5),  # exactly the default bound: kept
        (_line(1000, 501), "above_bound", 0.501),
    ],
)
def test_each_dgos_check(line: PaatLine, code: str, performance: float | None) -> None:
    checked = check_line(line, PARAMS)
    assert checked.code == code
    assert checked.status == ("accepted" if code == "ok" else "rejected")
    if performance is None:
        assert checked.performance is None
    else:
        assert checked.performance == pytest.approx(performance)
    assert checked.reason


def test_the_erroneous_reason_reads_as_the_dgos_writes_it() -> None:
    assert check_line(_line(1000, 1500), PARAMS).reason == (
        "Performance supérieure ou égale à 100 % - Calcul erroné"
    )
    assert "50,0 %" in check_line(_line(1000, 600), PARAMS).reason


def test_a_family_bound_replaces_the_default() -> None:
    bounds = {**PARAMS["control_bounds"], "by_family": {"Travaux": 0.1}}
    params = {**PARAMS, "control_bounds": bounds}
    assert check_line(_line(1000, 150, famille="travaux"), params).code == "above_bound"
    assert check_line(_line(1000, 150), params).code == "ok"


def test_totals_count_accepted_lines_only() -> None:
    lines = [
        _line(100_000, 5_000),
        _line(200_000, 10_000),
        _line(50_000, 60_000),  # erroneous
        _line(80_000, 4_000, famille="Hôtellerie"),
        _line(None, 3_000, famille="Hôtellerie"),
    ]
    result = evaluate(lines, PARAMS)
    assert (result.accepted, result.rejected) == (3, 2)
    assert result.reference == 380_000 and result.gain == 19_000
    assert result.performance == pytest.approx(19_000 / 380_000)
    assert result.rejected_gain == 63_000
    by_family = {f.famille: f for f in result.families}
    assert by_family["MEDICAMENTS"].gain == 15_000 and by_family["MEDICAMENTS"].accepted == 2
    assert by_family["MEDICAMENTS"].performance == pytest.approx(0.05)
    assert by_family["Hôtellerie"].lines == 2 and by_family["Hôtellerie"].accepted == 1


# --- carbon --------------------------------------------------------------------------------------


def test_carbon_uses_the_given_factor_and_never_counts_a_missing_one_as_zero() -> None:
    result = estimate(
        [
            Purchase("medicaments", 1_000_000),
            Purchase("medicaments", 500_000),
            Purchase("dispositifs_medicaux", 400_000),
        ],
        {"medicaments": FactorOverride(0.4, "Source locale", 2024, 0.3)},
    )
    lines = {line.family: line for line in result.lines}
    # 1 500 000 € × 0,4 kg/€ = 600 000 kg = 600 t, ±30 %.
    assert lines["medicaments"].tonnes == pytest.approx(600)
    assert (lines["medicaments"].low, lines["medicaments"].high) == (
        pytest.approx(420),
        pytest.approx(780),
    )
    assert lines["dispositifs_medicaux"].tonnes is None
    assert result.tonnes == pytest.approx(600)
    assert result.unestimated_amount == 400_000 and result.estimated_amount == 1_500_000


def test_a_factor_without_uncertainty_takes_the_stated_default() -> None:
    result = estimate([Purchase("solutes", 100_000)], {"solutes": FactorOverride(0.2, "X")})
    line = result.lines[0]
    assert line.factor.uncertainty_assumed and line.factor.uncertainty == 0.5
    assert (line.low, line.tonnes, line.high) == (
        pytest.approx(10),
        pytest.approx(20),
        pytest.approx(30),
    )


def test_every_shipped_factor_states_its_source() -> None:
    for family in parameters("carbon")["families"]:
        assert family["source"], family["id"]
        assert family["factor"] is None or family["year"], "a published factor has its year"


# --- logistics pooling (reference §5) -----------------------------------------------------------


def _ght(kind: str = SINGLE, **changes) -> Scenario:  # type: ignore[no-untyped-def]
    sites = (
        SiteInput(
            "CH support",
            support=True,
            keeps_platform=True,
            stocked_purchases=10_000_000,
            central_stock=1_000_000,
            ward_stock=300_000,
            central_weekly_consumption=150_000,
            ward_weekly_consumption=100_000,
            stock_on_main_platform=1_000_000,
            surface_yearly_depreciation=20_000,
            hr_gains=50_000,
            nursing_fte=3,
        ),
        SiteInput(
            "CH membre",
            stocked_purchases=4_000_000,
            central_stock=400_000,
            ward_stock=100_000,
            central_weekly_consumption=80_000,
            ward_weekly_consumption=60_000,
            surface_sale_price=250_000,
            surface_yearly_depreciation=15_000,
            nursing_fte=2,
        ),
    )
    values = {"name": "Plateforme unique", "kind": kind, "investments": 2_000_000, "sites": sites}
    values.update(changes)
    return Scenario(**values)


def test_single_platform_gains_and_roi_by_hand() -> None:
    result = compute(_ght(), parameters("logistics"))
    # Contracts: 0,5 % × 10 M€ + 1,5 % × 4 M€ = 50 000 + 60 000 = 110 000.
    assert result.contracts == pytest.approx(110_000)
    # Stock above target: support 1 000 000 − 4 × 150 000 = 400 000 central,
    # 300 000 − 2 × 100 000 = 100 000 wards; member 400 000 − 320 000 = 80 000 central,
    # wards 100 000 − 120 000 < 0 → 0. One-off 580 000, over 5 years 116 000.
    assert [s.stock_gain for s in result.sites] == [500_000, 80_000]
    assert result.stock_gain_one_off == pytest.approx(580_000)
    assert result.stock_gain_annualised == pytest.approx(116_000)
    # Surfaces: the member's sells (250 000 once, 50 000 a year over 5 years; its
    # depreciation is not counted as well); the support's depreciation 20 000 a year.
    assert result.surface_sale_one_off == 250_000 and result.surface_depreciation == 20_000
    # Net: 110 000 + 50 000 + 20 000 + 116 000 + 50 000 = 346 000 ; ROI 2 000 000 / 346 000.
    assert result.net_annual_gains == pytest.approx(346_000)
    assert result.roi_years == pytest.approx(2_000_000 / 346_000)
    assert result.nursing_fte == 5, "reported apart"
    # Pooling: 1 000 000 on the main platform / 1 800 000 of stock = 55,6 % → weak.
    assert result.initial_pooling == pytest.approx(1_000_000 / 1_800_000)
    assert result.strong_pooling is False


def test_nursing_fte_never_changes_the_roi() -> None:
    base = _ght()
    more_nurses = _ght(sites=tuple(
        SiteInput(**{**vars(s), "nursing_fte": 40.0}) for s in base.sites
    ))  # fmt: skip
    assert compute(more_nurses).roi_years == compute(base).roi_years


def test_several_platforms_count_half_a_percent_for_each_that_keeps_one() -> None:
    result = compute(_ght(SEVERAL))
    assert [s.contract_rate for s in result.sites] == [0.005, 0.0]
    assert result.contracts == pytest.approx(50_000)


def test_no_net_gain_means_no_roi() -> None:
    result = compute(_ght(extra_operating_costs=1_000_000))
    assert result.net_annual_gains < 0 and result.roi_years is None


def test_stock_excess_at_the_target_is_zero() -> None:
    assert stock_excess(400_000, 100_000, 4) == 0
    assert stock_excess(400_001, 100_000, 4) == 1
    assert stock_excess(0, 100_000, 2) == 0


@pytest.mark.parametrize(("on_platform", "strong"), [(70, False), (70.01, True), (69.99, False)])
def test_strong_pooling_is_strictly_above_70_percent(on_platform: float, strong: bool) -> None:
    site = SiteInput("A", support=True, central_stock=100, stock_on_main_platform=on_platform)
    result = compute(Scenario("s", sites=(site,)))
    assert result.strong_pooling is strong
    assert pooling_level([site]) == pytest.approx(on_platform / 100)


def test_viability_signals_and_similar_pilots() -> None:
    decentralised = compute(_ght(SEVERAL, centralised=False, construction=True, ght_class=1))
    signals = {s.code: s for s in decentralised.signals}
    assert not signals["centralised"].favourable
    assert "aucun des scénarios décentralisés" in signals["centralised"].text
    assert not signals["construction"].favourable and not signals["ght_class"].favourable
    assert {p["ght"] for p in decentralised.similar_pilots} == {"GHT 5", "GHT 7", "GHT 10"}
    best = compute(_ght(centralised=True, construction=False, ght_class=4))
    assert {p["ght"] for p in best.similar_pilots} == {"GHT 4", "GHT 8", "GHT 9", "GHT 11"}


def test_scenarios_are_checked() -> None:
    problems = dict(check_scenario(Scenario("x", kind="other", ght_class=5, investments=-1)))
    assert set(problems) == {"kind", "ght_class", "investments", "sites"}
    two_supports = _ght(sites=(SiteInput("A", support=True), SiteInput("B", support=True)))
    assert "support" in dict(check_scenario(two_supports))
