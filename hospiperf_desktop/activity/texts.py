"""French wording of units, directions and value origins, for documents and screens."""

from __future__ import annotations

from hospiperf_desktop.activity.catalog import MeasureCatalog
from hospiperf_desktop.activity.values import COMPUTED, ENTERED, MISSING, MONTHS, Resolved

UNIT_LABELS = {
    "count": "nombre",
    "percent": "%",
    "amount": "€",
    "signed_amount": "€",
    "days": "jours",
    "fte": "ETP",
}

DIRECTION_LABELS = {
    "higher": "hausse souhaitée",
    "lower": "baisse souhaitée",
    "neutral": "volume d'activité",
}

STATUS_LABELS = {
    "better": "amélioration",
    "worse": "dégradation",
    "stable": "stable",
    "neutral": "évolution d'activité",
    "no_comparison": "pas de comparaison",
}

_WHY_NOT = {
    "no_snapshot": "aucun inventaire de stock cette année-là",
    "no_consumption": "aucune consommation enregistrée avant l'inventaire",
    "no_data": "aucune donnée dans le module concerné",
    "no_shortage": "aucune rupture enregistrée cette année-là",
    "operand_missing": "une des deux valeurs manque",
    "no_counts": "aucun comptage pour cette table",
    "no_table": "table d'unités d'œuvre introuvable",
    "not_computed": "calcul non disponible",
}


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def origin_text(resolved: Resolved, catalog: MeasureCatalog | None = None) -> str:
    """Where the value comes from, in one French sentence a reader understands."""
    origin = resolved.origin
    detail = origin.detail
    why_not = detail.get("why_not")
    suffix = f" (calcul impossible : {_WHY_NOT.get(why_not, why_not)})" if why_not else ""
    if origin.kind == ENTERED:
        return "Saisi" + suffix
    if origin.kind == MONTHS:
        how = "Somme" if detail.get("how") == "sum" else "Moyenne"
        return f"{how} de {detail['months']} mois saisis" + suffix
    if origin.kind == MISSING:
        return "Non renseigné" + suffix
    assert origin.kind == COMPUTED
    by = detail.get("by")
    if by == "stock_days":
        return (
            f"Calculé depuis le module Stock : inventaire du {_french_date(detail['snapshot'])},"
            f" consommation moyenne sur {detail['weeks']:g} semaines"
        )
    if by == "shortage_log":
        return (
            f"Calculé depuis le journal des ruptures : {detail['shortages']} rupture(s)"
            " enregistrée(s) cette année-là"
        )
    if by == "uo_total":
        missing = detail.get("missing", 0)
        note = f", {missing} ligne(s) sans comptage" if missing else ""
        return f"Calculé avec la table {detail['table']} version {detail['version']}{note}"
    if by == "difference":
        names = catalog.measures if catalog else {}
        left = names[detail["minuend"]].label if detail["minuend"] in names else detail["minuend"]
        right = (
            names[detail["subtrahend"]].label
            if detail["subtrahend"] in names
            else detail["subtrahend"]
        )
        return f"Calculé : {left} − {right}"
    return "Calculé"


def french_number(value: float, decimals: int = 0) -> str:
    """`1234567.5` → `1 234 567,5` (narrow no-break spaces would not survive WinAnsi)."""
    text = f"{abs(value):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return f"−{text}" if value < 0 and text.strip("0,\u00a0") else text


def format_value(unit: str, value: float | None) -> str:
    """A measure's value as a French reader expects it; an em dash when there is none."""
    if value is None:
        return "—"
    if unit == "count":
        return french_number(value)
    if unit == "percent":
        return f"{french_number(value, 1)}\u00a0%"
    if unit in ("amount", "signed_amount"):
        return f"{french_number(value)}\u00a0€"
    if unit == "days":
        return f"{french_number(value, 1)}\u00a0j"
    if unit == "fte":
        return f"{french_number(value, 2)}\u00a0ETP"
    return french_number(value, 2)


def format_delta(unit: str, delta: float | None) -> str:
    """A signed variance in the measure's unit (`+12`, `−3,5 %`... percentage points for %)."""
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    magnitude = abs(delta)
    if unit == "percent":
        return f"{sign}{french_number(magnitude, 1)}\u00a0pt"
    return sign + format_value(unit, magnitude)


def format_pct(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{french_number(abs(value), 1)}\u00a0%"
