"""The one keyboard model for answering: the same key means the same answer on every item.

A yes/no item offers only `1` and `4`; a graded item `1` to `4`; `5` only where the item
allows "Non concerné". A key whose answer an item does not offer does nothing but say so.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hospiperf_desktop.diagnostics.template import AnswerCode, Item
from ui.labels import answer_labels

ANSWER_KEYS: dict[str, AnswerCode] = {
    "1": AnswerCode.YES,
    "2": AnswerCode.MOSTLY,
    "3": AnswerCode.PARTLY,
    "4": AnswerCode.NO,
    "5": AnswerCode.NA,
}
CLEAR_KEY = "0"
# On a French (AZERTY) keyboard the top-row keys give these characters without Maj: they count
# as the digit printed on the same key, so "1" works with or without Maj.
AZERTY_DIGITS = dict(zip("&é\"'(-è_çà", "1234567890", strict=True))
KEY_OF: dict[AnswerCode, str] = {code: key for key, code in ANSWER_KEYS.items()}


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnswerKeys", text)


def legend() -> str:
    """The keys, as written above the items."""
    labels = answer_labels()
    answers = " · ".join(f"<b>{key}</b> {labels[code]}" for key, code in ANSWER_KEYS.items())
    return _tr(
        "Clavier : %1 · <b>0</b> efface la réponse · <b>Tab</b> réponse → commentaire → item"
        " suivant (Maj+Tab : retour) · <b>Ctrl+Z</b> annule la dernière modification"
    ).replace("%1", answers)


def offered(item: Item) -> str:
    """The answers `item` offers with their keys, e.g. "Oui (1), Non (4)"."""
    labels = answer_labels()
    return ", ".join(f"{labels[code]} ({KEY_OF[code]})" for code in item.codes)


def refusal(key: str, item: Item) -> str:
    """Why `key` did nothing on `item` (shown in the status bar)."""
    code = ANSWER_KEYS.get(key)
    if code is None:
        return _tr("Touche %1 : aucune réponse (1 à 5 pour répondre, 0 pour effacer).").replace(
            "%1", key
        )
    return (
        _tr("Touche %1 (%2) : réponse non proposée pour l'item %3. Réponses possibles : %4.")
        .replace("%1", key)
        .replace("%2", answer_labels()[code])
        .replace("%3", item.id)
        .replace("%4", offered(item))
    )
