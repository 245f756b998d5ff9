"""Signed receipts and the transmission ledger, end to end (issue 16, point 2).

The desktop exports → the ARS imports with `--receipts` → the desktop records the receipts →
both ledgers are right; a tampered bundle's receipt lists every failure found; a receipt
signed by another key, or changed by one byte, is refused and records nothing. The ARS side
runs on SQLite and on PostgreSQL (the `consolidation_url` fixture)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from bundle_support import make_bundle, rewrite
from integration_support import raw_rows

from hospiperf_desktop.bundles.authority import generate_ars_keys, open_ars_signer
from hospiperf_desktop.bundles.contents import MODULES
from hospiperf_desktop.cli import main
from hospiperf_desktop.services import Services

ARS_PASSPHRASE = "phrase de passe de l'ARS"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _tamper(files: dict[str, bytes]) -> dict[str, bytes]:
    """Four faults at once: a data file changed, a file added (so the Payload-Oxum no longer
    matches) and a signature that is not the bundle's."""
    files["data/bundle.json"] = files["data/bundle.json"].replace(b'"name"', b'"nom"', 1)
    files["data/extra.json"] = b"{}"
    files["tagmanifest-sha256.txt.sig"] = base64.b64encode(bytes(64)) + b"\n"
    return files


@pytest.fixture
def ars_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    generate_ars_keys(tmp_path / "ars", ARS_PASSPHRASE, "ARS Bretagne")
    monkeypatch.setenv("ARS_PASS", ARS_PASSPHRASE)
    return tmp_path / "ars" / "ars.key.pem"


