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
from hospiperf_desktop.faults import DatabaseFault


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
        "unknown_check": _tr("Ce contrôle n'existe pas dans ce paquet : préparez-le de nouveau."),
        "nothing_to_justify": _tr("Ce contrôle est conforme ou déjà justifié à la saisie."),
        "too_long": _tr("Texte trop long (%1 caractères au plus).").replace(
            "%1", str(params.get("max", ""))
        ),
        "unknown_kind": _tr("Type d'établissement inconnu."),
        "unknown_region": _tr("Région inconnue."),
        "support_needs_ght": _tr("Indiquez le GHT dont l'établissement est le support."),
        "out_of_range": _tr("La valeur doit être comprise entre %1 et %2.")
        .replace("%1", str(params.get("min", 0)))
        .replace("%2", str(params.get("max", ""))),
        "duplicate": _tr("Ce nom est déjà utilisé."),
        "whole_number": _tr("Nombre entier attendu (par exemple 250)."),
        "name_mismatch": _tr("Tapez exactement le nom de l'établissement : %1").replace(
            "%1", str(params.get("name", ""))
        ),
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
        "before_start": _tr("La date de fin précède la date de début."),
        "unknown_category": _tr("Catégorie de produit inconnue."),
        "number_too_large": _tr("Nombre trop grand (plus de 1 000 milliards) ou invalide."),
        "negative_number": _tr("La valeur ne peut pas être négative."),
        "unknown_profile": _tr("Profil de délai inconnu."),
        "bad_year": _tr("L'année doit être comprise entre 2000 et 2100."),
        "bad_month": _tr("Le mois doit être compris entre 1 et 12 (0 : l'année entière)."),
        # An activity value's field is "measure/month".
        "bad_value": _tr("Valeur refusée pour l'indicateur %1 : %2.")
        .replace("%1", issue.field.split("/")[0])
        .replace("%2", _expected_value(issue.field.split("/")[0]))
        if issue.code == "bad_value"
        else "",
        "unknown_measure": _tr("Indicateur inconnu : %1.").replace("%1", issue.field.split("/")[0]),
        "bad_table_id": _tr(
            "Identifiant de table : 2 à 60 caractères, minuscules sans accent, chiffres, "
            "« . », « _ » ou « - »."
        ),
        "bad_item_id": _tr(
            "Numéro de ligne : 20 caractères au plus, lettres sans accent, chiffres, « . », "
            "« _ » ou « - »."
        ),
        "bad_coefficient": _tr("Le coefficient est un nombre positif ou nul."),
        "unknown_group": _tr("Groupe inconnu dans cette table."),
        "short_passphrase": _tr("La phrase de passe doit compter au moins %1 caractères.").replace(
            "%1", str(params.get("minimum", 10))
        ),
    }
    return texts.get(issue.code, issue.message)


