"""French wording of the core's error codes (the core itself speaks codes and English)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hospiperf_desktop.errors import DatabaseError, FieldIssue, HospiPerfError, ValidationError


def _tr(text: str) -> str:
    return QCoreApplication.translate("messages", text)


def issue_text(issue: FieldIssue) -> str:
    params = issue.params
    texts = {
        "finess_required": _tr("Le numéro FINESS est obligatoire."),
        "finess_length": _tr("Un numéro FINESS compte 9 caractères."),
        "finess_format": _tr(
            "Format attendu : code département (01 à 95, 2A, 2B, 97, 98) puis 7 chiffres."
        ),
        "finess_checksum": _tr(
            "Clé de contrôle (dernier chiffre) incorrecte : vérifiez le numéro."
        ),
        "finess_duplicate": _tr("Un établissement avec ce numéro FINESS existe déjà."),
        "required": _tr("Ce champ est obligatoire."),
        "too_long": _tr("Texte trop long (%1 caractères au plus).").replace(
            "%1", str(params.get("max", ""))
        ),
        "unknown_kind": _tr("Type d'établissement inconnu."),
        "unknown_region": _tr("Région inconnue."),
        "support_needs_ght": _tr("Indiquez le GHT dont l'établissement est le support."),
        "out_of_range": _tr("La valeur doit être comprise entre %1 et %2.")
        .replace("%1", str(params.get("min", "")))
        .replace("%2", str(params.get("max", ""))),
        "duplicate": _tr("Ce nom est déjà utilisé."),
        "unknown_role": _tr("Rôle inconnu."),
    }
    return texts.get(issue.code, issue.message)


def error_text(err: BaseException) -> str:
    if isinstance(err, ValidationError):
        return "\n".join(issue_text(issue) for issue in err.issues)
    if isinstance(err, DatabaseError):
        return _tr("La base de données ne peut pas être ouverte :\n%1").replace("%1", str(err))
    if isinstance(err, HospiPerfError):
        return str(err)
    return _tr("Erreur inattendue : %1").replace("%1", f"{type(err).__name__}: {err}")
