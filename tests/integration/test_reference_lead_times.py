"""Lead-time profiles from reference packages: checked against their schema at install (a
malformed one refuses the whole package), then used by the stock module between the shipped
profiles and a supplier's own days, which still win."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integration_support import Cli
from test_cli_library import ars_key
from test_cli_library import trust as cli_trust
from test_reference_packages import item, make_package, trust, uo_table
from test_stock_analysis import establishment_id  # noqa: F401

from hospiperf_desktop.library.package import PackageRejected
from hospiperf_desktop.services import Services, open_services
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions, OnOverlap


def lead_times(version: str, mean: float, **changes: Any) -> dict[str, Any]:
    return {
        "format": "hospiperf-lead-times/1",
        "id": "delais-region",
        "version": version,
        "title": "Délais régionaux",
        "source": "Enquête régionale des PUI",
        "profiles": [
            {
                "id": "manufacturer_mainland",
                "label": "Laboratoire, métropole (route), relevé régional",
                "mean_days": mean,
                "sd_days": 3,
            },
            {"id": "ght_shuttle", "label": "Navette du GHT", "mean_days": 0.5, "sd_days": 0.2},
        ],
        **changes,
    }


def package(tmp_path: Path, ars: Ed25519PrivateKey, name: str, document: Any) -> Path:
    content = json.dumps(document).encode()
    version = str(document.get("version", "1")) if isinstance(document, dict) else "1"
    return make_package(
        tmp_path / name,
        ars,
        [
            item("uo_table", "uo", "uo-sterilisation-ars", "1.0", uo_table("1.0", 1.0)),
            item("lead_times", "lead_times", "delais-region", version, content),
        ],
    )


def supplier_of_a(services: Services, establishment_id: int, tmp_path: Path) -> int:  # noqa: F811
    receipt = tmp_path / "reception.csv"
    receipt.write_text("Date;Code;Entrée;PU;Fournisseur\n03/09/2025;A;10;2;Labo Route\n")
    imports = services.stock.imports
    imports.run(
        establishment_id,
        receipt,
        imports.preview(receipt, ImportKind.MOVEMENTS).mapping,
        ImportOptions(on_overlap=OnOverlap.APPEND),
    )
    (supplier,) = services.stock.catalog.suppliers(establishment_id)
    assert (supplier.lead_time_profile, supplier.lead_time_days) == ("manufacturer_mainland", 5)
    return supplier.id


def lead_days_of_a(services: Services, establishment_id: int) -> float:  # noqa: F811
    lines = services.stock.analysis.reorder(establishment_id).lines
    return next(line.lead_days for line in lines if line.code == "A")


def test_ars_profiles_replace_the_shipped_ones_and_a_suppliers_own_days_still_win(
    services: Services,
    establishment_id: int,  # noqa: F811
    tmp_path: Path,
) -> None:
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    supplier_id = supplier_of_a(services, establishment_id, tmp_path)
    services.library.install(package(tmp_path, ars, "p1.zip", lead_times("2027.1", 8)))

    (supplier,) = services.stock.catalog.suppliers(establishment_id)
    assert (supplier.lead_time_days, supplier.lead_time_sd_days) == (8, 3)
    assert lead_days_of_a(services, establishment_id) == 8
    profile = services.stock.params.lead_time_profile("manufacturer_mainland")
    assert profile.origin == "ARS test, t 2027.1"
    assert services.stock.params.lead_time_profile("local_wholesaler").origin is None
    assert "From reference packages: ARS test" in services.stock.params.sources["lead_times"]
    shuttle = services.stock.catalog.update_supplier(supplier_id, profile="ght_shuttle")
    assert shuttle.lead_time_days == 0.5

    own = services.stock.catalog.update_supplier(
        supplier_id, profile="manufacturer_mainland", lead_time_days=3
    )
    assert own.overridden and own.lead_time_days == 3
    services.library.install(package(tmp_path, ars, "p2.zip", lead_times("2027.2", 6)))
    assert lead_days_of_a(services, establishment_id) == 3  # the user's own days
    services.stock.catalog.update_supplier(supplier_id, profile="manufacturer_mainland")
    assert lead_days_of_a(services, establishment_id) == 6  # the newer ARS version

    reopened = open_services(services.database.path)
    try:
        assert reopened.stock.params.lead_time_profile("manufacturer_mainland").mean_days == 6
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("document", "why"),
    [
        (lead_times("2027.1", -1), "/profiles/0/mean_days"),
        (lead_times("2027.1", 400), "/profiles/0/mean_days"),
        (lead_times("2027.1", 8, format="hospiperf-lead-times/2"), "/format"),
        (lead_times("2027.1", 8, profiles=[]), "/profiles"),
        (lead_times("2027.1", 8, extra=1), "additionalProperties"),
        (
            lead_times(
                "2027.1",
                8,
                profiles=[{"id": "Mauvais id", "label": "x", "mean_days": 1, "sd_days": 0}],
            ),
            "/profiles/0/id",
        ),
        (
            lead_times(
                "2027.1",
                8,
                profiles=[{"id": "a", "label": "x", "mean_days": 1, "sd_days": 0}] * 2,
            ),
            "listed twice",
        ),
        (["not", "an", "object"], "/"),
    ],
)
def test_a_malformed_lead_times_item_refuses_the_package_and_installs_nothing(
    services: Services, tmp_path: Path, document: Any, why: str
) -> None:
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    with pytest.raises(PackageRejected) as refused:
        services.library.install(package(tmp_path, ars, "bad.zip", document))
    assert refused.value.reason == "bad_item"
    assert why in str(refused.value)
    assert services.library.installed() == []
    assert services.stock.params.lead_time_profile("manufacturer_mainland").mean_days == 5


def test_a_lead_times_item_naming_another_version_than_the_listing_is_refused(
    services: Services, tmp_path: Path
) -> None:
    ars = Ed25519PrivateKey.generate()
    trust(services, ars)
    content = json.dumps(lead_times("2027.1", 8)).encode()
    bad = make_package(
        tmp_path / "p.zip", ars, [item("lead_times", "lead_times", "delais-region", "9", content)]
    )
    with pytest.raises(PackageRejected, match=r"the file is delais-region 2027\.1"):
        services.library.install(bad)
    assert services.library.installed() == []


def test_lead_times_packaged_and_installed_from_the_command_line(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, private = ars_key(tmp_path)
    cli_trust(db, private)
    monkeypatch.setenv("ARS_PASS", "phrase secrete ARS")
    profiles = tmp_path / "delais.json"
    profiles.write_text(json.dumps(lead_times("2027.1", 8)), encoding="utf-8")
    out = tmp_path / "paquet.zip"
    code, _, err = cli(
        "ars", "package", "--out", str(out), "--lead-times", str(profiles), "--key", str(key),
        "--passphrase-env", "ARS_PASS",
    )  # fmt: skip
    assert code == 0, err
    code, stdout, err = cli("library", "import", str(out), "--yes", "--json")
    assert code == 0, err
    assert [(c["kind"], c["id"], c["version"]) for c in json.loads(stdout)["changes"]] == [
        ("lead_times", "delais-region", "2027.1")
    ]
    services = open_services(db)
    try:
        params = services.stock.params
    finally:
        services.close()
    assert params.lead_time_profile("manufacturer_mainland").mean_days == 8
    assert params.lead_time_profile("ght_shuttle").origin == "ARS, Délais régionaux 2027.1"