def conflict_text(err: ConflictError) -> str:
    texts = {
        "diagnostic_locked": _tr(
            "Ce diagnostic est validé : ses réponses sont verrouillées. Rouvrez-le pour les "
            "modifier."
        ),
        "not_validated": _tr("Ce diagnostic n'est pas validé."),
        "already_installed": _tr(
            "Ce paquet de référence est déjà installé sur ce poste : rien n'a changé."
        ),
        "unusual_value": _tr(
            "%1 est hors de la plage plausible : confirmez-le avec une justification."
        ).replace("%1", french_number(float(err.params.get("value", 0)))),
        "establishment_in_use": _tr(
            "Cet établissement a %1 diagnostic(s) : supprimez-les d'abord."
        ).replace("%1", str(err.params.get("count", ""))),
        "evidence_altered": _tr(
            "La preuve %1 ne correspond plus à son empreinte SHA-256 : elle a été altérée."
        ).replace("%1", str(err.params.get("file", ""))),
        "duplicate_file": _tr("Le fichier %1 a déjà été importé le %2 (sous le nom %3).")
        .replace("%1", str(err.params.get("file", "")))
        .replace("%2", _moment(err.params.get("imported_at")))
        .replace("%3", str(err.params.get("earlier", ""))),
        "stock_overlap": _tr(
            "%1 ligne(s) déjà importée(s) couvrent la même période (du %2 au %3) : choisissez "
            "de les remplacer ou de les compléter."
        )
        .replace("%1", str(err.params.get("count", "")))
        .replace("%2", _moment(err.params.get("first")))
        .replace("%3", _moment(err.params.get("last"))),
        "establishment_has_stock": _tr(
            "Cet établissement a des données de stock (%1 produits, imports ou ruptures) : "
            "supprimez-les d'abord (commande « hospiperf stock purge »)."
        ).replace("%1", str(err.params.get("count", ""))),
        "mapping_name_empty": _tr("Donnez un nom au profil de colonnes."),
        "unknown_category": _tr("Catégorie de produit inconnue : %1.").replace(
            "%1", str(err.params.get("value", ""))
        ),
        "shipped_table": _tr(
            "La table %1 est livrée avec l'application ou par l'ARS et ne se modifie pas : "
            "copiez-la d'abord (« Copier la table… »)."
        ).replace("%1", str(err.params.get("id", ""))),
        "table_exists": _tr("Une table porte déjà l'identifiant %1.").replace(
            "%1", str(err.params.get("id", ""))
        ),
        "table_in_use": _tr(
            "Des résultats enregistrés citent la table %1 : elle est conservée."
        ).replace("%1", str(err.params.get("id", ""))),
        "scenario_exists": _tr(
            "Un scénario « %1 » existe déjà pour cet établissement : choisissez un autre nom ou "
            "remplacez-le."
        ).replace("%1", str(err.params.get("name", ""))),
        "wrong_passphrase": _tr(
            "La phrase de passe est incorrecte pour la clé de cet établissement : rien n'a été "
            "signé ni écrit."
        ),
        "key_exists": _tr(
            "L'établissement %1 a déjà une clé de signature. La remplacer oblige l'ARS à faire "
            "confiance à la nouvelle."
        ).replace("%1", str(err.params.get("finess", ""))),
        "bad_key": _tr("Le fichier de la clé privée n'est pas une clé Ed25519."),
        **_questionnaire_conflicts(err),
    }
    return texts.get(err.reason, str(err))


def _questionnaire_conflicts(err: ConflictError) -> dict[str, str]:
    """The questionnaire library's refusals (diagnostics/library.py)."""
    key = f"{err.params.get('template', '')}@{err.params.get('version', '')}"
    return {
        "questionnaire_shipped": _tr(
            "Le questionnaire %1 est livré avec l'application : il reste toujours proposé."
        ).replace("%1", str(err.params.get("template", ""))),
        "questionnaire_in_use": _tr(
            "%1 sert à %2 diagnostic(s) : il ne peut pas être supprimé ; retirez-le de la liste."
        )
        .replace("%1", key)
        .replace("%2", str(err.params.get("count", ""))),
        "questionnaire_shipped_id": _tr(
            "%1 est l'identifiant d'un questionnaire livré avec l'application : donnez à votre "
            "questionnaire un identifiant qui lui est propre."
        ).replace("%1", str(err.params.get("template", ""))),
        "questionnaire_version_exists": _tr(
            "%1 est déjà installé avec un autre contenu : une version installée n'est jamais "
            "remplacée ; augmentez la version."
        ).replace("%1", key),
        "questionnaire_version_not_higher": _tr(
            "%1 : cette version n'est pas au-dessus des versions déjà installées."
        ).replace("%1", key),
    }


