"""Checks before signing (issue 16, point 4): the shipped rule pack, or the one a reference
package installed, runs over what is about to leave; warnings are justified by the user, the
results travel signed in data/checks.json, meet the personal-data guard, and the ARS stores
and shows them. A bundle of format 1, made before the checks, still imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_support import PASSPHRASE, entries, make_bundle, resign
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import Cli
from test_reference_packages import item, make_package, trust

from hospiperf_desktop.ars.reports import write_report_workbook
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.bundles.personal_data import PersonalDataFound
from hospiperf_desktop.errors import ValidationError
from hospiperf_desktop.services import Services

BODY = "1841276451089"
NIR = f"{BODY}{97 - int(BODY) % 97:02d}"


def _rules(high: float) -> bytes:
    return json.dumps(
        {
            "format": "hospiperf-rules/1",
            "id": "regles-ars",
            "version": "2027.1",
            "title": "Règles régionales",
            "required_modules": ["activity"],
            "diagnostics_validated": True,
            "activity": {
                "catalog_ranges": True,
                "far_from_previous": True,
                "ranges": {
                    "lignes_cmd_medicaments": {"low": 0, "high": high, "source": "ARS test"}
                },
            },
        }
    ).encode()


def _prepared(services: Services):
    make_bundle(services, services.database.path.parent / "first.zip")
    establishment = services.establishments.list()[0]
    return services.bundles.prepare(Selection(establishment.id, years=(2026,)))


def _checks(path: Path) -> dict:
    return json.loads(entries(path)["data/checks.json"])


def test_the_shipped_rules_warn_of_a_missing_module_and_the_justification_is_signed(
    services: Services, tmp_path: Path
) -> None:
    prepared = _prepared(services)
    by_id = {c.id: c for c in prepared.checks}
    assert by_id["module:diagnostics"].status == "warning"  # no diagnostic at all
    assert "aucune donnée" in by_id["module:diagnostics"].message
    assert by_id["module:activity"].status == "ok"
    assert by_id["activity:2026"].status == "ok"
    assert prepared.rules is not None and prepared.rules.source == "shipped"

    justified = services.bundles.justify(
        prepared, {"module:diagnostics": "  Pas de diagnostic   cette année "}
    )
    out = services.bundles.sign_and_write(justified, PASSPHRASE, tmp_path / "b.zip").path
    document = _checks(out)
    assert document["rules"]["id"] == "controles-avant-envoi"
    assert document["summary"] == {"ok": 2, "warning": 0, "justified": 1}
    result = next(r for r in document["results"] if r["id"] == "module:diagnostics")
    assert result["status"] == "justified"
    assert result["justification"] == "Pas de diagnostic cette année"
    assert result["justified_when"] == "signing"
    summary = json.loads(entries(out)["data/bundle.json"])
    assert summary["format"] == "hospiperf-bundle/2"
    assert "data/checks.json" in [f["path"] for f in summary["files"]]


def test_the_rule_pack_of_a_reference_package_replaces_the_shipped_one(
    services: Services, tmp_path: Path
) -> None:
    private = Ed25519PrivateKey.generate()
    trust(services, private)
    package = make_package(
        tmp_path / "regles.zip",
        private,
        [item("rules", "rules", "regles-ars", "2027.1", _rules(high=500))],
    )
    services.library.install(package)
    prepared = _prepared(services)  # 1001 medicine order lines, above the ARS's 500
    by_id = {c.id: c for c in prepared.checks}
    assert prepared.rules is not None and prepared.rules.version == "2027.1"
    assert "module:diagnostics" not in by_id  # the ARS's pack asks for activity only
    flagged = by_id["activity:2026:lignes_cmd_medicaments"]
    assert flagged.status == "warning" and "500 (ARS test)" in flagged.message


def test_a_rule_pack_that_is_not_one_is_refused_and_installs_nothing(
    services: Services, tmp_path: Path
) -> None:
    from hospiperf_desktop.library.package import PackageRejected

    private = Ed25519PrivateKey.generate()
    trust(services, private)
    broken = json.dumps({"format": "hospiperf-rules/1", "id": "x", "version": "1"}).encode()
    package = make_package(
        tmp_path / "regles.zip", private, [item("rules", "rules", "x", "1", broken)]
    )
    with pytest.raises(PackageRejected, match="rules"):
        services.library.install(package)
    assert services.library.installed() == []


def test_a_justification_holding_a_nir_blocks_the_signing(
    services: Services, tmp_path: Path
) -> None:
    prepared = services.bundles.justify(
        _prepared(services), {"module:diagnostics": f"voir le dossier {NIR}"}
    )
    target = tmp_path / "blocked.zip"
    with pytest.raises(PersonalDataFound) as found:
        services.bundles.sign_and_write(prepared, PASSPHRASE, target)
    assert found.value.findings[0].field.startswith("data/checks.json$.results[")
    assert found.value.findings[0].field.endswith(".justification")
    assert not target.exists()


def test_only_a_warning_can_be_justified(services: Services) -> None:
    prepared = _prepared(services)
    with pytest.raises(ValidationError) as refused:
        services.bundles.justify(prepared, {"module:activity": "x", "nope": "y"})
    assert [(i.field, i.code) for i in refused.value.issues] == [
        ("module:activity", "nothing_to_justify"),
        ("nope", "unknown_check"),
    ]


def test_the_ars_stores_the_checks_and_its_report_shows_them(
    services: Services, tmp_path: Path
) -> None:
    prepared = services.bundles.justify(
        _prepared(services), {"module:diagnostics": "Diagnostic prevu en 2027"}
    )
    bundle = services.bundles.sign_and_write(prepared, PASSPHRASE, tmp_path / "b.zip").path
    finess = prepared.finess
    consolidation = Consolidation(str(tmp_path / "ars.sqlite"), "test")
    try:
        consolidation.trust([services.bundles.keys.public_key(finess)])
        (outcome,) = consolidation.import_bundles([bundle])
        assert outcome.status == "imported", outcome.message
        report = consolidation.report()
    finally:
        consolidation.close()
    rows = {r["check"]: r for r in report["checks"]}
    assert rows["module:diagnostics"]["status"] == "justified"
    assert rows["module:diagnostics"]["justification"] == "Diagnostic prevu en 2027"
    assert rows["module:activity"]["status"] == "ok"
    assert rows["module:activity"]["rules"] == "controles-avant-envoi 2026.1"
    from openpyxl import load_workbook

    write_report_workbook(report, tmp_path / "rapport.xlsx")
    sheet = load_workbook(tmp_path / "rapport.xlsx")["Contrôles avant envoi"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Diagnostic prevu en 2027" in values


def test_a_format_1_bundle_without_checks_still_imports_and_a_format_2_one_needs_them(
    services: Services, tmp_path: Path
) -> None:
    source = make_bundle(services, tmp_path / "b.zip")
    finess = services.establishments.list()[0].finess

    def as_format_1(data: dict[str, bytes]) -> dict[str, bytes]:
        summary = json.loads(data["data/bundle.json"])
        summary["format"] = "hospiperf-bundle/1"
        summary["files"] = [f for f in summary["files"] if f["path"] != "data/checks.json"]
        data = {n: c for n, c in data.items() if n != "data/checks.json"}
        return {**data, "data/bundle.json": json.dumps(summary).encode()}

    def without_checks(data: dict[str, bytes]) -> dict[str, bytes]:
        return {n: c for n, c in data.items() if n != "data/checks.json"}

    old = resign(services, source, tmp_path / "old.zip", payload=as_format_1)
    bad = resign(services, source, tmp_path / "bad.zip", payload=without_checks)
    consolidation = Consolidation(str(tmp_path / "ars.sqlite"), "test")
    try:
        consolidation.trust([services.bundles.keys.public_key(finess)])
        (refused,) = consolidation.import_bundles([bad])
        assert refused.status == "refused" and refused.reason == "bad_payload"
        assert "data/checks.json: missing" in refused.message
        (imported,) = consolidation.import_bundles([old])
        assert imported.status == "imported", imported.message
        assert consolidation.report()["checks"] == []
    finally:
        consolidation.close()


def _cli_bundle(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    finess = "750712184"
    code, _, err = cli(
        "establishment", "add", "--finess", finess, "--name", "CH Test", "--kind", "ch"
    )
    assert code == 0, err
    monkeypatch.setenv("PASS", PASSPHRASE)
    code, _, err = cli("keys", "generate", "--establishment", finess, "--passphrase-env", "PASS")
    assert code == 0, err
    return finess


def test_bundle_export_lists_the_checks_and_signs_the_justifications(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finess = _cli_bundle(cli, monkeypatch)
    base = ("bundle", "export", "--establishment", finess, "--modules", "diagnostics")
    code, stdout, err = cli(*base, "--out", str(tmp_path / "x.zip"), "--list", "--json")
    assert code == 0, err
    listed = {c["id"]: c["status"] for c in json.loads(stdout)["checks"]}
    assert listed == {"module:diagnostics": "warning", "module:activity": "warning"}

    texts = tmp_path / "justifications.json"
    texts.write_text(json.dumps({"module:activity": "Activite envoyee en mars"}))
    out = tmp_path / "b.zip"
    code, stdout, err = cli(
        *base, "--out", str(out), "--passphrase-env", "PASS",
        "--justify", "module:diagnostics=Premier diagnostic en cours",
        "--justifications", str(texts),
    )  # fmt: skip
    assert code == 0, err
    assert "justifié  module:diagnostics" in stdout
    results = {r["id"]: r for r in _checks(out)["results"]}
    assert results["module:diagnostics"]["justification"] == "Premier diagnostic en cours"
    assert results["module:activity"]["justification"] == "Activite envoyee en mars"

    code, _, err = cli(
        *base, "--out", str(tmp_path / "c.zip"), "--passphrase-env", "PASS",
        "--justify", "module:stock=inutile",
    )  # fmt: skip
    assert code == 2 and "module:stock: no such check" in err
    assert not (tmp_path / "c.zip").exists()


def test_a_stored_rules_item_that_is_not_a_rule_pack_gives_way_to_the_shipped_one(
    services: Services, tmp_path: Path
) -> None:
    """Packages installed before rule packs were checked could hold anything."""
    from integration_support import tamper

    private = Ed25519PrivateKey.generate()
    trust(services, private)
    package = make_package(
        tmp_path / "regles.zip", private, [item("rules", "rules", "regles-ars", "1", _rules(9))]
    )
    services.library.install(package)
    assert services.library.rule_pack().source == "package"
    tamper(
        services.database.path,
        "UPDATE reference_items SET content = X'7b7d' WHERE kind = 'rules'",  # {}
    )
    assert services.library.rule_pack().source == "shipped"
