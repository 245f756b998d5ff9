"""Charts of the calculators' results (matplotlib object API, Agg, any thread)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.figure import Figure

from hospiperf_desktop.activity.texts import french_number
from hospiperf_desktop.calculators.carbon import CarbonResult
from hospiperf_desktop.calculators.coordinated import CoordinatedResult
from hospiperf_desktop.calculators.logistics import LogisticsResult
from hospiperf_desktop.calculators.purchasing import PurchasingResult
from hospiperf_desktop.calculators.texts import MISSION_LABELS


def _money_axis(ax, axis: str = "x") -> None:  # type: ignore[no-untyped-def]
    formatter = lambda value, _pos: f"{french_number(value)} €"  # noqa: E731
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _tidy(ax) -> None:  # type: ignore[no-untyped-def]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)


def logistics_figure(results: Sequence[LogisticsResult]) -> Figure:
    """Net annual gains of each scenario, stacked by source, ROI written at the end."""
    parts = (
        ("Impact sur les marchés", "contracts", "#4c72b0", ""),
        ("Gains RH (hors soignants)", "hr_gains", "#55a868", ""),
        ("Amortissement des surfaces", "surface_depreciation", "#8172b2", ""),
        ("Réduction de stock (étalée)", "stock_gain_annualised", "#c9a227", "//"),
        ("Cession de surfaces (étalée)", "surface_sale_annualised", "#937860", ".."),
    )
    figure = Figure(figsize=(7.2, 1.4 + 0.6 * len(results)), layout="constrained")
    ax = figure.add_subplot()
    names = [textwrap.fill(r.scenario, 24) for r in results]
    positions = list(range(len(results)))
    left = [0.0] * len(results)
    for label, attr, colour, hatch in parts:
        values = [getattr(r, attr) for r in results]
        ax.barh(
            positions,
            values,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
            label=label,
            height=0.55,
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    costs = [-r.extra_operating_costs for r in results]
    if any(costs):
        ax.barh(
            positions,
            costs,
            color="#c44e52",
            edgecolor="black",
            linewidth=0.5,
            label="Surcoûts annuels",
            height=0.55,
        )
    for position, result, end in zip(positions, results, left, strict=True):
        roi = (
            "ROI non atteint"
            if result.roi_years is None
            else (f"ROI {french_number(result.roi_years, 1)} ans")
        )
        ax.text(
            end,
            position,
            f"  net {french_number(result.net_annual_gains)} € · {roi}",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(positions, names, fontsize=8.5)
    ax.set_ylim(len(results) - 0.5, -0.5)
    _money_axis(ax)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.set_xlim(min(0.0, min(costs)) * 1.1, max(left) * 1.6 if max(left) > 0 else 1)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    ax.set_title("Gains annuels nets par scénario", fontsize=9.5, loc="left")
    ax.xaxis.grid(True, color="0.8", linewidth=0.5)
    _tidy(ax)
    return figure


def purchasing_figure(result: PurchasingResult) -> Figure:
    """Gains by family: retained beside rejected."""
    families = [f.famille for f in result.families]
    rejected: dict[str, float] = {}
    for line in result.lines:
        if line.status == "rejected":
            key = line.source.famille.strip() or "(sans famille)"
            rejected[key] = rejected.get(key, 0.0) + max(line.source.montant_gain or 0.0, 0.0)
    figure = Figure(figsize=(7.2, 1.3 + 0.45 * len(families)), layout="constrained")
    ax = figure.add_subplot()
    positions = list(range(len(families)))
    kept = [f.gain for f in result.families]
    refused = [rejected.get(name, 0.0) for name in families]
    ax.barh(
        [p - 0.2 for p in positions],
        kept,
        height=0.38,
        color="#55a868",
        edgecolor="black",
        linewidth=0.5,
        label="Gains retenus",
    )
    ax.barh(
        [p + 0.2 for p in positions],
        refused,
        height=0.38,
        color="#c44e52",
        hatch="//",
        edgecolor="black",
        linewidth=0.5,
        label="Gains rejetés",
    )
    ax.set_yticks(positions, [textwrap.fill(n, 28) for n in families], fontsize=8)
    ax.set_ylim(len(families) - 0.5, -0.7)
    _money_axis(ax)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.legend(fontsize=7.5, frameon=False)
    ax.set_title("Gains déclarés par famille", fontsize=9.5, loc="left")
    ax.xaxis.grid(True, color="0.8", linewidth=0.5)
    _tidy(ax)
    return figure


def carbon_figure(result: CarbonResult) -> Figure:
    """t CO2e by family with the uncertainty range; families not estimated are named."""
    lines = [line for line in result.lines if line.tonnes is not None]
    figure = Figure(figsize=(7.2, 1.4 + 0.45 * max(len(lines), 1)), layout="constrained")
    ax = figure.add_subplot()
    if not lines:
        ax.axis("off")
        ax.text(
            0,
            0.5,
            textwrap.fill(
                "Aucune famille estimée : donnez un facteur d'émission (avec sa source) pour au"
                " moins une famille.",
                80,
            ),
            fontsize=9,
            va="center",
        )
        return figure
    positions = list(range(len(lines)))
    values = [line.tonnes or 0.0 for line in lines]
    errors = [
        [v - (line.low or 0.0) for v, line in zip(values, lines, strict=True)],
        [(line.high or 0.0) - v for v, line in zip(values, lines, strict=True)],
    ]
    ax.barh(
        positions,
        values,
        xerr=errors,
        capsize=4,
        height=0.55,
        color="#937860",
        edgecolor="black",
        linewidth=0.5,
    )
    for position, line in zip(positions, lines, strict=True):
        ax.text(
            (line.high or 0.0),
            position,
            f"  {french_number(line.tonnes or 0.0, 1)} t",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(positions, [textwrap.fill(line.label, 28) for line in lines], fontsize=8)
    ax.set_ylim(len(lines) - 0.5, -0.5)
    ax.set_xlabel("t CO2e (barres : fourchette d'incertitude)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7.5)
    missing = [line.label for line in result.lines if line.tonnes is None]
    title = "Émissions estimées par famille d'achats"
    if missing:
        title += "\nNon estimé faute de facteur : " + ", ".join(missing)
    ax.set_title(
        "\n".join(textwrap.fill(part, 90) for part in title.split("\n")), fontsize=9, loc="left"
    )
    ax.xaxis.grid(True, color="0.8", linewidth=0.5)
    if values:
        ax.set_xlim(0, max(line.high or 0.0 for line in lines) * 1.25)
    _tidy(ax)
    return figure


def coordinated_figure(result: CoordinatedResult) -> Figure:
    missions = [m for m in result.missions if m.available]
    figure = Figure(figsize=(7.2, 1.3 + 0.45 * len(missions)), layout="constrained")
    ax = figure.add_subplot()
    positions = list(range(len(missions)))
    ax.barh(
        positions,
        [m.amount for m in missions],
        height=0.55,
        color="#4c72b0",
        edgecolor="black",
        linewidth=0.5,
    )
    for position, mission in zip(positions, missions, strict=True):
        note = " (plafond atteint)" if mission.capped else ""
        ax.text(
            mission.amount,
            position,
            f"  {french_number(mission.amount)} €{note}",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(
        positions, [textwrap.fill(MISSION_LABELS[m.mission], 30) for m in missions], fontsize=8
    )
    ax.set_ylim(len(missions) - 0.5, -0.5)
    _money_axis(ax)
    ax.tick_params(axis="x", labelsize=7.5)
    top = max((m.amount for m in missions), default=0.0)
    ax.set_xlim(0, top * 1.5 if top else 1)
    ax.set_title(
        f"Rémunération annuelle estimée : {french_number(result.total)} €", fontsize=9.5, loc="left"
    )
    ax.xaxis.grid(True, color="0.8", linewidth=0.5)
    _tidy(ax)
    return figure
