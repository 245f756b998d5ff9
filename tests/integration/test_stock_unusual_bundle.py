"""Stock values confirmed as unusual travel into the bundle with their justification (issue
12, "Plausibility, not only validity"): an imported quantity (file and line) and a typed unit
price, in the stock document and as justified checks; the personal-data guard reads these
texts; the ARS stores them and shows them in its report."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bundle_support import PASSPHRASE
from integration_support import make_input
from openpyxl import load_workbook

from hospiperf_desktop.ars.reports import write_report_workbook
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles import service as bundle_service
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.bundles.personal_data import PersonalDataFound
from hospiperf_desktop.bundles.service import BundleWouldBeRefused
from hospiperf_desktop.services import Services
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions
from hospiperf_desktop.storage.models import BundleExportRecord

WHY = "Gants comptés à l'unité lors de l'inventaire annuel"
BODY = "1841276451089"
NIR = f"{BODY}{97 - int(BODY) % 97:02d}"
GLOVES = "3400930000080"


@pytest.fixture
def est(services: Services) -> int:
    return services.establishments.add(make_input(7, beds=150)).id


def _import(
    services: Services,
    est: int,
    folder: Path,
    why: str,
    rows: str = f"3400930000011;Paracétamol;Pharmacie;1 200;0,05\n"
    f"{GLOVES};Gants nitrile;Pharmacie;2 000 000;0,001\n",
) -> None:
    path = folder / "inventaire.csv"
    path.write_text(
        "Code;Désignation;Emplacement;Quantité;Prix unitaire\n" + rows, encoding="utf-8"
    )
    imports = services.stock.imports
    mapping = imports.preview(path, ImportKind.SNAPSHOT).mapping
    options = ImportOptions(snapshot_date=date(2026, 3, 31), confirm_unusual=why)
    imports.run(est, path, mapping, options)


def _signed(services: Services, est: int, out: Path) -> dict[str, bytes]:
    services.bundles.generate_key(est, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(est, years=(2026,)))
    services.bundles.sign_and_write(prepared, PASSPHRASE, out)
    with zipfile.ZipFile(out) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_the_bundle_carries_confirmed_stock_values_with_their_justification(
    services: Services, est: int, tmp_path: Path
) -> None:
    _import(services, est, tmp_path, WHY)
    gloves = services.stock.catalog.product_by_code(est, GLOVES)
    services.stock.catalog.update_product(gloves.id, unit_price=5_000_000.0, justification="Robot")

    files = _signed(services, est, tmp_path / "paquet.zip")
    stock = json.loads(files["data/stock/indicators.json"])
    imported, typed = stock["unusual_values"]
    assert imported | {"confirmed_at": None} == {
        "product_code": GLOVES, "field": "quantity", "value": 2_000_000.0,
        "low": 0.0, "high": 1_000_000.0, "justification": WHY, "origin": "import",
        "file": "inventaire.csv", "line": 3, "column": "D (Quantité)", "day": "2026-03-31",
        "confirmed_at": None,
    }  # fmt: skip
    assert imported["confirmed_at"].startswith(str(date.today().year))
    assert (typed["product_code"], typed["field"], typed["value"]) == (GLOVES, "unit_price", 5e6)
    assert (typed["origin"], typed["file"], typed["justification"]) == ("typed", None, "Robot")

    checks = json.loads(files["data/checks.json"])["results"]
    shown = {c["id"]: c for c in checks if c["id"].startswith("stock:")}
    assert shown["stock:unusual:0"]["status"] == "justified"
    assert shown["stock:unusual:0"]["justified_when"] == "entry"
    assert shown["stock:unusual:0"]["justification"] == WHY
    assert shown["stock:unusual:0"]["message"].replace("\xa0", " ") == (
        f"Stock, produit {GLOVES} : quantité 2 000 000, hors de la plage plausible 0 à"
        " 1 000 000 (inventaire.csv, ligne 3)"
    )
    assert shown["stock:unusual:1"]["message"].endswith("(saisi)")


def test_a_year_outside_the_selection_carries_no_stock_justification(
    services: Services, est: int, tmp_path: Path
) -> None:
    _import(services, est, tmp_path, WHY)
    services.bundles.generate_key(est, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(est, years=(2025,)))
    stock = next(f for f in prepared.files if f.path == "data/stock/indicators.json")
    assert "unusual_values" not in json.loads(stock.content)


def test_a_typed_price_corrected_since_is_no_longer_sent(
    services: Services, est: int, tmp_path: Path
) -> None:
    _import(services, est, tmp_path, WHY)
    catalog = services.stock.catalog
    gloves = catalog.product_by_code(est, GLOVES)
    catalog.update_product(gloves.id, unit_price=5_000_000.0, justification="Robot")
    catalog.update_product(gloves.id, unit_price=0.05)
    catalog.update_product(gloves.id, category="dms")
    found = services.stock.unusual.confirmed(est, (2026,))
    assert [(v.origin, v.field) for v in found] == [("import", "quantity")]


def test_a_nir_in_a_stock_justification_blocks_the_export(
    services: Services, est: int, tmp_path: Path
) -> None:
    _import(services, est, tmp_path, f"Dotation du patient {NIR}")
    services.bundles.generate_key(est, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(est, years=(2026,)))
    target = tmp_path / "bloque.zip"
    with pytest.raises(PersonalDataFound) as found:
        services.bundles.sign_and_write(prepared, PASSPHRASE, target)
    fields = {f.field for f in found.value.findings if f.kind == "nir"}
    assert "data/stock/indicators.json$.unusual_values[0].justification" in fields
    assert not target.exists()


def test_a_confirmed_value_past_the_bundle_format_bound_is_refused_before_signing(
    services: Services, est: int, tmp_path: Path
) -> None:
    """The desktop accepts a confirmed quantity up to 10^15; the bundle format (and so the
    ARS) bounds amounts at 10^12. Such a bundle is refused before signing, naming the
    document and the place, instead of being signed, sent and refused at the ARS."""
    _import(services, est, tmp_path, WHY, f"{GLOVES};Gants;Pharmacie;2 000 000 000 000;0,000001\n")
    services.bundles.generate_key(est, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(est, years=(2026,)))
    target = tmp_path / "paquet.zip"

    with pytest.raises(BundleWouldBeRefused) as refused:
        services.bundles.sign_and_write(prepared, PASSPHRASE, target)

    messages = [message for _reason, message in refused.value.failures]
    assert messages == [
        "data/stock/indicators.json: at /unusual_values/0/value: 2000000000000.0 is past the"
        " limit 1000000000000.0"
    ]
    assert "nothing was signed" in str(refused.value)
    assert not target.exists() and list(tmp_path.glob("*.zip")) == []
    with services.database.read() as session:
        assert session.query(BundleExportRecord).count() == 0


def test_the_ars_stores_and_reports_the_stock_justifications(
    services: Services,
    est: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    consolidation_url: str,
) -> None:
    monkeypatch.setattr(bundle_service, "datetime", _Clock)
    _Clock.moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    _import(services, est, tmp_path, WHY)
    _signed(services, est, tmp_path / "paquet.zip")
    finess = services.establishments.get(est).finess
    consolidation = Consolidation(consolidation_url, "ARS test")
    try:
        consolidation.trust([services.bundles.keys.public_key(finess)])
        (outcome,) = consolidation.import_bundles([tmp_path / "paquet.zip"])
        assert outcome.status == "imported", outcome
        report = consolidation.report()
        write_report_workbook(report, tmp_path / "vues.xlsx")

        # The import is deleted and a newer bundle sent: its stock module replaces the rows.
        [record] = services.stock.imports.imports(est)
        services.stock.imports.delete_import(record.id)
        _Clock.moment = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
        prepared = services.bundles.prepare(Selection(est, years=(2026,)))
        services.bundles.sign_and_write(prepared, PASSPHRASE, tmp_path / "nouveau.zip")
        (newer,) = consolidation.import_bundles([tmp_path / "nouveau.zip"])
        assert newer.status == "imported", newer
        assert consolidation.report()["stock_unusual"] == []
    finally:
        consolidation.close()
    [row] = report["stock_unusual"]
    assert (row["finess"], row["product_code"], row["field"]) == (finess, GLOVES, "quantity")
    assert (row["value"], row["high"], row["justification"]) == (2e6, 1e6, WHY)
    assert (row["file"], row["line"], row["day"]) == ("inventaire.csv", 3, "2026-03-31")
    justified = [c for c in report["checks"] if c["check"] == "stock:unusual:0"]
    assert [c["justification"] for c in justified] == [WHY]
    sheet = load_workbook(tmp_path / "vues.xlsx")["Stock inhabituel justifié"]
    assert WHY in [cell.value for cell in sheet[2]]


class _Clock:
    """Stands in for datetime in the bundle service, to date bundles at will."""

    moment = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        return cls.moment