def bundle_reason_text(reason: str) -> str:
    """Why a bundle was refused (verification or ARS import), in one French sentence."""
    texts = {
        "not_a_zip": _tr("Le fichier n'est pas une archive zip lisible."),
        "too_many_entries": _tr("L'archive contient trop de fichiers (10 000 au plus)."),
        "unsafe_path": _tr(
            "Un chemin de l'archive est dangereux (absolu, avec « .. », une barre oblique "
            "inverse ou un caractère de contrôle)."
        ),
        "link": _tr("L'archive contient un lien symbolique."),
        "encrypted": _tr("Un fichier de l'archive est chiffré."),
        "duplicate_name": _tr("Deux fichiers de l'archive portent le même nom."),
        "case_collision": _tr(
            "Deux fichiers de l'archive ont des noms qui ne diffèrent que par les majuscules."
        ),
        "too_large": _tr("Un fichier de l'archive, ou l'archive entière, est trop volumineux."),
        "compression_ratio": _tr(
            "Un fichier de l'archive est anormalement compressé : refusé comme « bombe zip »."
        ),
        "unexpected_file": _tr("L'archive contient un fichier ou un dossier inattendu."),
        "corrupt_entry": _tr("Un fichier de l'archive est endommagé ou illisible."),
        "missing_tag_file": _tr(
            "Un fichier de description du paquet manque (bagit.txt, bag-info.txt ou un manifeste)."
        ),
        "bad_bagit_txt": _tr("Le fichier bagit.txt ne déclare pas BagIt 1.0 en UTF-8."),
        "bad_manifest": _tr("Un manifeste des empreintes est mal formé."),
        "unlisted_file": _tr("Un fichier du paquet n'est pas listé dans le manifeste."),
        "missing_file": _tr("Un fichier listé dans le manifeste manque au paquet."),
        "payload_hash_mismatch": _tr(
            "Un fichier de données a été modifié : son empreinte ne correspond plus au manifeste."
        ),
        "bad_tagmanifest": _tr("Le manifeste des fichiers de description est incomplet."),
        "tag_hash_mismatch": _tr(
            "Un fichier de description a été modifié : son empreinte ne correspond plus."
        ),
        "bad_bag_info": _tr("Le fichier bag-info.txt est mal formé ou incomplet."),
        "oxum_mismatch": _tr(
            "La taille ou le nombre des fichiers de données ne correspond pas à bag-info.txt."
        ),
        "missing_signature": _tr("Le paquet n'est pas signé."),
        "untrusted_finess": _tr(
            "Aucune clé de confiance n'est enregistrée pour le FINESS de cet établissement."
        ),
        "unknown_key": _tr(
            "Le paquet est signé avec une clé qui n'est pas une clé de confiance de cet "
            "établissement."
        ),
        "bad_signature": _tr(
            "La signature ne correspond pas : le paquet a été modifié après sa signature."
        ),
        "not_found": _tr("Le fichier est introuvable."),
        "already_imported": _tr("Ce paquet est déjà importé (même identifiant de paquet)."),
        "older_than_current": _tr(
            "Un paquet plus récent de cet établissement pour la même période est déjà importé."
        ),
        "bad_payload": _tr(
            "Les données du paquet sont illisibles ou ne respectent pas le format attendu "
            "(champ manquant, type ou valeur hors limites)."
        ),
        "payload_too_deep": _tr("Un fichier de données du paquet est imbriqué trop profondément."),
        "bad_finess": _tr(
            "Le paquet indique un FINESS invalide, ou différent de celui de l'établissement."
        ),
        "conflict": _tr(
            "Un autre import modifiait le même établissement au même moment : rien n'a été "
            "enregistré, importez ce paquet à nouveau."
        ),
        "import_failed": _tr("L'import de ce paquet a échoué : rien n'en a été enregistré."),
        "revoked_key": _tr(
            "Le paquet est signé par une clé inscrite sur la liste de révocation donnée : "
            "refusé ; l'établissement doit créer une nouvelle clé et la faire confirmer."
        ),
        "personal_data": _tr(
            "Le paquet contient un texte qui pourrait identifier un patient (numéro de sécurité "
            "sociale, date de naissance, personne nommée) : refusé ; demandez à l'établissement "
            "de corriger ce texte et de renvoyer un paquet."
        ),
    }
    return texts.get(reason, _tr("Paquet refusé (%1).").replace("%1", reason))


