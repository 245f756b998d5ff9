"""French words of the activity screens (units, periods, trends) and reading a typed value.

The numbers themselves are written by the core's `activity.texts` helpers, so the screens,
the workbook and the PDF show a value the same way.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication

from hospiperf_desktop.french import NBSP
from hospiperf_desktop.plausibility import check_finite

NARROW_NBSP = "\u202f"


def _tr(text: str) -> str:
    return QCoreApplication.translate("activity", text)


def unit_labels() -> dict[str, str]:
    return {
        "count": _tr("nombre"),
        "percent": _tr("%"),
        "amount": _tr("€"),
        "signed_amount": _tr("€ (±)"),
        "days": _tr("jours"),
        "fte": _tr("ETP"),
    }


def period_labels() -> list[str]:
    """Index 0 is the whole year, then the months 1 to 12."""
    return [
        _tr("Année entière"),
        _tr("Janvier"),
        _tr("Février"),
        _tr("Mars"),
        _tr("Avril"),
        _tr("Mai"),
        _tr("Juin"),
        _tr("Juillet"),
        _tr("Août"),
        _tr("Septembre"),
        _tr("Octobre"),
        _tr("Novembre"),
        _tr("Décembre"),
    ]


def status_labels() -> dict[str, str]:
    """A trend in words, so that it is never told by colour alone."""
    return {
        "better": _tr("amélioration"),
        "worse": _tr("dégradation"),
        "stable": _tr("stable"),
        "neutral": _tr("évolution d'activité"),
        "no_comparison": _tr("pas de comparaison"),
    }


def direction_labels() -> dict[str, str]:
    return {
        "higher": _tr("Une hausse est une amélioration."),
        "lower": _tr("Une baisse est une amélioration."),
        "neutral": _tr("Volume d'activité : ni amélioration ni dégradation."),
    }


def decimal_text(value: float, decimals: int = 2) -> str:
    """10.6 → '10,6', 1.0 → '1': at most `decimals` decimals, none that are zeros."""
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.rstrip("0").rstrip(",") if "," in text else text


class EntryProblem(ValueError):
    """A typed value the measure cannot hold; `str()` says why, in French."""


def parse_entry(text: str, unit: str) -> float | None:
    """The value typed in a cell for a measure of `unit`; blank → None (clears the value).

    Accepts the French decimal comma, spaces between thousands and a trailing € or %.
    """
    shown = text.strip()
    if not shown:
        return None
    cleaned = shown
    for sign in (" ", NBSP, NARROW_NBSP, "€", "%"):
        cleaned = cleaned.replace(sign, "")
    cleaned = cleaned.replace(",", ".").replace("\u2212", "-")
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise EntryProblem(_tr("« %1 » n'est pas un nombre.").replace("%1", shown))
    if check_finite(value) == "too_large":
        raise EntryProblem(
            _tr("« %1 » est refusé : aucune valeur ne dépasse mille milliards.").replace(
                "%1", shown
            )
        )
    if unit == "count" and (value < 0 or value != int(value)):
        raise EntryProblem(
            _tr("« %1 » est refusé : un comptage est un nombre entier positif ou nul.").replace(
                "%1", shown
            )
        )
    if unit == "percent" and not 0 <= value <= 100:
        raise EntryProblem(
            _tr("« %1 » est refusé : un pourcentage est compris entre 0 et 100.").replace(
                "%1", shown
            )
        )
    if unit in ("amount", "days", "fte") and value < 0:
        raise EntryProblem(
            _tr("« %1 » est refusé : la valeur ne peut pas être négative.").replace("%1", shown)
        )
    return value
