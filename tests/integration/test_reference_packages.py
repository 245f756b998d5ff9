"""Reference packages: verified against the trusted ARS key, installed all or nothing,
every version pinned."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import make_input
from test_questionnaire_library import questionnaire

from hospiperf_desktop.bundles.authority import ArsPublicKey
from hospiperf_desktop.bundles.bag import sha256
from hospiperf_desktop.diagnostics.records import AnswerCode
from hospiperf_desktop.library.package import PackageItem, PackageRejected, write_package
from hospiperf_desktop.services import Services


def _raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def trust(services: Services, private: Ed25519PrivateKey) -> None:
    folder = services.database.path.parent / "keys"
    folder.mkdir(exist_ok=True)
    (folder / "ars-test.pub.json").write_text(ArsPublicKey("ARS test", _raw(private)).to_json())


def uo_table(version: str, coefficient: float) -> bytes:
    data = {
        "format": 1,
        "id": "uo-sterilisation-ars",
        "version": version,
        "title": "Coefficients régionaux de stérilisation",
        "status": "regional",
        "groups": [{"id": "ste", "label": "Stérilisation"}],
        "items": [
            {
                "id": "C1",
                "label": "Boîte standard",
                "group": "ste",
                "measure": "boites_sterilisees",
                "coefficient": coefficient,
            }
        ],
    }
    return json.dumps(data).encode()


def item(kind: str, folder: str, item_id: str, version: str, content: bytes) -> PackageItem:
    return PackageItem(
        kind,
        f"data/{folder}/{item_id}-{version}.json",
        item_id,
        version,
        "t",
        sha256(content),
        content,
    )


def make_package(out: Path, private: Ed25519PrivateKey, items: list[PackageItem]) -> Path:
    write_package(
        out,
        items,
        kind="reference",
        publisher="ARS test",
        signer_fingerprint=ArsPublicKey("ARS test", _raw(private)).fingerprint,
        sign=private.sign,
        created=datetime(2026, 5, 1, tzinfo=UTC),
        software_version="test",
    )
    return out


def test_a_new_questionnaire_version_and_uo_table_install_and_old_diagnostics_keep_theirs(
    diag_services: Services,
    tmp_path: Path,
) -> None:
    services = diag_services
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    first = make_package(
        tmp_path / "p1.zip",
        ars,
        [
            item("questionnaire", "questionnaires", "audit-armoires", "1.0", questionnaire("1.0")),
            item("uo_table", "uo", "uo-sterilisation-ars", "1.0", uo_table("1.0", 1.0)),
        ],
    )
    preview = services.library.install(first)
    assert [c.action for c in preview.changes] == ["add", "add"]
    establishment = services.establishments.add(make_input())
    old = services.diagnostics.create("audit-armoires", establishment.id, "2026")
    services.diagnostics.answer(old.id, "A.01", AnswerCode.YES)
    before = services.diagnostics.score(old.id)

    second = make_package(
        tmp_path / "p2.zip",
        ars,
        [
            item(
                "questionnaire",
                "questionnaires",
                "audit-armoires",
                "2.0",
                questionnaire("2.0", text="Une question nouvelle sur les armoires."),
            ),
            item("uo_table", "uo", "uo-sterilisation-ars", "2.0", uo_table("2.0", 1.5)),
        ],
    )
    preview = services.library.preview(second)
    assert [(c.action, c.replaces) for c in preview.changes] == [
        ("replace", "1.0"),
        ("replace", "1.0"),
    ]
    services.library.install(second)
    assert services.diagnostics.get(old.id).summary.template_version == "1.0"
    assert services.diagnostics.score(old.id) == before
    new = services.diagnostics.create("audit-armoires", establishment.id, "2027")
    assert services.diagnostics.get(new.id).summary.template_version == "2.0"
    assert [t.version for t in services.library.uo_tables()] == ["2.0"]
    pinned = services.library.uo_table_version("uo-sterilisation-ars", "1.0")
    assert pinned is not None and pinned.items[0].coefficient == 1.0
    listed = {(i.id, i.version): i.current for i in services.library.installed()}
    assert listed[("uo-sterilisation-ars", "1.0")] is False
    assert listed[("uo-sterilisation-ars", "2.0")] is True


def test_a_package_signed_by_another_key_is_refused_and_installs_nothing(
    diag_services: Services,
    tmp_path: Path,
) -> None:
    services = diag_services
    trust(services, Ed25519PrivateKey.generate())
    other = make_package(
        tmp_path / "other.zip",
        Ed25519PrivateKey.generate(),
        [item("questionnaire", "questionnaires", "audit-armoires", "1.0", questionnaire("1.0"))],
    )
    with pytest.raises(PackageRejected) as refused:
        services.library.install(other)
    assert refused.value.reason == "unknown_signer"
    assert services.library.installed() == []
    assert services.questionnaires.get("audit-armoires") is None
