"""The ARS's revocation list (docs/reference-packages.md): packaged with `ars package
--revocations`, installed with `library import`, then enforced: a revoked establishment key
signs nothing (exit 2, no file, no export recorded) until a new key is made; packages and
receipts signed by a revoked ARS key are refused; a malformed, hostile or forged list
installs nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from integration_support import Cli, raw_rows
from test_reference_packages import item, make_package, trust

from hospiperf_desktop.bundles.authority import (
    generate_ars_keys,
    open_ars_signer,
    trust_ars_key,
)
from hospiperf_desktop.bundles.payload import validate
from hospiperf_desktop.library.package import PackageRejected
from hospiperf_desktop.library.revocations import revoked_keys
from hospiperf_desktop.receipts.service import ReceiptsRefused, check_receipts
from hospiperf_desktop.services import Services

FINESS = "750712184"
PASS = "phrase de passe de test"
ARS_PASS = "phrase de passe ARS"


@pytest.fixture
def desktop(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An establishment with a key, trusting a freshly made ARS key; returns the ARS folder."""
    monkeypatch.setenv("PP", PASS)
    monkeypatch.setenv("AP", ARS_PASS)
    ars = tmp_path / "ars"
    for args in (
        ("establishment", "add", "--finess", FINESS, "--name", "CH test", "--kind", "ch"),
        ("keys", "generate", "--establishment", FINESS, "--passphrase-env", "PP"),
        ("ars", "keys", "generate", "--out", str(ars), "--passphrase-env", "AP"),
        ("keys", "trust-ars", str(ars / "ars.pub.json")),
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    return ars


def _fingerprint(cli: Cli) -> str:
    code, out, err = cli("keys", "show", "--establishment", FINESS, "--json")
    assert code == 0, err
    return str(json.loads(out)["fingerprint"])


def _entry(fingerprint: str, **who: str) -> dict[str, str]:
    return {
        **(who or {"finess": FINESS}),
        "fingerprint": fingerprint,
        "revoked_on": "2026-12-05",
        "reason": "ordinateur perdu",
    }


def _list(entries: list[dict[str, str]]) -> dict[str, object]:
    return {"format": "hospiperf-revocations/1", "created": "2026-12-05", "revoked": entries}


def _package(cli: Cli, ars: Path, folder: Path, document: object, name: str = "rev") -> Path:
    source = folder / f"{name}.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = folder / f"{name}.zip"
    code, _, err = cli(
        "ars", "package", "--out", str(out), "--revocations", str(source),
        "--key", str(ars / "ars.key.pem"), "--passphrase-env", "AP",
    )  # fmt: skip
    assert code == 0, err
    return out


def _export(cli: Cli, out: Path) -> tuple[int, str, str]:
    return cli(
        "bundle", "export", "--establishment", FINESS, "--out", str(out),
        "--modules", "diagnostics", "--passphrase-env", "PP",
    )  # fmt: skip


def test_a_revoked_key_signs_nothing_and_a_new_key_then_signs(
    cli: Cli, db: Path, desktop: Path, tmp_path: Path
) -> None:
    revoked = _package(cli, desktop, tmp_path, _list([_entry(_fingerprint(cli))]))
    code, _, err = cli("library", "import", str(revoked), "--yes")
    assert code == 0, err

    out = tmp_path / "lot.zip"
    code, stdout, err = _export(cli, out)
    assert code == 2 and "was revoked by the ARS on 2026-12-05" in err
    assert "keys generate --establishment 750712184 --replace" in err
    assert "Traceback" not in err and not stdout
    assert not out.exists() and list(tmp_path.glob("lot.zip*")) == []
    assert raw_rows(db, "SELECT count(*) FROM bundle_exports") == [(0,)]

    code, _, err = cli(
        "keys", "generate", "--establishment", FINESS, "--passphrase-env", "PP", "--replace"
    )
    assert code == 0, err
    code, _, err = _export(cli, out)
    assert code == 0, err
    assert out.exists() and raw_rows(db, "SELECT count(*) FROM bundle_exports") == [(1,)]


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"fingerprint": "a" * 64, "revoked_on": "2026-12-05", "reason": "x"}, "/revoked/0"),
        (
            {"finess": FINESS, "authority": "ARS", "fingerprint": "a" * 64,
             "revoked_on": "2026-12-05", "reason": "x"},
            "/revoked/0",
        ),
        ({"finess": FINESS, "fingerprint": "A" * 64, "revoked_on": "2026-12-05", "reason": "x"},
         "/revoked/0/fingerprint"),
        ({"finess": FINESS, "fingerprint": "a" * 64, "revoked_on": "2026-13-45", "reason": "x"},
         "/revoked/0/revoked_on"),
        ({"finess": FINESS, "fingerprint": "a" * 64, "revoked_on": "2026-12-05", "reason": "x",
          "comment": "?"}, "/revoked/0"),
    ],
    ids=["nobody", "both", "upper-case", "bad-date", "extra-field"],
)  # fmt: skip
def test_a_malformed_list_is_refused_and_installs_nothing(
    cli: Cli, desktop: Path, tmp_path: Path, entry: dict[str, str], where: str
) -> None:
    package = _package(cli, desktop, tmp_path, _list([entry]))
    code, out, err = cli("library", "import", str(package), "--yes")
    assert code == 2 and f"at {where}" in err and "Traceback" not in err and not out
    assert json.loads(cli("library", "list", "--json")[1]) == []
    code, _, err = _export(cli, tmp_path / "lot.zip")
    assert code == 0, err  # the key still signs


