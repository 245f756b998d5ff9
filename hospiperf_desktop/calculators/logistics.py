"""Logistics pooling in a GHT: gains in full cost (DGOS method) and return on investment.

Reference §5. For each establishment of the GHT:
- impact on contracts: with one platform at the support establishment, 1.5 % of the other
  establishments' stocked purchases plus 0.5 % of the support's; with several platforms
  kept, 0.5 % of the stocked purchases of each establishment that keeps one;
- stock depth: the value above 4 weeks of consumption in central stores and 2 weeks in
  wards is freed once; it is also shown spread over `annualisation_years`;
- freed surfaces: their sale price when they can be sold (one-off, spread like the stock),
  else their yearly depreciation (recurring);
- HR gains (excluding nursing time), recurring;
- nursing FTE returned to care: reported apart, never a budget gain, never in the ROI.
Net annual gains = contracts + HR + surface depreciation + the one-off gains spread
− extra operating costs; ROI (years) = investments / net annual gains.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hospiperf_desktop.calculators.params import parameters

SINGLE, SEVERAL = "single_platform", "several_platforms"


@dataclass(frozen=True)
class SiteInput:
    """One establishment of the GHT."""

    name: str
    support: bool = False
    keeps_platform: bool = False  # several-platforms scenario: does it keep one?
    stocked_purchases: float = 0.0  # €/year
    central_stock: float = 0.0  # €
    ward_stock: float = 0.0  # €
    central_weekly_consumption: float = 0.0  # €/week
    ward_weekly_consumption: float = 0.0  # €/week
    stock_on_main_platform: float = 0.0  # € today, for the initial pooling level
    surface_sale_price: float = 0.0  # € once, if the freed surface can be sold
    surface_yearly_depreciation: float = 0.0  # €/year, if it cannot
    hr_gains: float = 0.0  # €/year, excluding nursing time
    nursing_fte: float = 0.0  # returned to care


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str = SINGLE  # single_platform | several_platforms
    centralised: bool = True  # one platform for the PUI and the general store
    construction: bool = False
    ght_class: int = 2  # 1-4 (Artois University typology)
    investments: float = 0.0  # €
    extra_operating_costs: float = 0.0  # €/year (transport, rent ...) the project adds
    annualisation_years: float | None = None  # None: the parameter file's
    sites: tuple[SiteInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SiteResult:
    name: str
    contract_rate: float
    contracts: float
    central_excess: float
    ward_excess: float
    stock_gain: float
    surface_sale: float
    surface_depreciation: float
    hr_gains: float
    nursing_fte: float


@dataclass(frozen=True)
class Signal:
    code: str  # centralised | construction | ght_class | pooling
    favourable: bool
    text: str


@dataclass(frozen=True)
class LogisticsResult:
    scenario: str
    sites: tuple[SiteResult, ...]
    contracts: float
    stock_gain_one_off: float
    stock_gain_annualised: float
    surface_sale_one_off: float
    surface_sale_annualised: float
    surface_depreciation: float
    hr_gains: float
    extra_operating_costs: float
    net_annual_gains: float
    investments: float
    roi_years: float | None  # None when the net annual gains are 0 or less
    nursing_fte: float
    initial_pooling: float | None  # 0-1
    strong_pooling: bool | None
    signals: tuple[Signal, ...]
    similar_pilots: tuple[dict[str, Any], ...]
    annualisation_years: float
    version: str


def check_scenario(scenario: Scenario) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if scenario.kind not in (SINGLE, SEVERAL):
        problems.append(("kind", f"must be {SINGLE} or {SEVERAL}"))
    if scenario.ght_class not in (1, 2, 3, 4):
        problems.append(("ght_class", "must be 1, 2, 3 or 4"))
    for name in ("investments", "extra_operating_costs"):
        value = getattr(scenario, name)
        if not math.isfinite(value) or value < 0:
            problems.append((name, "must be a number of 0 or more"))
    years = scenario.annualisation_years
    if years is not None and not (math.isfinite(years) and years > 0):
        problems.append(("annualisation_years", "must be more than 0"))
    if not scenario.sites:
        problems.append(("sites", "a scenario needs at least one establishment"))
    supports = [s for s in scenario.sites if s.support]
    if scenario.kind == SINGLE and len(supports) != 1:
        problems.append(("support", "a single-platform scenario needs exactly one support"))
    for index, site in enumerate(scenario.sites, start=1):
        for name in (
            "stocked_purchases",
            "central_stock",
            "ward_stock",
            "central_weekly_consumption",
            "ward_weekly_consumption",
            "stock_on_main_platform",
            "surface_sale_price",
            "surface_yearly_depreciation",
            "hr_gains",
            "nursing_fte",
        ):
            value = getattr(site, name)
            if not math.isfinite(value) or value < 0:
                problems.append((f"sites[{index}].{name}", "must be a number of 0 or more"))
    return problems


def contract_rate(site: SiteInput, kind: str, rates: dict[str, float]) -> float:
    if kind == SINGLE:
        return rates[
            "single_platform_support_rate" if site.support else "single_platform_other_rate"
        ]
    return rates["several_platforms_rate"] if site.keeps_platform else 0.0


def stock_excess(stock: float, weekly: float, target_weeks: float) -> float:
    """The stock value above `target_weeks` of consumption (never negative)."""
    return max(stock - target_weeks * weekly, 0.0)


def pooling_level(sites: Sequence[SiteInput]) -> float | None:
    """Stock on the main platform / total stock value (central + wards), 0-1."""
    total = math.fsum(s.central_stock + s.ward_stock for s in sites)
    if total <= 0:
        return None
    return math.fsum(s.stock_on_main_platform for s in sites) / total


def _signals(
    scenario: Scenario, pooling: float | None, strong: bool | None, params: dict[str, Any]
) -> tuple[Signal, ...]:
    threshold = params["strong_pooling_above"] * 100
    signals = [
        Signal(
            "centralised",
            scenario.centralised,
            "Scénario centralisé (une plateforme pour la pharmacie et le magasin général) : le"
            " cas le plus favorable parmi les pilotes."
            if scenario.centralised
            else "Scénario non centralisé : aucun des scénarios décentralisés des pilotes n'a été"
            " viable financièrement.",
        ),
        Signal(
            "construction",
            not scenario.construction,
            "Sans construction : les retours sur investissement les plus courts des pilotes."
            if not scenario.construction
            else "Avec construction : les pilotes concernés ont des retours de 11 à plus de"
            " 17 ans.",
        ),
        Signal(
            "ght_class",
            scenario.ght_class >= 3,
            f"GHT de classe {scenario.ght_class} : "
            + params["ght_classes"][str(scenario.ght_class)].split(" : ", 1)[1]
            + (
                " ; les gains croissent avec la taille du GHT."
                if scenario.ght_class >= 3
                else " ; les petits GHT dégagent moins de gains pour le même investissement."
            ),
        ),
    ]
    if pooling is None:
        signals.append(
            Signal("pooling", False, "Mutualisation initiale inconnue : saisissez les stocks.")
        )
    else:
        level = f"{pooling * 100:.1f}".replace(".", ",")
        signals.append(
            Signal(
                "pooling",
                bool(strong),
                f"Mutualisation initiale de {level} % : "
                + (
                    f"forte (plus de {threshold:g} %)."
                    if strong
                    else f"faible ({threshold:g} % ou moins)."
                ),
            )
        )
    return tuple(signals)


def compute(scenario: Scenario, params: dict[str, Any] | None = None) -> LogisticsResult:
    """The scenario's gains and ROI. Input must pass check_scenario."""
    params = params or parameters("logistics")
    rates = params["contracts"]
    targets = params["target_weeks"]
    years = scenario.annualisation_years or float(params["stock_gain_annualisation_years"])
    sites = []
    for site in scenario.sites:
        rate = contract_rate(site, scenario.kind, rates)
        central = stock_excess(
            site.central_stock, site.central_weekly_consumption, targets["central"]
        )
        ward = stock_excess(site.ward_stock, site.ward_weekly_consumption, targets["ward"])
        sites.append(
            SiteResult(
                name=site.name,
                contract_rate=rate,
                contracts=site.stocked_purchases * rate,
                central_excess=central,
                ward_excess=ward,
                stock_gain=central + ward,
                surface_sale=site.surface_sale_price,
                surface_depreciation=0.0
                if site.surface_sale_price
                else site.surface_yearly_depreciation,
                hr_gains=site.hr_gains,
                nursing_fte=site.nursing_fte,
            )
        )
    contracts = math.fsum(s.contracts for s in sites)
    stock_one_off = math.fsum(s.stock_gain for s in sites)
    sale_one_off = math.fsum(s.surface_sale for s in sites)
    depreciation = math.fsum(s.surface_depreciation for s in sites)
    hr = math.fsum(s.hr_gains for s in sites)
    net = (
        contracts
        + hr
        + depreciation
        + stock_one_off / years
        + sale_one_off / years
        - scenario.extra_operating_costs
    )
    pooling = pooling_level(scenario.sites)
    strong = None if pooling is None else pooling > params["strong_pooling_above"]
    pilots = tuple(
        row
        for row in params["pilots"]["rows"]
        if row["centralised"] == scenario.centralised
        and row["construction"] == scenario.construction
    )
    return LogisticsResult(
        scenario=scenario.name,
        sites=tuple(sites),
        contracts=contracts,
        stock_gain_one_off=stock_one_off,
        stock_gain_annualised=stock_one_off / years,
        surface_sale_one_off=sale_one_off,
        surface_sale_annualised=sale_one_off / years,
        surface_depreciation=depreciation,
        hr_gains=hr,
        extra_operating_costs=scenario.extra_operating_costs,
        net_annual_gains=net,
        investments=scenario.investments,
        roi_years=scenario.investments / net if net > 0 else None,
        nursing_fte=math.fsum(s.nursing_fte for s in sites),
        initial_pooling=pooling,
        strong_pooling=strong,
        signals=_signals(scenario, pooling, strong, params),
        similar_pilots=pilots,
        annualisation_years=years,
        version=params["version"],
    )
