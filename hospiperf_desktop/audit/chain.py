"""Hash chaining of audit entries (pure functions, no database).

Each entry's hash covers its own fields and the previous entry's hash, so changing, removing
or reordering any entry breaks the chain from that point on. The first entry chains to
GENESIS_HASH. The head (last id and hash) is stored apart so that a removed tail shows too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainedEntry:
    id: int
    recorded_at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    before: str | None
    after: str | None
    prev_hash: str


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    code: str
    message: str


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: ChainedEntry) -> str:
    # vars() instead of asdict(): the fields are plain values, asdict's deep copy is wasted.
    canonical = _ENCODER.encode(vars(entry))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify_chain(
    entries: Iterable[tuple[ChainedEntry, str]], head: tuple[int, str] | None
) -> tuple[int, list[ChainProblem]]:
    """Check (entry, stored hash) pairs in id order against the stored head (last id, hash).

    Returns how many entries were checked and the problems found, first problem first.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    last: tuple[int, str] | None = None
    count = 0
    for entry, stored_hash in entries:
        count += 1
        if entry.prev_hash != expected_prev:
            problems.append(
                ChainProblem(
                    entry.id,
                    "broken_link",
                    "does not follow the previous entry "
                    "(an entry before it was removed or changed)",
                )
            )
        if entry_hash(entry) != stored_hash:
            problems.append(ChainProblem(entry.id, "altered", "its content was changed"))
        expected_prev = stored_hash
        last = (entry.id, stored_hash)
    if last != head:
        problems.append(
            ChainProblem(
                None,
                "head_mismatch",
                "the last entries were removed or the head "
                f"was changed (head {head}, last entry {last})",
            )
        )
    return count, problems
