"""Every reason a bundle can be refused for has its French message and next step in a receipt
(receipts/reasons.py), so no establishment reads a bare code."""

from __future__ import annotations

import re
from pathlib import Path

from hospiperf_desktop.receipts.document import reasons_of
from hospiperf_desktop.receipts.reasons import REASONS, UNKNOWN, reason_texts

CORE = Path(__file__).parents[2] / "hospiperf_desktop"
SOURCES = ("bundles/verify.py", "bundles/payload.py", "ars/service.py")
# Codes written as a variable's value or a default argument, which the pattern cannot see.
INDIRECT = {"bad_payload", "payload_too_deep", "personal_data", "conflict", "import_failed"}


def _codes() -> set[str]:
    found: set[str] = set()
    for name in SOURCES:
        text = (CORE / name).read_text(encoding="utf-8")
        found |= set(re.findall(r'(?:_reject|refused)\(\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'\(\s*"([a-z_]+)",\s*\n?\s*f?"', text)) & set(REASONS)
    return found | INDIRECT


def test_every_refusal_code_has_a_french_message_and_a_next_step() -> None:
    codes = _codes()
    assert len(codes) >= 30
    missing = sorted(c for c in codes if reason_texts(c) == UNKNOWN)
    assert not missing
    for code in codes:
        message, next_step = reason_texts(code)
        assert message.strip() and next_step.strip()


def test_an_unknown_key_tells_both_sides_to_read_the_fingerprint() -> None:
    (reason,) = reasons_of([("unknown_key", "the bundle names key 0123\x00…")])
    assert reason.message.startswith("Clé inconnue")
    assert "empreinte" in reason.next_step and "appeler l'établissement" in reason.next_step
    assert "\x00" not in reason.detail  # details are printable
