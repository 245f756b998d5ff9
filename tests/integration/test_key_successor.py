"""Issue 16 point 7: a new establishment key signed by the old one is trusted by the ARS
without a phone call; a changed or foreign successor is refused and trusts nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_support import PASSPHRASE, make_bundle
from integration_support import Cli

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.keys import read_public_key
from hospiperf_desktop.services import open_services

NEW_PASSPHRASE = "nouvelle phrase de passe du poste"


@pytest.fixture
def first_bundle(db: Path, tmp_path: Path) -> tuple[str, Path]:
    """An establishment with a key and a bundle; its FINESS and the bundle."""
    services = open_services(db)
    try:
        bundle = make_bundle(services, tmp_path / "avant.zip")
        [establishment] = services.establishments.list()
        return establishment.finess, bundle
    finally:
        services.close()


def _ars_trusting_the_first_key(db: Path, tmp_path: Path, finess: str) -> str:
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    consolidation = Consolidation(url, "ars")
    try:
        consolidation.trust([read_public_key(db.parent / "keys" / f"{finess}.pub.json")])
    finally:
        consolidation.close()
    return url


def _replace_key(cli: Cli, finess: str, monkeypatch, *, old: str | None) -> dict:
    monkeypatch.setenv("NEW_PASS", NEW_PASSPHRASE)
    args = ["keys", "generate", "--establishment", finess, "--replace"]
    args += ["--passphrase-env", "NEW_PASS", "--json"]
    if old is not None:
        monkeypatch.setenv("OLD_PASS", old)
        args += ["--old-passphrase-env", "OLD_PASS"]
    code, out, err = cli(*args)
    assert code == 0, err
    return json.loads(out)


def _bundle_signed_with_the_new_key(db: Path, out: Path, finess: str) -> Path:
    from hospiperf_desktop.bundles.contents import Selection

    services = open_services(db)
    try:
        establishment = services.establishments.by_finess(finess)
        prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
        services.bundles.sign_and_write(prepared, NEW_PASSPHRASE, out)
    finally:
        services.close()
    return out


def test_the_ars_trusts_the_successor_and_imports_bundles_signed_with_the_new_key(
    cli: Cli, db: Path, tmp_path: Path, first_bundle, monkeypatch
) -> None:
    finess, _before = first_bundle
    url = _ars_trusting_the_first_key(db, tmp_path, finess)
    made = _replace_key(cli, finess, monkeypatch, old=PASSPHRASE)
    successor = Path(made["successor_path"])
    after = _bundle_signed_with_the_new_key(db, tmp_path / "apres.zip", finess)

    code, _out, err = cli("ars", "import", str(after), "--db-url", url)
    assert code != 0, "the new key is not trusted yet"

    code, out, err = cli("ars", "keys", "--db-url", url, "--successor", str(successor), "--json")
    assert code == 0, err
    assert made["words"] in err
    assert {row["fingerprint"] for row in json.loads(out)} >= {made["fingerprint"]}
    code, _out, err = cli("ars", "import", str(after), "--db-url", url)
    assert code == 0, err
    code, out, _err = cli("audit", "list", "--json")
    entries = json.loads(out)["entries"]  # newest first
    entry = next(e for e in entries if e["entity"] == "signing_key")
    assert entry["after"] == {"fingerprint": made["fingerprint"], "signed_by_previous_key": True}


def test_a_changed_successor_or_one_from_an_untrusted_key_trusts_nothing(
    cli: Cli, db: Path, tmp_path: Path, first_bundle, monkeypatch
) -> None:
    finess, _before = first_bundle
    url = _ars_trusting_the_first_key(db, tmp_path, finess)
    made = _replace_key(cli, finess, monkeypatch, old=PASSPHRASE)
    successor = Path(made["successor_path"])
    data = json.loads(successor.read_text(encoding="utf-8"))

    changed = tmp_path / "change.successor.json"
    other = dict(data, new_public_key=data["old_public_key"])  # the signature no longer fits
    changed.write_text(json.dumps(other), encoding="utf-8")
    code, _out, err = cli("ars", "keys", "--db-url", url, "--successor", str(changed))
    assert code == 2 and "signature" in err

    # A second replacement: its successor is signed by a key the ARS never trusted.
    again = _replace_key(cli, finess, monkeypatch, old=NEW_PASSPHRASE)
    code, _out, err = cli("ars", "keys", "--db-url", url, "--successor", again["successor_path"])
    assert code == 2 and "call the establishment" in err

    code, out, _err = cli("ars", "keys", "--db-url", url, "--json")
    assert [row["fingerprint"] for row in json.loads(out)] == [data_fingerprint(db, tmp_path)]


def data_fingerprint(db: Path, tmp_path: Path) -> str:
    """The fingerprint of the first key, as the ARS registered it."""
    consolidation = Consolidation(f"sqlite:///{tmp_path / 'ars.sqlite'}", "ars")
    try:
        [[key]] = consolidation.trusted().values()
        return key.fingerprint
    finally:
        consolidation.close()


def test_a_wrong_old_passphrase_changes_nothing_and_no_old_passphrase_writes_no_successor(
    cli: Cli, db: Path, first_bundle, monkeypatch
) -> None:
    finess, _before = first_bundle
    keys = db.parent / "keys"
    before = (keys / f"{finess}.pub.json").read_bytes()
    monkeypatch.setenv("NEW_PASS", NEW_PASSPHRASE)
    monkeypatch.setenv("OLD_PASS", "pas la bonne phrase du tout")
    args = ["keys", "generate", "--establishment", finess, "--replace"]
    code, _out, err = cli(*args, "--passphrase-env", "NEW_PASS", "--old-passphrase-env", "OLD_PASS")
    assert code == 2 and "passphrase" in err
    assert (keys / f"{finess}.pub.json").read_bytes() == before
    assert not (keys / f"{finess}.successor.json").exists()

    made = _replace_key(cli, finess, monkeypatch, old=None)
    assert made["successor_path"] is None
    assert not (keys / f"{finess}.successor.json").exists()


HOSTILE = {
    "not-json": b"\x00\x01 not json at all",
    "empty": b"",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "too-big": b'{"format": "hospiperf-key-successor/1", "pad": "' + b"x" * 70_000 + b'"}',
    "wrong-format": b'{"format": "hospiperf-public-key/1"}',
    "bad-base64": json.dumps(
        {
            "format": "hospiperf-key-successor/1",
            "finess": "750000001",
            "old_public_key": "!" * 43 + "=",
            "new_public_key": "A" * 43 + "=",
            "issued_at": "2026-12-05T10:00:00Z",
            "signature": "A" * 86 + "==",
        }
    ).encode(),
    "duplicate-key": b'{"format": "hospiperf-key-successor/1", "format": "x"}',
    "nan": b'{"format": NaN}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_successor_file_is_refused_in_one_short_line_and_trusts_nothing(
    cli: Cli, db: Path, tmp_path: Path, first_bundle, name: str
) -> None:
    finess, _before = first_bundle
    url = _ars_trusting_the_first_key(db, tmp_path, finess)
    path = tmp_path / f"{name}.successor.json"
    path.write_bytes(HOSTILE[name])
    code, out, err = cli("ars", "keys", "--db-url", url, "--successor", str(path))
    assert code == 2
    assert "Traceback" not in err and len(err) < 1000 and out == ""
    assert not any(ord(c) < 32 and c not in "\n" for c in err)
    code, out, _err = cli("ars", "keys", "--db-url", url, "--json")
    assert len(json.loads(out)) == 1


def test_a_successor_signed_by_a_key_the_ars_revoked_trusts_nothing(
    cli: Cli, db: Path, tmp_path: Path, first_bundle, monkeypatch
) -> None:
    """Whoever stole the laptop holds the old key and could sign a successor of their own:
    once the ARS revoked that key, only a key read out over the phone replaces it."""
    finess, _before = first_bundle
    url = _ars_trusting_the_first_key(db, tmp_path, finess)
    old_fingerprint = data_fingerprint(db, tmp_path)
    made = _replace_key(cli, finess, monkeypatch, old=PASSPHRASE)
    listing = tmp_path / "revocations.json"
    entry = {"finess": finess, "fingerprint": old_fingerprint, "revoked_on": "2026-12-05"}
    document = {"format": "hospiperf-revocations/1", "created": "2026-12-05"}
    document["revoked"] = [{**entry, "reason": "ordinateur volé"}]
    listing.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    code, _out, err = cli(
        "ars", "keys", "--db-url", url, "--successor", made["successor_path"],
        "--revocations", str(listing),
    )  # fmt: skip
    assert code == 2 and "revocation list" in err and "Traceback" not in err, err
    code, out, _err = cli("ars", "keys", "--db-url", url, "--json")
    assert [row["fingerprint"] for row in json.loads(out)] == [old_fingerprint]

    # Read out over the phone, the new key is added by hand; the list does not stand in the way.
    code, out, err = cli(
        "ars", "keys", "--db-url", url, "--add", str(db.parent / "keys" / f"{finess}.pub.json"),
        "--revocations", str(listing), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert made["fingerprint"] in {row["fingerprint"] for row in json.loads(out)}