def test_export_import_receipts_and_both_ledgers(
    services: Services,
    db_file: Path,
    tmp_path: Path,
    consolidation_url: str,
    ars_key: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(db_file)
    good = make_bundle(services, tmp_path / "envoi-2026.zip", year=2026)
    sent_2025 = make_bundle(services, tmp_path / "envoi-2025.zip", year=2025)
    tampered = rewrite(sent_2025, tmp_path / "abime-2025.zip", _tamper)
    make_bundle(services, tmp_path / "autre.zip", serial=2)  # a second establishment's key
    first, second = (e.finess for e in services.establishments.list())
    keys = db_file.parent / "keys"
    code, _, err = _run(
        capsys, "--db", db, "keys", "trust-ars", str(ars_key.parent / "ars.pub.json")
    )
    assert code == 0, err

    for finess in (first, second):
        code, _, err = _run(
            capsys,
            "ars",
            "keys",
            "--db-url",
            consolidation_url,
            "--add",
            str(keys / f"{finess}.pub.json"),
        )
        assert code == 0, err
    receipts = tmp_path / "accuses"
    code, out, err = _run(
        capsys, "ars", "import", str(good), str(tampered), "--db-url", consolidation_url,
        "--receipts", str(receipts), "--key", str(ars_key), "--passphrase-env", "ARS_PASS",
        "--json",
    )  # fmt: skip
    assert code == 1 and "Traceback" not in err, err
    outcomes = {o["file"]: o for o in json.loads(out)["bundles"]}
    assert outcomes[good.name]["status"] == "imported"
    assert outcomes[tampered.name]["status"] == "refused"

    files = sorted(receipts.iterdir())
    assert len(files) == 2
    bodies = {
        json.loads(json.loads(f.read_text())["body"])["bundle"]["file_name"]: f for f in files
    }
    refused = json.loads(json.loads(bodies[tampered.name].read_text())["body"])
    codes = [r["code"] for r in refused["reasons"]]
    assert set(codes) == {
        "unlisted_file",
        "payload_hash_mismatch",
        "oxum_mismatch",
        "bad_signature",
    }
    assert refused["verdict"] == "refused" and refused["bundle"]["verified"] is False
    assert refused["bundle"]["finess"] == first and refused["bundle"]["period"] == "2025"
    assert all(r["message"] and r["next_step"] for r in refused["reasons"])
    accepted = json.loads(json.loads(bodies[good.name].read_text())["body"])
    assert accepted["verdict"] == "accepted" and accepted["reasons"] == []
    assert accepted["bundle"]["modules"] == sorted(MODULES)
    assert accepted["authority"] == "ARS Bretagne"

    code, out, err = _run(capsys, "--db", db, "bundle", "receipt", *map(str, files), "--json")
    assert code == 0, err
    recorded = json.loads(out)
    assert {r["verdict"] for r in recorded} == {"accepted", "refused"}
    assert all(r["new"] and r["matched"] for r in recorded)
    by_verdict = {r["verdict"]: r for r in recorded}
    assert by_verdict["accepted"]["same_file"] is True
    assert by_verdict["refused"]["same_file"] is False  # the ARS got a changed file
    code, out, _ = _run(capsys, "--db", db, "bundle", "receipt", str(files[0]), "--json")
    assert code == 0 and json.loads(out)[0]["new"] is False  # recorded once

    code, out, err = _run(capsys, "--db", db, "bundle", "ledger", "--period", "2024", "--json")
    assert code == 0, err
    ledger = {(r["finess"], r["period"], r["module"]): r for r in json.loads(out)}
    for module in MODULES:
        assert ledger[(first, "2026", module)]["label"] == "accepté"
        row = ledger[(first, "2025", module)]
        assert row["label"] == "refusé"
        assert any("payload_hash_mismatch" in reason for reason in row["reasons"])
        assert ledger[(first, "2024", module)]["label"] == "manquant"
        assert ledger[(second, "2026", module)]["label"] == "envoyé"  # exported, no receipt

    code, out, err = _run(capsys, "ars", "ledger", "--db-url", consolidation_url, "--json")
    assert code == 0, err
    ars = json.loads(out)
    assert ars["periods"] == ["2025", "2026"]
    rows = {(r["finess"], r["period"], r["module"]): r for r in ars["rows"]}
    for module in MODULES:
        assert rows[(first, "2026", module)]["label"] == "accepté"
        assert rows[(first, "2025", module)]["label"] == "refusé"
        assert "bad_signature" in rows[(first, "2025", module)]["reasons"]
        assert rows[(second, "2026", module)]["label"] == "manquant"
    assert ars["silent"] == {
        "2025": [{"finess": second, "name": ""}],
        "2026": [{"finess": second, "name": ""}],
    }
    code, out, _ = _run(capsys, "ars", "ledger", "--db-url", consolidation_url)
    assert code == 0 and f"2026: rien reçu de {second}" in out


def _receipt_for(
    tmp_path: Path, services: Services, ars_key: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    bundle = make_bundle(services, tmp_path / "envoi.zip")
    finess = services.establishments.list()[0].finess
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    public = services.database.path.parent / "keys" / f"{finess}.pub.json"
    code, _, err = _run(
        capsys, "ars", "import", str(bundle), "--db-url", url, "--trusted-keys", str(public),
        "--receipts", str(tmp_path / "accuses"), "--key", str(ars_key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    (receipt,) = (tmp_path / "accuses").iterdir()
    return receipt


def test_a_receipt_signed_by_another_key_or_changed_is_refused_and_records_nothing(
    services: Services,
    db_file: Path,
    tmp_path: Path,
    ars_key: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(db_file)
    receipt = _receipt_for(tmp_path, services, ars_key, capsys)
    code, _, err = _run(capsys, "--db", db, "bundle", "receipt", str(receipt))
    assert code == 2 and "no ARS key is trusted" in err  # before keys trust-ars
    _run(capsys, "--db", db, "keys", "trust-ars", str(ars_key.parent / "ars.pub.json"))

    generate_ars_keys(tmp_path / "other", ARS_PASSPHRASE, "ARS Bretagne")
    other = open_ars_signer(tmp_path / "other", ARS_PASSPHRASE)
    envelope = json.loads(receipt.read_text())
    forged = dict(envelope, signer_fingerprint=other.public.fingerprint)
    forged["signature"] = base64.b64encode(other.sign(envelope["body"].encode())).decode()
    other_key = tmp_path / "autre-cle.json"
    other_key.write_text(json.dumps(forged))
    same_name = dict(forged, signer_fingerprint=envelope["signer_fingerprint"])
    disguised = tmp_path / "cle-deguisee.json"
    disguised.write_text(json.dumps(same_name))
    changed = tmp_path / "modifie.json"
    changed.write_text(
        json.dumps(dict(envelope, body=envelope["body"].replace('"accepted"', '"refused"')))
    )
    before = raw_rows(db_file, "SELECT count(*) FROM bundle_receipts")
    for bad, reason in (
        (other_key, "is signed with key"),
        (disguised, "the signature does not match"),
        (changed, "the signature does not match"),
    ):
        code, out, err = _run(capsys, "--db", db, "bundle", "receipt", str(receipt), str(bad))
        assert code == 2 and bad.name in err and reason in err, err
        assert "Traceback" not in err and not out
        assert raw_rows(db_file, "SELECT count(*) FROM bundle_receipts") == before == [(0,)]
    code, _, err = _run(capsys, "--db", db, "bundle", "receipt", str(receipt))
    assert code == 0, err
    assert raw_rows(db_file, "SELECT count(*) FROM bundle_receipts") == [(1,)]


def test_receipts_need_the_ars_key_and_its_passphrase(
    services: Services,
    tmp_path: Path,
    ars_key: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = make_bundle(services, tmp_path / "envoi.zip")
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    code, _, err = _run(
        capsys, "ars", "import", str(bundle), "--db-url", url, "--receipts", str(tmp_path / "r")
    )
    assert code == 2 and "--key" in err
    monkeypatch.setenv("ARS_PASS", "pas la bonne phrase")
    code, _, err = _run(
        capsys, "ars", "import", str(bundle), "--db-url", url, "--receipts", str(tmp_path / "r"),
        "--key", str(ars_key), "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 2 and "wrong passphrase" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_bundle_verify_lists_every_failure_of_a_tampered_bundle(
    services: Services, db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = make_bundle(services, tmp_path / "envoi.zip")
    tampered = rewrite(bundle, tmp_path / "abime.zip", _tamper)
    finess = services.establishments.list()[0].finess
    key = db_file.parent / "keys" / f"{finess}.pub.json"
    code, out, _ = _run(
        capsys, "bundle", "verify", str(tampered), "--trusted-keys", str(key), "--json"
    )
    verdict = json.loads(out)
    assert code == 1 and verdict["valid"] is False
    reasons = [f["reason"] for f in verdict["failures"]]
    assert reasons[0] == verdict["reason"]
    assert reasons == ["unlisted_file", "payload_hash_mismatch", "oxum_mismatch", "bad_signature"]
    code, out, _ = _run(capsys, "bundle", "verify", str(tampered), "--trusted-keys", str(key))
    assert code == 1 and out.count("  also (") == 3


def test_a_consolidation_of_schema_2_gains_the_receipts_table(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    from hospiperf_desktop.ars.service import Consolidation

    path = tmp_path / "ars.sqlite"
    Consolidation(f"sqlite:///{path}").close()
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("DROP TABLE ars_receipts")
        connection.execute("UPDATE ars_schema SET version = 2")
    Consolidation(f"sqlite:///{path}").close()
    assert raw_rows(path, "SELECT version FROM ars_schema ORDER BY version") == [(2,), (3,)]
    assert raw_rows(path, "SELECT count(*) FROM ars_receipts") == [(0,)]


def test_a_newer_refused_bundle_is_said_beside_the_accepted_one_and_a_replay_changes_nothing(
    services: Services,
    db_file: Path,
    tmp_path: Path,
    ars_key: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, url = str(db_file), f"sqlite:///{tmp_path / 'ars.sqlite'}"
    first = make_bundle(services, tmp_path / "premier.zip")
    newer = rewrite(make_bundle(services, tmp_path / "second.zip"), tmp_path / "abime.zip", _tamper)
    finess = services.establishments.list()[0].finess
    public = db_file.parent / "keys" / f"{finess}.pub.json"
    _run(capsys, "--db", db, "keys", "trust-ars", str(ars_key.parent / "ars.pub.json"))
    for bundle, expected in ((first, 0), (first, 1), (newer, 1)):  # 2nd: already imported
        code, _, err = _run(
            capsys, "ars", "import", str(bundle), "--db-url", url, "--trusted-keys", str(public),
            "--receipts", str(tmp_path / "r"), "--key", str(ars_key),
            "--passphrase-env", "ARS_PASS",
        )  # fmt: skip
        assert code == expected and "Traceback" not in err, err
    by_verdict: dict[str, list[str]] = {"accepted": [], "refused": []}
    for path in sorted((tmp_path / "r").iterdir()):
        body = json.loads(json.loads(path.read_text())["body"])
        by_verdict[body["verdict"]].append(str(path))
    (replay,) = [p for p in by_verdict["refused"] if "already_imported" in Path(p).read_text()]

    def activity_row(*receipts: str) -> dict[str, object]:
        code, _, err = _run(capsys, "--db", db, "bundle", "receipt", *receipts)
        assert code == 0, err
        code, out, _ = _run(capsys, "--db", db, "bundle", "ledger", "--json")
        (row,) = [r for r in json.loads(out) if r["module"] == "activity"]
        return row

    row = activity_row(*by_verdict["accepted"], replay)
    assert row["label"] == "accepté" and row["reasons"] == []  # a replay changes nothing
    row = activity_row(*by_verdict["refused"])
    assert row["label"] == "accepté"
    reasons = row["reasons"]
    assert isinstance(reasons, list) and reasons[0].startswith("paquet plus récent ")
    assert any(reason.startswith("bad_signature : ") for reason in reasons)
    code, out, _ = _run(capsys, "--db", db, "bundle", "ledger")
    assert code == 0 and "2026       activity     accepté" in out
    assert "    bad_signature : La signature ne correspond pas au paquet. → " in out
