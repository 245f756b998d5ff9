"""Hash chaining of audit entries (pure functions, no database).

Each entry's hash covers its own fields and the previous entry's hash, so changing, removing
or reordering any entry breaks the chain from that point on. The first entry chains to
GENESIS_HASH. The head (last id and hash) is stored apart so that a removed tail shows too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from json.encoder import encode_basestring

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


# The canonical text of an entry: its fields as a JSON object with sorted keys, compact.
_CANONICAL = (
    '{"action":%s,"actor":%s,"after":%s,"before":%s,"entity":%s,"entity_id":%s,"id":%s,'
    '"prev_hash":%s,"recorded_at":%s}'
)


def entry_hash(entry: ChainedEntry) -> str:
    return row_hash(astuple(entry))


def row_hash(row: Sequence[object]) -> str:
    """The hash of an entry given as a row of its fields in `ChainedEntry` order.

    Byte for byte what `json.dumps(fields, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` writes, filled into a template: `audit verify` hashes every entry of
    the trail and the generic encoder sorted and walked a dict for each.
    """
    id_, recorded_at, actor, action, entity, entity_id, before, after, prev_hash = map(
        _json, row[:9]
    )
    canonical = _CANONICAL % (
        action, actor, after, before, entity, entity_id, id_, prev_hash, recorded_at
    )  # fmt: skip
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json(value: object) -> str:
    # A tampered database may hold any SQLite type in a text column: the encoder writes it.
    return encode_basestring(value) if type(value) is str else _ENCODER.encode(value)


def verify_chain(
    entries: Iterable[tuple[ChainedEntry, str]], head: tuple[int, str] | None
) -> tuple[int, list[ChainProblem]]:
    """Check (entry, stored hash) pairs in id order against the stored head (last id, hash)."""
    return verify_rows(((*astuple(entry), stored) for entry, stored in entries), head)


def verify_rows(
    rows: Iterable[Sequence[object]], head: tuple[int, str] | None
) -> tuple[int, list[ChainProblem]]:
    """Check rows of the `ChainedEntry` fields then the stored hash, in id order, against the
    stored head (last id, hash). One row at a time: memory stays flat whatever the trail."""
    return check_links(((r[0], r[8], r[9], row_hash(r) == r[9]) for r in rows), head)


def check_links(
    entries: Iterable[tuple[object, object, object, bool]], head: tuple[int, str] | None
) -> tuple[int, list[ChainProblem]]:
    """Check (id, prev_hash, stored hash, whether the content hashes to it) in id order
    against the stored head (last id, hash).

    Returns how many entries were checked and the problems found, first problem first.
    """
    checked = LinkCheck().feed(entries)
    return checked.count, checked.problems + head_problems(checked.last, head)


@dataclass
class LinkCheck:
    """The links of one stretch of the chain, checked in id order from the stored hash of the
    entry before it (`expected_prev`); stretches checked apart and put end to end
    (`followed_by`) give what one pass over the whole chain gives."""

    expected_prev: object = GENESIS_HASH
    last: tuple[object, object] | None = None  # (id, stored hash) of the last entry seen
    count: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    def feed(self, entries: Iterable[tuple[object, object, object, bool]]) -> LinkCheck:
        """Check (id, prev_hash, stored hash, whether the content hashes to it) in id order."""
        problems = self.problems
        expected_prev, last, count = self.expected_prev, self.last, self.count
        for entry_id, prev_hash, stored_hash, intact in entries:
            count += 1
            if prev_hash != expected_prev:
                problems.append(
                    ChainProblem(
                        entry_id,  # type: ignore[arg-type]
                        "broken_link",
                        "does not follow the previous entry "
                        "(an entry before it was removed or changed)",
                    )
                )
            if not intact:
                problems.append(ChainProblem(entry_id, "altered", "its content was changed"))  # type: ignore[arg-type]
            expected_prev = stored_hash
            last = (entry_id, stored_hash)
        self.expected_prev, self.last, self.count = expected_prev, last, count
        return self

    def followed_by(self, later: LinkCheck) -> LinkCheck:
        """This stretch, then `later`, checked from the hash this one ends with."""
        return LinkCheck(
            later.expected_prev if later.count else self.expected_prev,
            later.last if later.count else self.last,
            self.count + later.count,
            self.problems + later.problems,
        )


def head_problems(
    last: tuple[object, object] | None, head: tuple[int, str] | None
) -> list[ChainProblem]:
    """The chain must end where the stored head says: its last (id, hash) is the head."""
    if last == head:
        return []
    return [
        ChainProblem(
            None,
            "head_mismatch",
            "the last entries were removed or the head "
            f"was changed (head {head}, last entry {last})",
        )
    ]