def ars_key_reason_text(reason: str) -> str:
    """Why a file from the ARS, or an ARS key file, was refused, and what to do."""
    texts = {
        "no_ars_key": _tr(
            "Aucune clé de l'ARS n'est enregistrée sur ce poste : ouvrez Exports / ARS › Clé de "
            "l'ARS et faites confiance au fichier de clé que l'ARS vous a remis."
        ),
        "unknown_ars_key": _tr(
            "Ce fichier est signé par une autre clé que celle de l'ARS enregistrée ici : "
            "appelez l'ARS pour relire l'empreinte de sa clé."
        ),
        "bad_ars_signature": _tr(
            "La signature de l'ARS ne correspond pas : le fichier a été modifié après sa "
            "signature. Demandez-en une nouvelle copie à l'ARS."
        ),
        "bad_ars_key_file": _tr("Ce fichier n'est pas une clé publique de l'ARS lisible."),
        "revoked_ars_key": _tr(
            "La clé de l'ARS enregistrée ici est révoquée (liste de révocation installée sur ce "
            "poste) : demandez à l'ARS sa nouvelle clé et faites-lui confiance."
        ),
    }
    return texts.get(reason, _tr("Fichier de l'ARS refusé (%1).").replace("%1", reason))


def key_revoked_text(revoked: object) -> str:
    """The establishment's key is on the ARS's revocation list: nothing was signed."""
    when = str(getattr(revoked, "revoked_on", ""))
    reason = str(getattr(revoked, "reason", ""))
    return (
        _tr(
            "La clé de signature de l'établissement a été révoquée par l'ARS le %1 (%2) : "
            "rien n'a été signé.\nCréez une nouvelle clé (« hospiperf keys generate "
            "--establishment FINESS --replace ») et faites-la confirmer par l'ARS en lui lisant "
            "son empreinte."
        )
        .replace("%1", _iso_date(when))
        .replace("%2", reason)
    )