def test_a_hostile_list_installs_nothing_and_revokes_nothing(
    cli: Cli, desktop: Path, tmp_path: Path
) -> None:
    mine = _fingerprint(cli)
    control = _entry(mine) | {"reason": "perdu\x07"}
    hostile = [
        _package(cli, desktop, tmp_path, _list([control]), "controle"),
        _package(cli, desktop, tmp_path, [_entry(mine)], "tableau"),
    ]
    generate_ars_keys(tmp_path / "faux", ARS_PASS, "ARS imitée")
    hostile.append(_package(cli, tmp_path / "faux", tmp_path, _list([_entry(mine)]), "imite"))
    for package, reason in zip(
        hostile,
        ("a text holds", "should be object", "not signed by the trusted ARS key"),
        strict=True,
    ):
        code, out, err = cli("library", "import", str(package), "--yes")
        assert code == 2 and reason in err and "Traceback" not in err and not out, err
    assert json.loads(cli("library", "list", "--json")[1]) == []
    code, _, err = _export(cli, tmp_path / "lot.zip")
    assert code == 0, err


def test_what_a_revoked_ars_key_signed_is_refused(services: Services, tmp_path: Path) -> None:
    generate_ars_keys(tmp_path / "ars", ARS_PASS, "ARS test")
    signer = open_ars_signer(tmp_path / "ars", ARS_PASS)
    trust_ars_key(services, signer.public)
    other = open_ars_signer(
        generate_ars_keys(tmp_path / "autre", ARS_PASS).private_path.parent, ARS_PASS
    )
    trust(services, other.private)  # a second trusted key publishes the revocation
    entry = _entry(signer.public.fingerprint, authority="ARS test")
    content = json.dumps(_list([entry])).encode()
    listing = make_package(
        tmp_path / "rev.zip", other.private, [item("revocations", "revocations", "r", "1", content)]
    )
    services.library.install(listing)
    assert services.library.revoked().find(signer.public.fingerprint).authority == "ARS test"

    later = make_package(
        tmp_path / "plus-tard.zip",
        signer.private,
        [item("revocations", "revocations", "r", "2", json.dumps(_list([])).encode())],
    )
    with pytest.raises(PackageRejected) as refused:
        services.library.install(later)
    assert refused.value.reason == "revoked_signer"
    assert [i.version for i in services.library.installed()] == ["1"]

    receipt = tmp_path / "accuse.json"
    receipt.write_text("{}")
    with pytest.raises(ReceiptsRefused) as receipts:
        check_receipts(services, [receipt])
    assert [p[:2] for p in receipts.value.problems] == [("accuse.json", "revoked_ars_key")]


def test_the_documented_example_list_is_a_valid_one() -> None:
    doc = Path(__file__).parents[2] / "docs" / "reference-packages.md"
    (block,) = re.findall(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
    document = json.loads(block)
    validate("example", "revocations", document)
    keys = revoked_keys([document]).keys
    assert [(k.finess, k.authority) for k in keys] == [
        ("750712184", None),
        (None, "ARS Île-de-France"),
    ]


def test_the_ars_import_refuses_a_bundle_signed_by_a_key_on_its_list(
    cli: Cli, db: Path, desktop: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "lot.zip"
    code, _, err = _export(cli, bundle)
    assert code == 0, err
    public = db.parent / "keys" / f"{FINESS}.pub.json"
    listing = tmp_path / "liste.json"
    listing.write_text(json.dumps(_list([_entry(_fingerprint(cli))])), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"

    def ars_import(*extra: str) -> tuple[int, str, str]:
        return cli(
            "ars", "import", str(bundle), "--db-url", url, "--trusted-keys", str(public), *extra
        )

    code, out, err = ars_import("--revocations", str(listing))
    assert code == 1 and "REFUSED (revoked_key)" in out and "0 imported, 1 refused" in out, err
    broken = tmp_path / "cassee.json"
    broken.write_text(json.dumps(_list([{"fingerprint": "x"}])), encoding="utf-8")
    code, out, err = ars_import("--revocations", str(broken))
    assert code == 2 and "cassee.json" in err and "Traceback" not in err and not out
    code, out, err = ars_import()
    assert code == 0 and "1 imported, 0 refused" in out, err
