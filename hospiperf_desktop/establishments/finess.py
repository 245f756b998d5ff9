"""FINESS number checks (pure functions).

A FINESS number has 9 characters: a 2-character département code (01-95, 2A/2B for Corsica,
97/98 for overseas territories), 6 serial digits and a Luhn check digit computed over the
first 8 characters.

Corsica: the Luhn algorithm needs digits, and no single public rule says how "2A" and "2B"
are turned into digits for the FINESS key. We accept a Corsican number when its key is right
under either substitution in use: "2A"/"2B" read as "20" (the pre-1976 département number),
or as "19"/"18" (the INSEE rule for the NIR).
"""

from __future__ import annotations

from dataclasses import dataclass

FINESS_LENGTH = 9
_CORSICA_SUBSTITUTIONS = {"2A": ("20", "19"), "2B": ("20", "18")}
OVERSEAS_PREFIXES = ("97", "98")


@dataclass(frozen=True)
class FinessProblem:
    code: str
    message: str


def normalize_finess(raw: str) -> str:
    """Upper-case and drop the spaces people type in ("75 071 218 4")."""
    return "".join(raw.split()).upper()


def luhn_is_valid(digits: str) -> bool:
    """True when the last digit of `digits` is the Luhn check digit of the others."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn check."""
    return next(d for d in "0123456789" if luhn_is_valid(payload + d))


def _digit_forms(finess: str) -> list[str]:
    prefix = finess[:2]
    if prefix in _CORSICA_SUBSTITUTIONS:
        return [sub + finess[2:] for sub in _CORSICA_SUBSTITUTIONS[prefix]]
    return [finess]


def _departement_is_valid(prefix: str) -> bool:
    if prefix in _CORSICA_SUBSTITUTIONS or prefix in OVERSEAS_PREFIXES:
        return True
    return prefix.isdigit() and 1 <= int(prefix) <= 95


def check_finess(raw: str) -> FinessProblem | None:
    """None when `raw` is a well-formed FINESS number, else what is wrong with it."""
    finess = normalize_finess(raw)
    if not finess:
        return FinessProblem("finess_required", "a FINESS number is required")
    if len(finess) != FINESS_LENGTH:
        return FinessProblem(
            "finess_length", f"a FINESS number has 9 characters, not {len(finess)}"
        )
    if not finess[2:].isdigit() or not _departement_is_valid(finess[:2]):
        return FinessProblem(
            "finess_format",
            "a FINESS number is a département code (01-95, 2A, 2B, 97, 98) then 7 digits",
        )
    if not any(luhn_is_valid(form) for form in _digit_forms(finess)):
        return FinessProblem("finess_checksum", "the check digit (last digit) is wrong")
    return None


def is_valid_finess(raw: str) -> bool:
    return check_finess(raw) is None


def is_overseas_finess(raw: str) -> bool:
    return normalize_finess(raw).startswith(OVERSEAS_PREFIXES)