def source_issue_text(issue: SourceIssue) -> str:
    """One problem of an imported file, in French, with its file, line and column."""
    params = issue.params
    value = str(params.get("value", ""))
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
        )
        if params.get("columns")
        else _tr("des colonnes obligatoires manquent à la ligne d'en-tête"),
        "file_not_found": _tr("fichier introuvable"),
        "file_type": _tr("un fichier .csv, .xlsx, .xls ou .ods est attendu"),
        "empty_file": _tr("le fichier est vide"),
        "encoding": _tr("encodage du texte non reconnu (UTF-8, UTF-16 ou Windows-1252 attendu)"),
        # Bounded readers (tabular.py, jsonfiles.py; limits in docs/limits.md).
        "past_limit": _limit_text(params) if issue.code == "past_limit" else "",
        "control_character": _tr(
            "le texte contient un caractère nul ou un caractère de contrôle ; supprimez-le"
        ),
        "binary": _tr("contenu binaire : ce n'est pas un fichier CSV ; exportez-le à nouveau"),
        "too_deep": _tr("le document JSON est imbriqué trop profondément"),
        "not_finite": _tr("nombre refusé (NaN, Infinity ou trop grand)"),
        "duplicate_key": _tr("une même clé figure deux fois dans un objet JSON"),
        "unreadable": _tr("fichier illisible ou endommagé"),
        "password": _tr(
            "le classeur est protégé par un mot de passe : enregistrez-le sans mot de passe"
        ),
        # The calculators' readers give no value: the place says where to look.
        "not_a_number": _tr("« %1 » n'est pas un nombre").replace("%1", value)
        if value
        else _tr("la valeur n'est pas un nombre"),
        "not_a_date": _tr("« %1 » n'est pas une date (attendu : JJ/MM/AAAA)").replace("%1", value),
        "impossible_date": _tr("« %1 » n'est pas une date réelle").replace("%1", value),
        "negative": _tr("« %1 » est négatif").replace("%1", value)
        if value
        else _tr("la valeur est négative"),
        "missing_value": _tr("valeur manquante"),
        "missing_price": _tr("ni prix unitaire ni valeur")
        if "product" not in params
        else _tr("aucun prix unitaire connu pour le produit %1").replace(
            "%1", str(params["product"])
        ),
        "unknown_category": _tr("catégorie inconnue « %1 » (attendu : %2)")
        .replace("%1", value)
        .replace("%2", _category_names()),
        "not_a_flag": _tr("« %1 » n'est ni oui ni non").replace("%1", value),
        "missing_field": _tr("aucune colonne pour : %1").replace(
            "%1", ", ".join(field_label(f) for f in params.get("fields", []))
        ),
        "missing_column": _tr("pas de colonne intitulée « %1 » (pour : %2)")
        .replace("%1", str(params.get("heading", "")))
        .replace("%2", field_label(str(params.get("field", "")))),
        "bad_mapping": _tr("profil de colonnes invalide (%1)").replace("%1", issue.message),
        "shared_column": _tr("une même colonne ne peut alimenter %1").replace(
            "%1", _tr(" et ").join(field_label(f) for f in params.get("fields", []))
        ),
        "unsigned_quantity": _tr(
            "cette colonne, lue comme une quantité signée (+ entrée, − sortie), ne contient "
            "aucun nombre négatif : toutes les lignes seraient des entrées. Choisissez-la "
            "plutôt comme « Quantité sortie » (ou « Quantité entrée »)."
        ),
        "unknown_location_kind": _tr(
            "« %1 » n'est ni un stock central ni une unité de soins"
        ).replace("%1", value),
        "no_code_column": _tr(
            "aucune colonne « Code » : la ligne d'en-tête doit en avoir une (voir le classeur "
            "exporté)"
        ),
        "no_values": _tr("aucune colonne « Année » (ou « Valeur ») ni colonne de mois"),
        "wrong_year": _tr("la feuille est celle de l'année %1, pas de l'année choisie").replace(
            "%1", str(params.get("found", ""))
        ),
        "unknown_measure": _tr("code d'indicateur inconnu « %1 »").replace(
            "%1", str(params.get("measure", ""))
        ),
        "duplicate": _tr("« %1 » figure deux fois").replace("%1", str(params.get("measure", ""))),
        "bad_value": _tr("valeur refusée pour « %1 » : %2")
        .replace("%1", str(params.get("measure", "")))
        .replace("%2", _expected_value(str(params.get("measure", ""))))
        if issue.code == "bad_value"
        else "",
        # Calculator files (calculators/files.py).
        "unknown": _tr("famille d'achats inconnue (attendu : %1)").replace(
            "%1", _carbon_family_ids()
        )
        if issue.code == "unknown"
        else "",
        "factor_without_source": _tr(
            "un facteur d'émission est refusé sans sa source (colonne « source »)"
        ),
        "out_of_range": _tr("valeur hors des limites admises"),
        "not_integer": _tr("un nombre entier est attendu"),
        # Stock numbers (stock/cells.py, number_columns.py, stock/bounds.py).
        "too_large": _tr("« %1 » est trop grand (plus de 1 000 milliards)").replace("%1", value),
        "ambiguous_number": _tr(
            "« %1 » peut se lire avec un point décimal ou un séparateur de milliers : "
            "choisissez comment lire le point dans ce fichier"
        ).replace("%1", value),
        "unusual_value": _unusual_text(issue) if issue.code == "unusual_value" else "",
        "unknown_field": _tr("champ inconnu"),
        "required": _tr("valeur obligatoire manquante"),
        "shape": _tr(
            'structure inattendue (attendu : {"scenarios": [...]} avec au moins un scénario, '
            "ou les feuilles « Scénarios » et « Établissements »)"
        ),
        "json": _tr("JSON invalide"),
        "not_found": _tr("fichier introuvable"),
        "unknown_scenario": _tr("scénario inconnu dans la feuille « Scénarios »"),
    }
    place = issue.file
    if issue.line is not None:
        place += _tr(", ligne %1").replace("%1", str(issue.line))
    if issue.column:
        place += _tr(", colonne %1").replace("%1", issue.column)
    if issue.where:
        place += f", {issue.where}"
    return f"{place} : {texts.get(issue.code, issue.message)}"


