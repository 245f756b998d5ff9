"""Calculator inputs and results as JSON, and back (pure: no database, no Qt)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from hospiperf_desktop.calculators.carbon import FactorOverride, Purchase
from hospiperf_desktop.calculators.coordinated import CoordinatedInput
from hospiperf_desktop.calculators.logistics import Scenario, SiteInput
from hospiperf_desktop.calculators.purchasing import PaatLine


def to_json(value: Any) -> Any:
    """Dataclasses (and tuples of them) as plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def logistics_inputs(data: dict[str, Any]) -> list[Scenario]:
    return [
        Scenario(
            **{k: v for k, v in raw.items() if k != "sites"},
            sites=tuple(SiteInput(**site) for site in raw["sites"]),
        )
        for raw in data["scenarios"]
    ]


def purchasing_inputs(data: dict[str, Any]) -> list[PaatLine]:
    return [PaatLine(**raw) for raw in data["lines"]]


def carbon_inputs(data: dict[str, Any]) -> tuple[list[Purchase], dict[str, FactorOverride]]:
    return (
        [Purchase(**raw) for raw in data["purchases"]],
        {family: FactorOverride(**raw) for family, raw in data["factors"].items()},
    )


def coordinated_inputs(data: dict[str, Any]) -> CoordinatedInput:
    return CoordinatedInput(**data["input"])
