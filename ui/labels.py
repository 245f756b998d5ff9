"""French labels of the core's enumerations, in one place for every screen."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from hospiperf_desktop.establishments.model import EstablishmentKind
from hospiperf_desktop.profiles.model import Role


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def kind_labels() -> dict[str, str]:
    return {
        EstablishmentKind.CHU: _tr("CHU"),
        EstablishmentKind.CH: _tr("Centre hospitalier"),
        EstablishmentKind.CLINIC: _tr("Clinique"),
        EstablishmentKind.EHPAD: _tr("EHPAD"),
        EstablishmentKind.HAD: _tr("HAD"),
        EstablishmentKind.PUI: _tr("PUI"),
        EstablishmentKind.OTHER: _tr("Autre"),
    }


def role_labels() -> dict[str, str]:
    return {
        Role.PHARMACIST: _tr("Pharmacien"),
        Role.PREPARATEUR: _tr("Préparateur"),
        Role.QUALITY_OFFICER: _tr("Qualiticien"),
        Role.MANAGER: _tr("Direction / encadrement"),
    }


def answer_labels() -> dict[str, str]:
    from hospiperf_desktop.diagnostics.template import AnswerCode

    return {
        AnswerCode.YES: _tr("Oui"),
        AnswerCode.MOSTLY: _tr("Plutôt oui"),
        AnswerCode.PARTLY: _tr("Partiellement"),
        AnswerCode.NO: _tr("Non"),
        AnswerCode.NA: _tr("Non concerné"),
    }


def action_status_labels() -> dict[str, str]:
    from hospiperf_desktop.diagnostics.planning import ActionStatus

    return {
        ActionStatus.TODO: _tr("À faire"),
        ActionStatus.IN_PROGRESS: _tr("En cours"),
        ActionStatus.DONE: _tr("Fait"),
        ActionStatus.ABANDONED: _tr("Abandonné"),
    }


def priority_labels() -> dict[int, str]:
    return {1: _tr("Haute"), 2: _tr("Moyenne"), 3: _tr("Basse")}


def target_labels() -> dict[str, str]:
    from hospiperf_desktop.diagnostics.template import Target

    return {
        Target.PUI: _tr("PUI / établissement de santé"),
        Target.EHPAD_WITH_PUI: _tr("EHPAD avec PUI"),
        Target.EHPAD_WITHOUT_PUI: _tr("EHPAD sans PUI"),
        Target.HAD_WITH_PUI: _tr("HAD avec PUI"),
        Target.HAD_WITHOUT_PUI: _tr("HAD sans PUI"),
        Target.CARE_UNIT: _tr("Unité de soins"),
        Target.GHT: _tr("GHT / territoire"),
    }


def score_text(value: float | None) -> str:
    """72.46 → '72,5 %' in the user's locale; no score → '—'."""
    from PySide6.QtCore import QLocale

    if value is None:
        return "—"
    return QLocale().toString(value, "f", 1) + "\u00a0%"


def datetime_text(value: datetime | None) -> str:
    """A stored UTC time shown in local time: 31/12/2026 14:05."""
    from hospiperf_desktop.diagnostics.texts import local_time

    return local_time(value).strftime("%d/%m/%Y %H:%M") if value else ""


def actor_text(actor: str | None) -> str:
    """An author as the audit trail names it, "Name (role)", with the role in French."""
    from hospiperf_desktop.diagnostics.texts import actor_label

    return actor_label(actor, {**role_labels(), "system login": _tr("session système")})


def stock_location_labels() -> dict[str, str]:
    return {"central": _tr("Stock central"), "care_unit": _tr("Unités de soins")}


def import_kind_labels() -> dict[str, str]:
    return {"snapshot": _tr("Inventaire (stock)"), "movements": _tr("Mouvements")}


def criticality_labels() -> dict[str, str]:
    return {"high": _tr("élevée"), "medium": _tr("moyenne"), "low": _tr("faible")}


def stock_warning_labels() -> dict[str, str]:
    return {
        "no_snapshot": _tr(
            "Aucun inventaire à cette date : importez un fichier d'inventaire (stock)."
        ),
        "no_movements": _tr(
            "Aucun mouvement dans la fenêtre de consommation : importez les mouvements pour "
            "calculer la couverture et la rotation."
        ),
        "no_beds": _tr(
            "Nombre de lits non renseigné : complétez la fiche de l'établissement pour obtenir "
            "la valeur du stock par lit."
        ),
        "short_history": _tr(
            "Les mouvements importés couvrent moins que la fenêtre choisie : les moyennes "
            "portent sur la période couverte."
        ),
        "dormant_unknown": _tr(
            "Les mouvements importés ne remontent pas assez loin pour repérer le stock "
            "dormant : importez un historique plus long."
        ),
    }