def french_number(value: float) -> str:
    """999999999999.0 → '999 999 999 999', 0.065 → '0,065' (up to 15 significant digits)."""
    return f"{value:,.15g}".replace(",", "\u202f").replace(".", ",")


def _unusual_text(issue: SourceIssue) -> str:
    params = issue.params
    low, high = params.get("low"), params.get("high")
    what = (
        _tr("la valeur de la ligne (quantité × prix unitaire), %1,")
        if issue.column is None
        else "%1"
    ).replace("%1", french_number(float(params["value"])))
    return (
        _tr("%1 est hors de la plage plausible (%2 à %3) — %4")
        .replace("%1", what)
        .replace("%2", french_number(float(low)) if low is not None else "…")
        .replace("%3", french_number(float(high)) if high is not None else "…")
        .replace("%4", str(params.get("source", "")))
    )


def _limit_text(params: dict[str, object]) -> str:
    """A file past a read limit: which limit, the value found, how to split the file."""
    from hospiperf_desktop.limits import LIMITS

    name = str(params.get("limit", ""))
    what = {
        "csv_bytes": _tr("taille du fichier"),
        "workbook_bytes": _tr("taille du fichier"),
        "zip_entry_bytes": _tr("taille décompressée d'une partie du classeur"),
        "zip_total_bytes": _tr("taille décompressée du classeur"),
        "zip_entries": _tr("nombre de parties du classeur"),
        "zip_ratio": _tr("taux de compression"),
        "rows": _tr("nombre de lignes"),
        "columns": _tr("nombre de colonnes"),
        "cells": _tr("nombre de cellules (lignes × colonnes)"),
        "sparse_ratio": _tr("cellules vides pour une cellule remplie"),
        "cell_chars": _tr("longueur d'une cellule"),
        "line_chars": _tr("longueur d'une ligne"),
    }
    split = _tr("découpez le fichier en plusieurs fichiers (par exemple un par trimestre)")
    hint = {
        "columns": _tr("gardez seulement les colonnes à importer"),
        "cell_chars": _tr("raccourcissez le texte de cette cellule"),
        "zip_ratio": _tr("ouvrez le classeur et enregistrez-le à nouveau"),
        "zip_entries": _tr("copiez la feuille à importer dans un nouveau classeur"),
        "sparse_ratio": _tr(
            "supprimez les cellules isolées loin sous le tableau ou à sa droite "
            "(Ctrl+Fin dans le tableur montre la dernière)"
        ),
    }.get(name, split)
    found = params.get("found", "")
    limit = getattr(LIMITS, name, "")
    return (
        _tr("%1 : %2, au-delà de la limite de %3 ; %4")
        .replace("%1", what.get(name, name))
        .replace("%2", f"{found:,}".replace(",", "\u202f") if isinstance(found, int) else "")
        .replace("%3", f"{limit:,}".replace(",", "\u202f") if isinstance(limit, int) else "")
        .replace("%4", hint)
    )


