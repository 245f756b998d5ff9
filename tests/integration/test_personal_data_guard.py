"""The personal-data guard at both ends: a payload text holding a valid NIR stops the signing
(nothing written) and the same text with its key altered by one digit does not; the ARS import
refuses a correctly signed bundle carrying such a text, and stores nothing of it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from bundle_support import make_bundle, resign

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.bag import PayloadFile
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.bundles.personal_data import PersonalDataFound
from hospiperf_desktop.services import Services

PASSPHRASE = "phrase de passe de test"
BODY = "1841276451089"
NIR = f"{BODY}{97 - int(BODY) % 97:02d}"
ALTERED = f"{BODY}{(97 - int(BODY) % 97 + 1) % 100:02d}"


def _with_comment(services: Services, text: str):
    establishment = services.establishments.list()[0]
    prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
    extra = PayloadFile("data/comments.json", json.dumps({"comment": text}).encode("utf-8"))
    return dataclasses.replace(prepared, files=(*prepared.files, extra))


def test_a_valid_nir_blocks_signing_and_an_altered_key_does_not(
    services: Services, tmp_path: Path
) -> None:
    make_bundle(services, tmp_path / "first.zip")
    target = tmp_path / "blocked.zip"
    with pytest.raises(PersonalDataFound) as found:
        services.bundles.sign_and_write(
            _with_comment(services, f"appel du patient {NIR}"), PASSPHRASE, target
        )
    assert [f.field for f in found.value.findings] == ["data/comments.json$.comment"]
    assert not target.exists()
    services.bundles.sign_and_write(
        _with_comment(services, f"numero de lot {ALTERED}"), PASSPHRASE, target
    )
    assert target.exists()


def test_the_ars_refuses_a_signed_bundle_with_a_nir(services: Services, tmp_path: Path) -> None:
    source = make_bundle(services, tmp_path / "ok.zip")
    finess = services.establishments.list()[0].finess

    def add_nir(data: dict[str, bytes]) -> dict[str, bytes]:
        name = next(n for n in data if n.endswith("establishment.json"))
        document = json.loads(data[name])
        document["name"] = f"Hopital {NIR[:7]} {NIR[7:]}"
        return {**data, name: json.dumps(document).encode("utf-8")}

    bad = resign(services, source, tmp_path / "bad.zip", payload=add_nir)
    consolidation = Consolidation(str(tmp_path / "ars.sqlite"), "test")
    try:
        consolidation.trust([services.bundles.keys.public_key(finess)])
        outcomes = consolidation.import_bundles([bad])
        assert outcomes[0].status == "refused" and outcomes[0].reason == "personal_data"
        assert "establishment.json$.name" in outcomes[0].message
        assert consolidation.report()["bundles"] == []
    finally:
        consolidation.close()


@pytest.mark.parametrize(("suffix", "blocked"), [(NIR, True), (ALTERED, False)])
def test_bundle_export_exits_2_naming_the_field(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, blocked: bool
) -> None:
    finess = "750712184"
    code, _, err = cli(
        "establishment", "add", "--finess", finess, "--name", f"CH {suffix}", "--kind", "ch"
    )
    assert code == 0, err
    monkeypatch.setenv("PP", PASSPHRASE)
    code, _, err = cli("keys", "generate", "--establishment", finess, "--passphrase-env", "PP")
    assert code == 0, err
    out = tmp_path / "paquet.zip"
    code, _, err = cli(
        "bundle",
        "export",
        "--establishment",
        finess,
        "--out",
        str(out),
        "--modules",
        "diagnostics",
        "--passphrase-env",
        "PP",
    )
    if blocked:
        assert code == 2 and not out.exists()
        assert "establishment.json$.name" in err and "nir" in err
    else:
        assert code == 0, err
        assert out.exists()


def _diagnostic(services: Services, comment: str = "", action: str = "") -> str:
    """A validated diagnostic of the first establishment: an item commented, a plan action."""
    from hospiperf_desktop.diagnostics.records import AnswerCode

    establishment = services.establishments.list()[0]
    diagnostic = services.diagnostics.create("interdiag-medicaments-es", establishment.id, "2026")
    item = services.diagnostics.template_for(diagnostic.id).items[0].id
    services.diagnostics.answer(diagnostic.id, item, AnswerCode.NO, comment or None)
    if action:
        services.plans.add(diagnostic.id, item, action)
    services.diagnostics.validate(diagnostic.id)
    return item


@pytest.mark.parametrize(("suffix", "blocked"), [(NIR, True), (ALTERED, False)])
def test_a_nir_in_an_item_comment_printed_in_the_report_blocks_signing(
    services: Services, tmp_path: Path, suffix: str, blocked: bool
) -> None:
    """The comment is only in the bundle's PDF report: the guard reads it at its source."""
    make_bundle(services, tmp_path / "first.zip")
    item = _diagnostic(services, comment=f"vu avec le patient {suffix} ce matin")
    establishment = services.establishments.list()[0]
    prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
    assert any(f.path.endswith("-rapport.pdf") for f in prepared.files)
    target = tmp_path / "paquet.zip"
    if not blocked:
        services.bundles.sign_and_write(prepared, PASSPHRASE, target)
        assert target.exists()
        return
    with pytest.raises(PersonalDataFound) as found:
        services.bundles.sign_and_write(prepared, PASSPHRASE, target)
    [finding] = found.value.findings
    assert finding.field.endswith(f"item {item}, commentaire") and finding.kind == "nir"
    assert not target.exists()


def test_a_named_patient_in_a_plan_action_blocks_signing_and_the_ars_refuses_it(
    services: Services, tmp_path: Path
) -> None:
    """The plan travels as CSV: both ends read its cells."""
    source = make_bundle(services, tmp_path / "first.zip")
    _diagnostic(services, action="Rappeler Mme Dupont pour son traitement")
    establishment = services.establishments.list()[0]
    prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
    with pytest.raises(PersonalDataFound) as found:
        services.bundles.sign_and_write(prepared, PASSPHRASE, tmp_path / "paquet.zip")
    [finding] = found.value.findings
    path, _line, column = finding.field.rsplit(":", 2)
    assert path.endswith("-plan.csv") and column == "2"  # the action column, its own line
    assert (finding.kind, finding.excerpt) == ("person", "Mme Dupont")

    def add_plan(data: dict[str, bytes]) -> dict[str, bytes]:
        plan = b"item;action\nA.01;Rappeler Mme Dupont pour son traitement\n"
        return {**data, "data/diagnostics/diagnostic-99-plan.csv": plan}

    bad = resign(services, source, tmp_path / "bad.zip", payload=add_plan)
    consolidation = Consolidation(str(tmp_path / "ars.sqlite"), "test")
    try:
        consolidation.trust([services.bundles.keys.public_key(establishment.finess)])
        [outcome] = consolidation.import_bundles([bad])
        assert outcome.status == "refused" and outcome.reason == "personal_data"
        assert "diagnostic-99-plan.csv:2:2" in outcome.message
    finally:
        consolidation.close()
