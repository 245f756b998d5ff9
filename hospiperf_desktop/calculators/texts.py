"""French labels of the calculators' results, shared by the workbook, the PDF and the screens."""

from __future__ import annotations

from hospiperf_desktop.activity.texts import french_number

MISSION_LABELS = {
    "correspondant": "Pharmacien correspondant",
    "protocol": "Dispensation sous protocole (part du pharmacien)",
    "teleconsultation": "Téléconsultation en officine",
    "equipment": "Aide à l'équipement de téléconsultation",
}
STATUS_LABELS = {"accepted": "Retenue", "rejected": "Rejetée"}
KIND_LABELS = {
    "single_platform": "Plateforme unique chez l'établissement support",
    "several_platforms": "Plusieurs plateformes maintenues",
}


def euros(value: float | None) -> str:
    return "—" if value is None else f"{french_number(value)}\u00a0€"


def percent(value: float | None, decimals: int = 1) -> str:
    """A ratio (0.053) as a French percentage (5,3 %)."""
    return "—" if value is None else f"{french_number(value * 100, decimals)}\u00a0%"


def years(value: float | None) -> str:
    return (
        "non atteint (gains nets nuls ou négatifs)"
        if value is None
        else (f"{french_number(value, 1)}\u00a0ans")
    )


def tonnes(value: float | None) -> str:
    return "non estimé" if value is None else f"{french_number(value, 1)}\u00a0t\u00a0CO2e"