def field_label(name: str) -> str:
    """A stock import field in French; an alternative group 'a|b' reads 'a ou b'."""
    if "|" in name:
        return _tr(" ou ").join(field_label(part) for part in name.split("|"))
    labels = {
        "product_code": _tr("Code produit"),
        "label": _tr("Libellé"),
        "category": _tr("Catégorie"),
        "mitm": _tr("MITM"),
        "location": _tr("Emplacement"),
        "location_kind": _tr("Type d'emplacement"),
        "quantity": _tr("Quantité"),
        "quantity_in": _tr("Quantité entrée"),
        "quantity_out": _tr("Quantité sortie"),
        "unit_price": _tr("Prix unitaire"),
        "value": _tr("Valeur"),
        "lot": _tr("Lot"),
        "expiry_date": _tr("Date de péremption"),
        "snapshot_date": _tr("Date de l'inventaire"),
        "date": _tr("Date du mouvement"),
        "care_unit": _tr("Unité de soins (UF)"),
        "supplier": _tr("Fournisseur"),
    }
    return labels.get(name, name)


def _expected_value(measure_id: str) -> str:
    """What an activity measure accepts, in French."""
    from hospiperf_desktop.activity.catalog import shipped_catalog

    measure = shipped_catalog().measures.get(measure_id)
    unit = measure.unit if measure is not None else "count"  # a local line's own count
    texts = {
        "count": _tr("un nombre entier positif ou nul est attendu"),
        "percent": _tr("un pourcentage entre 0 et 100 est attendu"),
        "signed_amount": _tr("un montant en euros est attendu"),
    }
    return texts.get(unit, _tr("une valeur positive ou nulle est attendue"))


def _carbon_family_ids() -> str:
    from hospiperf_desktop.calculators.params import parameters

    return ", ".join(family["id"] for family in parameters("carbon")["families"])


def _category_names() -> str:
    from hospiperf_desktop.stock.parameters import shipped_parameters

    return ", ".join(c.label for c in shipped_parameters().categories)


def _iso_date(text: str) -> str:
    """An ISO date (2026-12-05) as 05/12/2026; anything else as it is."""
    from datetime import date

    try:
        return _moment(date.fromisoformat(text))
    except ValueError:
        return text


def _moment(value: object) -> str:
    """A date as 31/12/2026; a stored moment (UTC) in local time, with the hour."""
    from datetime import date, datetime

    from hospiperf_desktop.diagnostics.texts import format_date
    from ui.labels import datetime_text

    if isinstance(value, datetime):
        return datetime_text(value)
    return format_date(value) if isinstance(value, date) else str(value or "")


def import_text(err: FileImportError) -> str:
    lines = [source_issue_text(issue) for issue in err.issues[:15]]
    if len(err.issues) > 15:
        lines.append(_tr("… et %1 autres problèmes").replace("%1", str(len(err.issues) - 15)))
    heading = _tr("Le fichier est refusé, rien n'a été enregistré :")
    return heading + "\n" + "\n".join(lines)


