"""Coordinated practice for a community pharmacist: yearly remuneration per mission.

Reference §8: the *pharmacien correspondant* earns 2 € per patient for the first 100 patients
and 1 € per patient beyond, capped at 500 € a year (so the cap is reached at 400 patients);
protocol dispensing pays the team 25 € per patient, shared freely between doctor and
pharmacist; tele-consultation in the pharmacy pays 25 € per full block of 5, capped at 750 €
a year, plus 1 225 € of equipment aid in the first year. Which missions a structure allows is
in the parameters (an ESP has no protocol dispensing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hospiperf_desktop.calculators.params import parameters

STRUCTURES = ("ESP", "MSP", "CSP", "CPTS")


@dataclass(frozen=True)
class CoordinatedInput:
    structure: str
    correspondant_patients: int = 0
    protocol_patients: int = 0
    teleconsultations: int = 0
    first_year: bool = False  # the equipment aid for tele-consultation is paid once
    under_served_area: bool = True  # the correspondant mission exists only there
    pharmacist_share: float | None = None  # of the protocol payment; None: the default


@dataclass(frozen=True)
class MissionPay:
    mission: str  # correspondant | protocol | teleconsultation | equipment
    available: bool
    amount: float  # euros for the pharmacist, this year
    uncapped: float  # what the formula gives before its cap
    capped: bool
    note: str


@dataclass(frozen=True)
class StructureInfo:
    id: str
    label: str
    level: str
    requirements: tuple[str, ...]
    funding: str


@dataclass(frozen=True)
class CoordinatedResult:
    structure: StructureInfo
    missions: tuple[MissionPay, ...]
    total: float
    team_protocol_amount: float  # the whole team's protocol payment
    pharmacist_share: float
    structure_objective_payment: float
    structure_objective_year: int
    version: str


def correspondant_pay(patients: int, rules: dict[str, Any]) -> tuple[float, float]:
    """(paid, uncapped) for the year: 2 € up to 100 patients, 1 € beyond, capped."""
    first = min(patients, rules["first_tier_patients"])
    beyond = max(patients - rules["first_tier_patients"], 0)
    uncapped = first * rules["first_tier_rate"] + beyond * rules["beyond_rate"]
    return min(uncapped, rules["yearly_cap"]), uncapped


def teleconsultation_pay(count: int, rules: dict[str, Any]) -> tuple[float, float]:
    """(paid, uncapped): 25 € per complete block of 5, capped."""
    uncapped = math.floor(count / rules["block_size"]) * rules["per_block"]
    return min(uncapped, rules["yearly_cap"]), uncapped


def check_input(data: CoordinatedInput) -> list[tuple[str, str]]:
    """(field, problem) for every value the simulator cannot take."""
    problems = []
    if data.structure.upper() not in STRUCTURES:
        problems.append(("structure", f"must be one of {', '.join(STRUCTURES)}"))
    for name in ("correspondant_patients", "protocol_patients", "teleconsultations"):
        value = getattr(data, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append((name, "must be a whole number of 0 or more"))
    share = data.pharmacist_share
    if share is not None and not 0 <= share <= 1:
        problems.append(("pharmacist_share", "must be between 0 and 1 (0 % to 100 %)"))
    return problems


def simulate(data: CoordinatedInput, params: dict[str, Any] | None = None) -> CoordinatedResult:
    """Yearly remuneration of each mission the structure allows. Input must pass check_input."""
    params = params or parameters("coordinated")
    structure = next(s for s in params["structures"] if s["id"] == data.structure.upper())
    allowed = set(structure["missions"])
    missions = []

    corr_rules = params["correspondant"]
    corr_ok = "correspondant" in allowed and data.under_served_area
    paid, uncapped = correspondant_pay(data.correspondant_patients, corr_rules)
    missions.append(
        MissionPay(
            "correspondant",
            corr_ok,
            paid if corr_ok else 0.0,
            uncapped if corr_ok else 0.0,
            corr_ok and uncapped > paid,
            ""
            if corr_ok
            else "zone non sous-dense : mission non ouverte"
            if "correspondant" in allowed
            else "mission non ouverte dans cette structure",
        )
    )

    proto = params["protocol"]
    share = (
        proto["default_pharmacist_share"]
        if data.pharmacist_share is None
        else (data.pharmacist_share)
    )
    proto_ok = "protocol" in allowed
    team = data.protocol_patients * proto["per_patient_team"] if proto_ok else 0.0
    missions.append(
        MissionPay(
            "protocol",
            proto_ok,
            team * share,
            team * share,
            False,
            "" if proto_ok else "dispensation sous protocole non ouverte dans cette structure",
        )
    )

    tele = params["teleconsultation"]
    tele_ok = "teleconsultation" in allowed
    paid, uncapped = teleconsultation_pay(data.teleconsultations, tele)
    missions.append(
        MissionPay(
            "teleconsultation",
            tele_ok,
            paid if tele_ok else 0.0,
            uncapped if tele_ok else 0.0,
            tele_ok and uncapped > paid,
            "" if tele_ok else "mission non ouverte dans cette structure",
        )
    )
    equipment = tele["first_year_equipment"] if tele_ok and data.first_year else 0.0
    missions.append(
        MissionPay(
            "equipment",
            tele_ok,
            equipment,
            equipment,
            False,
            "première année seulement" if tele_ok else "mission non ouverte",
        )
    )
    objective = params["structure_objective_payment"]
    return CoordinatedResult(
        structure=StructureInfo(
            structure["id"],
            structure["label"],
            structure["level"],
            tuple(structure["requirements"]),
            structure["funding"],
        ),
        missions=tuple(missions),
        total=math.fsum(m.amount for m in missions),
        team_protocol_amount=team,
        pharmacist_share=share,
        structure_objective_payment=objective["amount"],
        structure_objective_year=objective["year"],
        version=params["version"],
    )
