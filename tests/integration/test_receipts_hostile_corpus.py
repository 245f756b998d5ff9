"""The hostile receipts corpus (tests/fixtures/hostile/receipts/, made by make_corpus.py),
and a property test of the receipt parser.

The rule for every hostile receipt: `hospiperf bundle receipt FILE` exits 2 with a short
message naming the file and the documented problem (under 1 KB, one line per problem, no
other control character, no traceback) and the database is exactly as it was. The control
receipt `valid.json` is recorded, which shows that the key and the layout are sound.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from contextlib import closing, suppress
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hospiperf_desktop.bundles.authority import ArsKeyRefused, ArsPublicKey
from hospiperf_desktop.cli import main
from hospiperf_desktop.errors import InputFileError
from hospiperf_desktop.receipts.document import parse_receipt

CORPUS = Path(__file__).parents[1] / "fixtures" / "hostile" / "receipts"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


@pytest.fixture(scope="module")
def trusting_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("receipts") / "hospiperf.sqlite"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "keys", "trust-ars", str(CORPUS / "corpus-ars.pub.json")]) == 0
    return db


def test_the_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.json") if not p.name.startswith("corpus-"))
    assert sorted([*EXPECTED, "expected.json"]) == files
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n != "valid.json"))
def test_a_hostile_receipt_is_refused_by_the_rule(
    name: str, trusting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "copy.sqlite"
    db.write_bytes(trusting_db.read_bytes())
    before = _dump(db)
    code, out, err = _run(capsys, "--db", str(db), "bundle", "receipt", str(CORPUS / name))
    message = err.removesuffix("\n")
    assert code == 2 and not out, err
    assert message.startswith(f"hospiperf: error: {name}"), message
    assert "Traceback" not in message and len(message.encode()) < 1024
    assert not CONTROL.search(message)
    assert _dump(db) == before


def test_the_control_receipt_is_recorded(
    trusting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "copy.sqlite"
    db.write_bytes(trusting_db.read_bytes())
    code, out, err = _run(
        capsys, "--db", str(db), "bundle", "receipt", str(CORPUS / "valid.json"), "--json"
    )
    assert code == 0, err
    assert json.loads(out)[0]["reasons"] == ["unknown_key"]


def test_each_hostile_receipt_fails_for_its_documented_reason() -> None:
    from hospiperf_desktop.bundles.authority import read_ars_public_key
    from hospiperf_desktop.receipts.document import read_receipt

    key = read_ars_public_key(CORPUS / "corpus-ars.pub.json")
    for name, reason in EXPECTED.items():
        try:
            read_receipt(CORPUS / name, key)
            got = "ok"
        except ArsKeyRefused as err:
            got = err.reason
        except InputFileError as err:
            got = err.issues[0].code
        assert got == reason, name


_KEY = Ed25519PrivateKey.generate()
_PUBLIC = ArsPublicKey("ARS", _KEY.public_key().public_bytes_raw())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_any_text_is_a_receipt_or_a_clean_refusal(text: str) -> None:
    with suppress(InputFileError, ArsKeyRefused):
        parse_receipt(text, "r.json", _PUBLIC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_JSON)
def test_any_signed_body_is_a_receipt_or_a_clean_refusal(body: object) -> None:
    text = json.dumps(body)
    envelope = {
        "format": "hospiperf-receipt/1",
        "signer_fingerprint": _PUBLIC.fingerprint,
        "body": text,
        "signature": base64.b64encode(_KEY.sign(text.encode())).decode(),
    }
    with suppress(InputFileError, ArsKeyRefused):
        parse_receipt(json.dumps(envelope), "r.json", _PUBLIC)