def receipts_text(err: BaseException) -> str:
    """Receipts refused (none recorded): each file, and why, in French."""
    lines = []
    for name, reason, detail in getattr(err, "problems", ())[:15]:
        if reason in ("no_ars_key", "unknown_ars_key", "bad_ars_signature"):
            why = ars_key_reason_text(reason)
        else:
            why = _tr("ce n'est pas un accusé de réception lisible (%1).").replace("%1", detail)
        lines.append(f"• {name} : {why}")
    heading = _tr("Accusés de réception refusés ; aucun n'a été enregistré :")
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
    if getattr(err, "code", None) == "receipts_refused":  # receipts.service.ReceiptsRefused
        return receipts_text(err)
    if isinstance(err, FileImportError):
        return import_text(err)
    if isinstance(err, ConflictError):
        return conflict_text(err)
    if getattr(err, "code", None) == "personal_data":  # bundles.personal_data
        kinds = {
            "nir": _tr("numéro de sécurité sociale"),
            "birth_date": _tr("date de naissance"),
            "person": _tr("personne nommée"),
        }
        lines = [
            f"• {f.field} — {kinds.get(f.kind, f.kind)} : « {f.excerpt} »"
            for f in getattr(err, "findings", [])
        ]
        return (
            _tr(
                "Ces textes pourraient identifier un patient : corrigez-les avant d'envoyer le "
                "paquet (rien n'a été signé)."
            )
            + "\n"
            + "\n".join(lines)
        )
    if getattr(err, "code", None) == "key_revoked":  # library.revocations.KeyRevoked
        return key_revoked_text(getattr(err, "revoked", None))
    if getattr(err, "code", None) == "ars_key_refused":  # bundles.authority.ArsKeyRefused
        return (
            ars_key_reason_text(str(getattr(err, "reason", "")))
            + "\n"
            + _tr("Détail : %1").replace("%1", str(err))
        )
    if getattr(err, "code", None) == "package_rejected":  # library.package.PackageRejected
        from ui.reference_package_ui import package_reason_text

        return (
            package_reason_text(str(getattr(err, "reason", "")))
            + "\n"
            + _tr("Détail : %1").replace("%1", str(err))
        )
    if getattr(err, "code", None) == "bundle_would_be_refused":  # bundles.service
        lines = [f"• {message}" for _reason, message in getattr(err, "failures", ())]
        return (
            _tr(
                "L'ARS refuserait ce paquet : son contenu sort de ce que le format des paquets "
                "accepte (détail ci-dessous). Corrigez-le avant d'envoyer le paquet (rien n'a "
                "été signé ni écrit)."
            )
            + "\n"
            + "\n".join(lines[:10])
        )
    if getattr(err, "code", None) == "bundle_rejected":  # bundles.verify.BundleRejected
        detail = _tr("Détail : %1").replace("%1", str(err))
        return bundle_reason_text(str(getattr(err, "reason", ""))) + "\n" + detail
    if isinstance(err, DatabaseFault):
        from ui.backup_ui import fault_text as database_fault_text

        return database_fault_text(err)
    if isinstance(err, DatabaseError):
        return _tr("La base de données ne peut pas être ouverte :\n%1").replace("%1", str(err))
    if isinstance(err, HospiPerfError):
        return str(err)
    return fault_text(err) or unexpected_text(err)


def fault_text(err: BaseException) -> str | None:
    """A fault of the environment (database locked, disk full…) in French, or None."""
    from hospiperf_desktop.failures import known_fault

    fault = known_fault(err)
    if fault is None:
        return None
    texts = {
        "locked": _tr(
            "La base de données est utilisée par un autre programme. Fermez-le ou réessayez "
            "dans un moment ; rien n'a été enregistré."
        ),
        "readonly": _tr(
            "La base de données ne peut pas être modifiée (fichier ou dossier en lecture "
            "seule) ; rien n'a été enregistré."
        ),
        "disk_full": _tr("Le disque est plein : libérez de la place ; rien n'a été enregistré."),
        "disk_io": _tr("Le disque a signalé une erreur de lecture ou d'écriture."),
        "overflow": _tr(
            "Un nombre est trop grand pour être calculé : vérifiez les valeurs saisies ou "
            "importées."
        ),
        "file": _tr("Le fichier %1 est introuvable ou illisible.").replace("%1", fault.subject),
    }
    return texts.get(fault.code, fault.message)


def unexpected_text(err: BaseException) -> str:
    """A bug: a short French message naming the log file, the details written to it."""
    from hospiperf_desktop.failures import describe, log_exception

    log = log_exception(err, "window")
    text = _tr("Une erreur inattendue s'est produite (%1).").replace("%1", describe(err))
    if log is None:
        return text + "\n" + _tr("Le journal des erreurs n'a pas pu être écrit.")
    details = _tr(
        "Les détails sont enregistrés dans le journal :\n%1\n"
        "Joignez ce fichier si vous signalez le problème."
    ).replace("%1", str(log))
    return text + "\n" + details
