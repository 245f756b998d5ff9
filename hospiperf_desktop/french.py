"""French typography shared by every document the application writes."""

from __future__ import annotations

import re
import unicodedata

NBSP = "\u00a0"

_BEFORE_PUNCTUATION = re.compile(r"(?<=[^\s:;!?«])[ \u202f\u00a0]?([:;!?])(?=\s|$|»)")
_AFTER_OPENING_QUOTE = re.compile(r"«[ \u202f\u00a0]*")
_BEFORE_CLOSING_QUOTE = re.compile(r"[ \u202f\u00a0]*»")


def french_spacing(text: str) -> str:
    """Non-breaking spaces where French typography wants them: before : ; ! ? and inside « ».

    'Délai : court' keeps its colon with the word before it on a line break; 'http://x' and
    '10:30' are left alone (the sign must be followed by a space or the end).
    """
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text.replace("\u202f", NBSP))
    text = _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_QUOTE.sub(NBSP + "»", text)


def without_accents(text: str) -> str:
    """'Île-de-France' → 'ile-de-france': accents dropped, case folded, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
