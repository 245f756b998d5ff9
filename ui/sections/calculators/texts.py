"""French words of the calculator screens, and reading the numbers a user types.

Amounts, percentages and years come back from the core's `calculators.texts` helpers, so the
screens, the workbooks and the PDF reports write a value the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from ui.sections.activity.texts import decimal_text, parse_entry


def _tr(text: str) -> str:
    return QCoreApplication.translate("calculators", text)


def calculator_labels() -> dict[str, str]:
    return {
        "logistics": _tr("Mutualisation logistique"),
        "purchasing": _tr("Gains achats (PAAT)"),
        "carbon": _tr("Empreinte carbone"),
        "coordinated": _tr("Exercice coordonné"),
        "sterilisation": _tr("Autodiagnostic Stérilisation"),
    }


def kind_labels() -> dict[str, str]:
    return {
        "single_platform": _tr("Plateforme unique chez l'établissement support"),
        "several_platforms": _tr("Plusieurs plateformes maintenues"),
    }


def mission_labels() -> dict[str, str]:
    return {
        "correspondant": _tr("Pharmacien correspondant"),
        "protocol": _tr("Dispensation sous protocole (part du pharmacien)"),
        "teleconsultation": _tr("Téléconsultation en officine"),
        "equipment": _tr("Aide à l'équipement de téléconsultation"),
    }


def status_labels() -> dict[str, str]:
    """A PAAT line's status in words, so that it is never told by colour alone."""
    return {"accepted": _tr("Retenue"), "rejected": _tr("Rejetée")}


@dataclass(frozen=True)
class SiteField:
    name: str  # the SiteInput field
    heading: str
    flag: bool = False  # a check box, not a number
    tip: str = ""


def site_fields() -> list[SiteField]:
    """The columns of the establishments table, in the order of the core's SiteInput."""
    return [
        SiteField("name", _tr("Établissement")),
        SiteField(
            "support",
            _tr("Support"),
            flag=True,
            tip=_tr("L'établissement support du GHT (un seul pour une plateforme unique)"),
        ),
        SiteField(
            "keeps_platform",
            _tr("Garde une\nplateforme"),
            flag=True,
            tip=_tr("Plusieurs plateformes : l'établissement garde-t-il la sienne ?"),
        ),
        SiteField("stocked_purchases", _tr("Achats\nstockés\n(€/an)")),
        SiteField("central_stock", _tr("Stock\ncentral (€)")),
        SiteField("ward_stock", _tr("Stock des\nservices (€)")),
        SiteField(
            "central_weekly_consumption",
            _tr("Conso.\nhebdo.\ncentrale (€)"),
            tip=_tr("Consommation hebdomadaire du stock central, en euros"),
        ),
        SiteField(
            "ward_weekly_consumption",
            _tr("Conso.\nhebdo.\nservices (€)"),
            tip=_tr("Consommation hebdomadaire des services, en euros"),
        ),
        SiteField(
            "stock_on_main_platform",
            _tr("Stock sur la\nplateforme\nprincipale (€)"),
            tip=_tr("Aujourd'hui : sert à mesurer la mutualisation initiale"),
        ),
        SiteField(
            "surface_sale_price",
            _tr("Cession des\nsurfaces (€)"),
            tip=_tr("Prix de vente des surfaces libérées, si elles peuvent être vendues"),
        ),
        SiteField(
            "surface_yearly_depreciation",
            _tr("Amortissement\ndes surfaces\n(€/an)"),
            tip=_tr("Si les surfaces libérées ne sont pas vendues"),
        ),
        SiteField("hr_gains", _tr("Gains RH\nhors soignants\n(€/an)")),
        SiteField(
            "nursing_fte",
            _tr("ETP soignants\nrendus\n(hors ROI)"),
            tip=_tr("Temps soignant rendu aux soins : jamais un gain budgétaire, ni dans le ROI"),
        ),
    ]


def scenario_field_labels() -> dict[str, str]:
    """The scenario's numbers typed in the form."""
    return {
        "investments": _tr("Investissements"),
        "extra_operating_costs": _tr("Surcoûts annuels"),
        "annualisation_years": _tr("Étalement"),
    }


def check_problem_text(field: str) -> str:
    """What a check of the core (`check_scenario`) refused, by the field it names."""
    last = field.rsplit(".", 1)[-1]
    texts = {
        "kind": _tr("type de scénario inconnu"),
        "ght_class": _tr("la classe du GHT est 1, 2, 3 ou 4"),
        "annualisation_years": _tr("l'étalement est un nombre d'années supérieur à 0"),
        "sites": _tr("ajoutez au moins un établissement"),
        "support": _tr("une plateforme unique demande exactement un établissement support"),
    }
    return texts.get(last, _tr("un nombre positif ou nul est attendu"))


def amount_text(value: float | None) -> str:
    """A number put back in a field to edit: 1800000 → '1 800 000', 0 or None → ''."""
    return decimal_text(value, 2) if value else ""


def read_number(text: str, unit: str = "amount") -> float | None:
    """The number typed in a field (blank → None); raises EntryProblem in French.

    Accepts the decimal comma, spaces between thousands and a trailing € or %."""
    return parse_entry(text, unit)
