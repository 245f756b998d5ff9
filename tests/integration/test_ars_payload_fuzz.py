"""Fuzzing the ARS import: a sound signed bundle with one value of one document replaced by
anything JSON can hold. Whatever it is, the bundle is imported or refused with a reason —
never a failure the schemas let through to the database (`import_failed`), on SQLite and
on PostgreSQL, whose types are strict."""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.bag import PayloadFile, write_bag
from hospiperf_desktop.bundles.keys import read_public_key

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile" / "ars"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

NASTY_TEXT = ["", "\x00", "\ud800", "x" * 300, "=1+1", "é" * 50, "2026-02-30", "NaN", "\u202e"]
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(NASTY_TEXT)
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside a document (the document itself included)."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _places(item, (*path, index))
    return out


BASE = corpus.base_files()
PLACES = [(name, place) for name, document in BASE.items() for place in _places(document)]
_serial = itertools.count()


def _mutated(name: str, place: tuple[Any, ...], value: Any, drop: bool) -> dict[str, Any]:
    files = copy.deepcopy(BASE)
    if not place:
        files[name] = value
        return files
    target = files[name]
    for key in place[:-1]:
        target = target[key]
    if drop and isinstance(target, dict):
        del target[place[-1]]
    else:
        target[place[-1]] = value
    return files


def _write(files: dict[str, Any], out: Path) -> Path:
    key = serialization.load_pem_private_key((CORPUS / "corpus-key.pem").read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    info = corpus.base_info(f"fuzz-{next(_serial)}")
    info["Public-Key-Fingerprint"] = read_public_key(CORPUS / "corpus-key.pub.json").fingerprint
    payload = [
        PayloadFile(path, (json.dumps(value, ensure_ascii=True) + "\n").encode())
        for path, value in sorted(files.items())
    ]
    write_bag(str(out), payload, info, key.sign, corpus.CREATED.replace(tzinfo=None))
    return out


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.sampled_from(PLACES), value=json_values, drop=st.booleans())
def test_any_value_anywhere_in_the_payload_is_imported_or_refused_never_a_failure(
    consolidation_url: str,
    tmp_path: Path,
    where: tuple[str, tuple[Any, ...]],
    value: Any,
    drop: bool,
) -> None:
    name, place = where
    bundle = _write(_mutated(name, place, value, drop), tmp_path / "fuzz.zip")
    consolidation = Consolidation(consolidation_url)
    try:
        consolidation.trust([read_public_key(CORPUS / "corpus-key.pub.json")])
        (outcome,) = consolidation.import_bundles([bundle])
    finally:
        consolidation.close()
    event(outcome.reason)
    assert outcome.reason not in ("import_failed", "conflict"), (name, place, outcome.message)
    assert outcome.status in ("imported", "refused")
    assert len(outcome.message.encode()) < 1024 and outcome.message.isprintable()
