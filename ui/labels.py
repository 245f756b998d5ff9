"""French labels of the core's enumerations, in one place for every screen."""

from __future__ import annotations

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
