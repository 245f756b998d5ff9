"""Demo step of the stock module: a count and seven months of movements for two establishments.

The files are written as a pharmacy software would export them (French headings, `;`,
decimal comma, DD/MM/YYYY) and go through the real importer, so the demo exercises the same
path as a user's file. Products, suppliers and care units come from
`resources/demo/stock.json`; quantities are drawn with a fixed seed.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.progress import Progress
from hospiperf_desktop.stock.catalog import ShortageInput
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions, OnOverlap

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

CATEGORY_LABELS = {
    "medicament": "Médicament",
    "solute": "Soluté",
    "dms": "DMS",
    "dmi": "DMI",
    "magasin_general": "Magasin général",
}


def _data() -> dict[str, Any]:
    text = resource_path("demo", "stock.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _amount(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _files(folder: Path, config: dict[str, Any], data: dict[str, Any]) -> tuple[Path, Path, Path]:
    rng = random.Random(config["seed"])
    count_date = date.fromisoformat(data["count_date"])
    weeks = int(data["history_weeks"])
    start = count_date - timedelta(weeks=weeks)
    units: list[str] = config["care_units"]
    suppliers = list(config["suppliers"])
    scale = float(config["scale"])
    snapshot, deliveries, receipts = [], [], []
    for product in data["products"]:
        code, label, price = product["code"], product["label"], product["price"]
        category = CATEGORY_LABELS[product["category"]]
        weekly = product["weekly"] * scale
        held = product.get("stock", weekly * product["weeks_held"] * rng.uniform(0.8, 1.2))
        expiry = count_date + timedelta(days=rng.choice([60, 150, 300, 450, 600, 720, 900]))
        if rng.random() < 0.08:
            expiry = count_date - timedelta(days=10)
        snapshot.append(
            f"{code};{label};{category};Pharmacie centrale;{round(held)};{_amount(price)};"
            f"L{rng.randrange(10_000, 99_999)};{expiry:%d/%m/%Y}"
        )
        if weekly and product["category"] in ("medicament", "dms", "solute"):
            for unit in units[:2]:
                snapshot.append(
                    f"{code};{label};{category};{unit};{max(1, round(weekly * 1.5 / 4))};"
                    f"{_amount(price)};;"
                )
        if not weekly:
            continue
        supplier = suppliers[product["supplier"] % len(suppliers)]
        for day in range(weeks * 7):
            when = start + timedelta(days=day)
            if when.weekday() >= 5:
                continue
            quantity = max(0, round(rng.gauss(weekly / 5, weekly / 12)))
            if quantity:
                deliveries.append(
                    f"{when:%d/%m/%Y};{code};{label};;{quantity};{_amount(price)};"
                    f"{rng.choice(units)};"
                )
            if day % 14 == 3:
                receipts.append(
                    f"{when:%d/%m/%Y};{code};{label};{round(weekly * 2)};;{_amount(price)};;"
                    f"{supplier}"
                )
                if not product.get("single") and rng.random() < 0.5:
                    other = suppliers[(product["supplier"] + 1) % len(suppliers)]
                    receipts.append(
                        f"{when:%d/%m/%Y};{code};{label};{round(weekly / 4) or 1};;"
                        f"{_amount(price * 1.1)};;{other}"
                    )
    header = "Date;Code UCD;Désignation;Qté entrée;Qté sortie;PU HT;UF destinataire;Fournisseur"
    return (
        _write(
            folder / "inventaire.csv",
            "Code UCD;Désignation;Catégorie;Emplacement;Quantité;PU HT;Lot;Péremption",
            snapshot,
        ),
        _write(folder / "sorties.csv", header, deliveries),
        _write(folder / "receptions.csv", header, receipts),
    )


def add_stock(services: Services, progress: Progress) -> int:
    """Import the demo stock of each configured establishment that has none yet."""
    data = _data()
    imports, catalog = services.stock.imports, services.stock.catalog
    added = 0
    for config in data["establishments"]:
        try:
            establishment = services.establishments.by_finess(config["finess"])
        except NotFoundError:
            continue
        if imports.imports(establishment.id):
            continue
        with tempfile.TemporaryDirectory(prefix="hospiperf-demo-") as folder:
            snapshot, deliveries, receipts = _files(Path(folder), config, data)
            count_date = date.fromisoformat(data["count_date"])
            for path, kind, options in (
                (snapshot, ImportKind.SNAPSHOT, ImportOptions(snapshot_date=count_date)),
                (deliveries, ImportKind.MOVEMENTS, ImportOptions()),
                (receipts, ImportKind.MOVEMENTS, ImportOptions(on_overlap=OnOverlap.APPEND)),
            ):
                progress.check_cancelled()
                mapping = imports.preview(path, kind).mapping
                added += imports.run(establishment.id, path, mapping, options).imported
        profiles = config["suppliers"]
        for supplier in catalog.suppliers(establishment.id):
            catalog.update_supplier(supplier.id, profile=profiles[supplier.name])
        for product in data["products"]:
            record = catalog.product_by_code(establishment.id, product["code"])
            catalog.update_product(
                record.id,
                mitm=product["mitm"],
                has_substitute=not product.get("no_substitute", False),
            )
        shortages = (
            ("9000005", date(2026, 3, 2), date(2026, 4, 20), "Tension d'approvisionnement",
             "Morphine 20 mg/mL diluée", True),
            ("9000010", date(2026, 6, 8), date(2026, 7, 1), "Rupture du fabricant",
             "Adrénaline en attendant", True),
            ("9100002", date(2026, 9, 14), None, "Retard de livraison", "", False),
        )  # fmt: skip
        for code, started, ended, cause, substitute, changed in shortages:
            product_id = catalog.product_by_code(establishment.id, code).id
            catalog.record_shortage(
                establishment.id,
                ShortageInput(product_id, started, ended, cause, substitute, changed),
            )
            added += 1
    return added
