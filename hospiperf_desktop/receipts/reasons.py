"""What each refusal reason means and what to do next, in French, as a receipt carries them.

A receipt is a document for the establishment's staff (as a PDF report is): its texts are
French and written once, at the ARS, inside the signed body. The codes are the stable codes of
`bundles.verify`, `bundles.payload` and `ars.service`.
"""

from __future__ import annotations

CALL_FINGERPRINT = (
    "appeler l'établissement pour lire ensemble l'empreinte de sa clé (dix mots), puis l'ARS"
    " l'enregistre et réimporte le paquet"
)
RESEND = "renvoyer un paquet refait avec HospiPerf (Exports / ARS › Envoyer à l'ARS)"
CHANGED = "le fichier a été modifié ou abîmé en route : " + RESEND

# code → (what happened, what to do next)
REASONS: dict[str, tuple[str, str]] = {
    "ok": ("Paquet accepté et consolidé.", "Rien à faire."),
    "not_found": ("Le fichier est introuvable.", RESEND),
    "not_a_zip": ("Le fichier n'est pas une archive zip lisible.", CHANGED),
    "too_many_entries": ("L'archive contient trop de fichiers.", RESEND),
    "unsafe_path": ("Un chemin de l'archive est dangereux.", RESEND),
    "link": ("L'archive contient un lien symbolique.", RESEND),
    "encrypted": ("Un fichier de l'archive est chiffré.", RESEND),
    "duplicate_name": ("Deux fichiers de l'archive portent le même nom.", RESEND),
    "case_collision": ("Deux noms de fichiers ne diffèrent que par les majuscules.", RESEND),
    "too_large": ("Un fichier de l'archive, ou l'archive, est trop volumineux.", RESEND),
    "compression_ratio": ("Un fichier est anormalement compressé (bombe zip).", RESEND),
    "unexpected_file": ("L'archive contient un fichier ou un dossier inattendu.", CHANGED),
    "corrupt_entry": ("Un fichier de l'archive est endommagé ou illisible.", CHANGED),
    "missing_tag_file": ("Un fichier de description du paquet manque.", CHANGED),
    "bad_bagit_txt": ("bagit.txt ne déclare pas BagIt 1.0 en UTF-8.", CHANGED),
    "bad_manifest": ("Un manifeste des empreintes est mal formé.", CHANGED),
    "unlisted_file": ("Un fichier du paquet n'est pas listé dans le manifeste.", CHANGED),
    "missing_file": ("Un fichier listé dans le manifeste manque au paquet.", CHANGED),
    "payload_hash_mismatch": ("Un fichier de données a été modifié après signature.", CHANGED),
    "bad_tagmanifest": ("Le manifeste des fichiers de description est incomplet.", CHANGED),
    "tag_hash_mismatch": ("Un fichier de description a été modifié après signature.", CHANGED),
    "bad_bag_info": ("bag-info.txt est mal formé ou incomplet.", CHANGED),
    "bad_finess": ("Le paquet indique un FINESS invalide ou incohérent.", RESEND),
    "oxum_mismatch": ("La taille des données ne correspond pas à bag-info.txt.", CHANGED),
    "missing_signature": ("Le paquet n'est pas signé.", RESEND),
    "bad_signature": ("La signature ne correspond pas au paquet.", CHANGED),
    "untrusted_finess": (
        "L'ARS n'a encore aucune clé de confiance pour ce FINESS.",
        CALL_FINGERPRINT,
    ),
    "unknown_key": (
        "Clé inconnue : le paquet est signé par une clé non enregistrée.",
        CALL_FINGERPRINT,
    ),
    "revoked_key": (
        "Clé révoquée : le paquet est signé par une clé que l'ARS a inscrite sur sa liste de"
        " révocation.",
        "créer une nouvelle clé (hospiperf keys generate --replace), la faire confirmer par"
        " l'ARS au téléphone, puis renvoyer le paquet signé avec elle",
    ),
    "bad_payload": ("Les données du paquet ne respectent pas le format attendu.", RESEND),
    "payload_too_deep": ("Un fichier de données est imbriqué trop profondément.", RESEND),
    "personal_data": (
        "Un texte du paquet pourrait identifier un patient.",
        "corriger ce texte dans HospiPerf (commentaire, action, justification), puis renvoyer"
        " un paquet",
    ),
    "already_imported": (
        "Ce paquet était déjà importé (même identifiant).",
        "Rien à faire : le paquet reçu la première fois est pris en compte.",
    ),
    "older_than_current": (
        "Un paquet plus récent pour la même période est déjà consolidé.",
        "Rien à faire, sauf si ce paquet devait remplacer l'autre : le refaire aujourd'hui.",
    ),
    "conflict": ("Un autre import modifiait le même établissement.", "l'ARS réimporte le paquet"),
    "import_failed": (
        "L'import a échoué à l'ARS ; rien n'a été enregistré.",
        "l'ARS réimporte le paquet",
    ),
}
UNKNOWN = ("Paquet refusé.", "contacter l'ARS en citant le code du motif")


def reason_texts(code: str) -> tuple[str, str]:
    """(message, next step) in French for a reason code."""
    return REASONS.get(code, UNKNOWN)
