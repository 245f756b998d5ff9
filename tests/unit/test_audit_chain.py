"""The audit hash chain detects every way of rewriting history (pure functions)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, replace

from hospiperf_desktop.audit.chain import (
    GENESIS_HASH,
    ChainedEntry,
    entry_hash,
    row_hash,
    verify_chain,
)

Stored = list[tuple[ChainedEntry, str]]
_FIELDS = [field.name for field in fields(ChainedEntry)]


def _chain(length: int = 5) -> Stored:
    stored: Stored = []
    prev = GENESIS_HASH
    for n in range(1, length + 1):
        entry = ChainedEntry(
            id=n,
            recorded_at=f"2026-01-0{n}T10:00:00+00:00",
            actor="Claire Martin (pharmacist)",
            action="create",
            entity="establishment",
            entity_id=f"75000000{n}",
            before=None,
            after=f'{{"beds": {n * 10}}}',
            prev_hash=prev,
        )
        prev = entry_hash(entry)
        stored.append((entry, prev))
    return stored


def _head(stored: Stored) -> tuple[int, str]:
    entry, digest = stored[-1]
    return entry.id, digest


def _codes(stored: Stored, head: tuple[int, str] | None) -> list[tuple[int | None, str]]:
    _count, problems = verify_chain(stored, head)
    return [(p.entry_id, p.code) for p in problems]


def test_an_untouched_chain_verifies() -> None:
    stored = _chain()
    count, problems = verify_chain(stored, _head(stored))
    assert count == 5
    assert problems == []


def test_an_empty_trail_without_head_verifies() -> None:
    assert verify_chain([], None) == (0, [])


def test_the_hash_depends_on_every_field() -> None:
    entry, digest = _chain(1)[0]
    for field, value in [
        ("actor", "someone else"),
        ("after", None),
        ("id", 9),
        ("recorded_at", "2030-01-01"),
        ("prev_hash", "f" * 64),
    ]:
        assert entry_hash(replace(entry, **{field: value})) != digest, field


def test_an_altered_field_is_detected_on_that_entry() -> None:
    stored = _chain()
    entry, digest = stored[2]
    stored[2] = (replace(entry, after='{"beds": 9999}'), digest)
    assert _codes(stored, _head(stored)) == [(3, "altered")]


def test_an_altered_entry_with_a_recomputed_hash_breaks_the_next_link() -> None:
    stored = _chain()
    forged = replace(stored[2][0], actor="nobody")
    stored[2] = (forged, entry_hash(forged))
    assert _codes(stored, _head(stored)) == [(4, "broken_link")]


def test_a_changed_stored_hash_is_detected() -> None:
    stored = _chain()
    stored[1] = (stored[1][0], "a" * 64)
    assert _codes(stored, _head(stored)) == [(2, "altered"), (3, "broken_link")]


def test_a_removed_middle_entry_is_detected_on_its_successor() -> None:
    stored = _chain()
    head = _head(stored)
    del stored[2]
    assert _codes(stored, head) == [(4, "broken_link")]


def test_a_removed_first_entry_is_detected() -> None:
    stored = _chain()
    head = _head(stored)
    del stored[0]
    assert _codes(stored, head) == [(2, "broken_link")]


def test_a_removed_last_entry_shows_as_a_head_mismatch() -> None:
    stored = _chain()
    head = _head(stored)
    stored.pop()
    assert _codes(stored, head) == [(None, "head_mismatch")]


def test_a_removed_whole_trail_shows_as_a_head_mismatch() -> None:
    stored = _chain()
    assert _codes([], _head(stored)) == [(None, "head_mismatch")]


def test_reordered_entries_are_detected() -> None:
    stored = _chain()
    head = _head(stored)
    stored[1], stored[2] = stored[2], stored[1]
    codes = _codes(stored, head)
    assert (3, "broken_link") in codes
    assert (2, "broken_link") in codes
    assert all(code != "altered" for _id, code in codes)


def test_the_row_hash_is_the_hash_of_the_generic_canonical_json_whatever_a_column_holds() -> None:
    odd = ("", 'é"\\\n\t\x00\u2028 «x» \U0001f600', None, 5, -(2**70), 2.5, True)
    for n, value in enumerate(odd * 2):
        row = (n or value, value, "actor", value, "entity", "id", value, '{"a": 1}', value)
        fields = dict(zip(_FIELDS, row, strict=True))
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row_hash(row) == hashlib.sha256(canonical.encode("utf-8")).hexdigest(), row
