"""French wording of the core's error codes (the core itself speaks codes and English)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hospiperf_desktop.errors import (
    ConflictError,
    DatabaseError,
    FieldIssue,
    FileImportError,
    HospiPerfError,
    OutputError,
    SourceIssue,
    ValidationError,
)


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
        "unknown_item": _tr("L'item %1 n'existe pas dans ce questionnaire.").replace(
            "%1", str(params.get("item", ""))
        ),
        "answer_not_allowed": _tr("Cette réponse n'est pas proposée pour l'item %1.").replace(
            "%1", str(params.get("item", ""))
        ),
        "different_template": _tr("Seules deux campagnes du même questionnaire se comparent."),
        "different_establishment": _tr("Seules deux campagnes du même établissement se comparent."),
        "too_large": _tr("Le fichier %1 dépasse 25 Mo.").replace("%1", str(params.get("file", ""))),
        "bad_date": _tr("Date attendue sous la forme 31/12/2026."),
        "nothing_answered": _tr("Répondez au moins à un item avant de valider."),
    }
    return texts.get(issue.code, issue.message)


def conflict_text(err: ConflictError) -> str:
    texts = {
        "diagnostic_locked": _tr(
            "Ce diagnostic est validé : ses réponses sont verrouillées. Rouvrez-le pour les "
            "modifier."
        ),
        "not_validated": _tr("Ce diagnostic n'est pas validé."),
        "establishment_in_use": _tr(
            "Cet établissement a %1 diagnostic(s) : supprimez-les d'abord."
        ).replace("%1", str(err.params.get("count", ""))),
        "evidence_altered": _tr(
            "La preuve %1 ne correspond plus à son empreinte SHA-256 : elle a été altérée."
        ).replace("%1", str(err.params.get("file", ""))),
    }
    return texts.get(err.reason, str(err))


def source_issue_text(issue: SourceIssue) -> str:
    """One problem of an imported file, in French, with its file, line and column."""
    params = issue.params
    texts = {
        "unknown_item": _tr("item inconnu « %1 »").replace("%1", str(params.get("item", ""))),
        "repeated_item": _tr("item %1 déjà donné ligne %2")
        .replace("%1", str(params.get("item", "")))
        .replace("%2", str(params.get("line", ""))),
        "answer_not_allowed": _tr("réponse non proposée pour l'item %1").replace(
            "%1", str(params.get("item", ""))
        ),
        "unknown_answer": _tr(
            "réponse inconnue « %1 » (attendu : Oui, Plutôt oui, Partiellement, Non, "
            "Non concerné, ou yes, mostly, partly, no, na)"
        ).replace("%1", str(params.get("value", ""))),
        "empty_item": _tr("identifiant d'item vide"),
        "missing_columns": _tr("colonnes manquantes : %1").replace(
            "%1", ", ".join(params.get("columns", []))
        ),
        "file_not_found": _tr("fichier introuvable"),
        "file_type": _tr("un fichier .csv ou .xlsx est attendu"),
        "empty_file": _tr("le fichier est vide"),
        "encoding": _tr("encodage du texte non reconnu (UTF-8 ou Windows-1252 attendu)"),
        "unreadable": _tr("classeur .xlsx illisible"),
    }
    place = issue.file
    if issue.line is not None:
        place += _tr(", ligne %1").replace("%1", str(issue.line))
    if issue.column:
        place += _tr(", colonne %1").replace("%1", issue.column)
    return f"{place} : {texts.get(issue.code, issue.message)}"


def import_text(err: FileImportError) -> str:
    lines = [source_issue_text(issue) for issue in err.issues[:15]]
    if len(err.issues) > 15:
        lines.append(_tr("… et %1 autres problèmes").replace("%1", str(len(err.issues) - 15)))
    heading = _tr("Le fichier est refusé, rien n'a été enregistré :")
    return heading + "\n" + "\n".join(lines)


def error_text(err: BaseException) -> str:
    if isinstance(err, ValidationError):
        return "\n".join(issue_text(issue) for issue in err.issues)
    if isinstance(err, OutputError):
        return (
            _tr(
                "Impossible d'écrire le fichier %1 (%2).\nChoisissez un autre dossier, ou fermez "
                "le fichier s'il est ouvert dans un autre logiciel."
            )
            .replace("%1", err.path)
            .replace("%2", err.reason)
        )
    if isinstance(err, FileImportError):
        return import_text(err)
    if isinstance(err, ConflictError):
        return conflict_text(err)
    if isinstance(err, DatabaseError):
        return _tr("La base de données ne peut pas être ouverte :\n%1").replace("%1", str(err))
    if isinstance(err, HospiPerfError):
        return str(err)
    return _tr("Erreur inattendue : %1").replace("%1", f"{type(err).__name__}: {err}")
