"""French typography shared by every document the application writes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

NBSP = "\u00a0"
T = TypeVar("T")

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
    if text.isascii():  # nothing to decompose: 20× faster on a sort of 2,000 product labels
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def collation_key(text: str) -> tuple[str, str, str]:
    """Sort key in French dictionary order: 'ÉNOXAPARINE' between 'ENALAPRIL' and 'SERINGUE'.

    Letters first, accents and case ignored (Python's default puts every accented capital
    after Z); then accents, then case, so that equal words still sort the same way each time.
    """
    plain = text.translate(_LIGATURES)
    return without_accents(plain), plain.casefold(), plain


def collation_text(text: str) -> str:
    """`collation_key` as one string, for sort roles that compare strings (Qt proxies)."""
    return "\x00".join(collation_key(text))


def french_compare(left: str, right: str) -> int:
    """Three-way comparison by `collation_key`: the SQLite collation named 'french'."""
    a, b = collation_key(left), collation_key(right)
    return (a > b) - (a < b)


def french_sorted(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """`items` sorted by the French collation of `key(item)`."""
    return sorted(items, key=lambda item: collation_key(key(item)))
