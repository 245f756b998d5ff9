"""`hospiperf ars benchmarks|package` then `hospiperf library import|list` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import Cli
from test_ars_benchmarks import _fill

from hospiperf_desktop.bundles.authority import ArsPublicKey
from hospiperf_desktop.library.benchmarks import diagnostic_metric, position
from hospiperf_desktop.services import open_services


def ars_key(folder: Path) -> tuple[Path, Ed25519PrivateKey]:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"phrase secrete ARS"),
    )
    path = folder / "ars.key.pem"
    path.write_bytes(pem)
    return path, private


def trust(db: Path, private: Ed25519PrivateKey) -> None:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    (db.parent / "keys").mkdir(exist_ok=True)
    (db.parent / "keys" / "ars-region.pub.json").write_text(ArsPublicKey("ARS test", raw).to_json())


def test_benchmarks_of_50_establishments_reach_the_desktop(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    _fill(url)
    key, private = ars_key(tmp_path)
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    out = tmp_path / "reperes.zip"
    code, stdout, err = cli(
        "ars", "benchmarks", "--db-url", url, "--out", str(out), "--key", str(key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = cli("library", "import", str(out), "--yes")
    assert code == 2 and "no ARS key is trusted" in err
    trust(db, private)
    code, stdout, err = cli("library", "import", str(out), "--yes", "--json")
    assert code == 0, err
    assert [c["action"] for c in json.loads(stdout)["changes"]] == ["add"]
    code, stdout, _ = cli("library", "list", "--json")
    listed = json.loads(stdout)
    assert [(r["kind"], r["current"], r["publisher"]) for r in listed] == [
        ("benchmarks", True, "ARS")
    ]
    services = open_services(db)
    try:
        items = services.library.benchmarks()
    finally:
        services.close()
    mine = position(items, diagnostic_metric("circuit", "gouvernance"), "ehpad", 30.0, 2026)
    assert mine is not None and mine.text.startswith("1er quartile régional des EHPAD, 50 ")
    assert not [d for d in items if d.category == "had"]


def test_a_package_signed_by_another_key_is_refused_on_the_command_line(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, _ = ars_key(tmp_path)
    trust(db, Ed25519PrivateKey.generate())
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    table = Path(__file__).parents[2] / "resources" / "uo" / "uo-pharma.json"
    out = tmp_path / "paquet.zip"
    code, _, err = cli(
        "ars", "package", "--out", str(out), "--uo-table", str(table), "--key", str(key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = cli("library", "import", str(out), "--yes")
    assert code == 2 and "not signed by the trusted ARS key" in err
    code, stdout, _ = cli("library", "list", "--json")
    assert json.loads(stdout) == []


def test_the_benchmarks_document_script_reads_the_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    _fill(url)
    key, _ = ars_key(tmp_path)
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    out = tmp_path / "reperes.zip"
    code, _, err = cli(
        "ars", "benchmarks", "--db-url", url, "--out", str(out), "--key", str(key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    doc = Path(__file__).parents[2] / "docs" / "benchmarks-file.md"
    (block,) = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
    script = tmp_path / "read_benchmarks.py"
    script.write_text(block, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "diagnostic:circuit:score 2026 ehpad n=50 33.25 45.5 57.75" in lines
    assert not [line for line in lines if " had " in line]


def test_the_ars_shows_the_last_anchor_received_per_establishment(cli: Cli, tmp_path: Path) -> None:
    from datetime import datetime

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from hospiperf_desktop.ars.models import AuditAnchor
    from hospiperf_desktop.ars.service import Consolidation

    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    Consolidation(url).close()
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        for n, (finess, month, entries) in enumerate(
            [("750000001", 3, 10), ("750000001", 4, 25), ("970000001", 2, 7)]
        ):
            session.add(
                AuditAnchor(
                    bundle_uuid=f"00000000-0000-4000-8000-{n:012d}",
                    finess=finess,
                    created=datetime(2026, month, 1),
                    entries=entries,
                    head_hash=f"{n}" * 64,
                    received_at=datetime(2026, month, 2),
                )
            )
    engine.dispose()
    code, stdout, err = cli("ars", "anchors", "--db-url", url, "--json")
    assert code == 0, err
    rows = json.loads(stdout)
    assert [(r["finess"], r["entries"]) for r in rows] == [("750000001", 25), ("970000001", 7)]


def test_a_package_signed_with_the_ars_key_installs_once_trusted_with_trust_ars(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    code, out, err = cli(
        "ars", "keys", "generate", "--out", str(tmp_path / "k"), "--passphrase-env", "ARS_PASS",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    made = json.loads(out)
    table = Path(__file__).parents[2] / "resources" / "uo" / "uo-pharma.json"
    package = tmp_path / "paquet.zip"
    code, _, err = cli(
        "ars", "package", "--out", str(package), "--uo-table", str(table),
        "--key", str(tmp_path / "k" / "ars.key.pem"), "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = cli("library", "import", str(package), "--yes")
    assert code == 2 and "no ARS key is trusted" in err
    code, _, err = cli("keys", "trust-ars", made["public_path"])
    assert code == 0, err
    code, _, err = cli("library", "import", str(package), "--yes")
    assert code == 0, err
    code, stdout, _ = cli("library", "list", "--json")
    assert [(r["kind"], r["id"]) for r in json.loads(stdout)] == [("uo_table", "uo-pharma")]
