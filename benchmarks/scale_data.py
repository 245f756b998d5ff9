"""The databases of `scale.py`: the demonstration (small) and a region's worth (large).

The large database is built through the application's own services, with their bulk paths
where they offer one: establishments one by one, activity a year at a time (`set_values`),
each diagnostic's answers as one sheet (`import_answers`) and its plan proposed from them
(`propose`, as validation does), stock as CSV exports through the real importer
(`StockImports.run`). Built databases are kept under ~/.cache/hospiperf-bench/, keyed by
`DATA_VERSION` and the size, and copied before each measure (the application may write).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from hospiperf_desktop.diagnostics.records import AnswerRow
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.services import Services, open_services

DATA_VERSION = 1
CACHE = Path.home() / ".cache" / "hospiperf-bench"
CODES = (AnswerCode.YES, AnswerCode.MOSTLY, AnswerCode.PARTLY, AnswerCode.NO, AnswerCode.NA)
WEIGHTS = (45, 25, 15, 12, 3)
KINDS = ("ch", "ch", "ch", "ehpad", "chu")


@dataclass(frozen=True)
class Size:
    name: str
    establishments: int
    years: int
    diagnostics: int
    sites: int
    products: int
    days: int
    movements_per_product_day: float


FULL = Size("full", 50, 10, 1_000, 4, 2_000, 730, 0.46)
QUICK = Size("quick", 10, 3, 150, 1, 600, 365, 0.46)


def cached(name: str, build: callable) -> Path:  # type: ignore[valid-type]
    path = CACHE / f"{name}-v{DATA_VERSION}.sqlite"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        for leftover in CACHE.glob(f"{partial.name}*"):
            leftover.unlink()
        started = time.perf_counter()
        print(f"building {path} (once) …", flush=True)
        services = open_services(partial)
        try:
            build(services)
        finally:
            services.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        partial.replace(path)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def small_database() -> Path:
    from hospiperf_desktop.demo import run_demo

    return cached("demo", run_demo)


def large_database(size: Size) -> Path:
    return cached(f"large-{size.name}", lambda services: build_large(services, size))


def working_copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def build_large(services: Services, size: Size) -> None:
    rng = random.Random(19)
    ids = [_establishment(services, i).id for i in range(size.establishments)]
    _activity(services, ids, size, rng)
    _diagnostics(services, ids, size, rng)
    for site in ids[: size.sites]:
        _stock(services, site, size, rng)


def _establishment(services: Services, index: int):  # type: ignore[no-untyped-def]
    payload = f"69{900000 + index:06d}"
    return services.establishments.add(
        EstablishmentInput(
            finess=payload + luhn_check_digit(payload),
            name=f"Centre hospitalier n° {index + 1} (banc d'essai)",
            kind=KINDS[index % len(KINDS)],
            region="Auvergne-Rhône-Alpes",
            ght_name=f"GHT banc {index // 8 + 1}",
            beds=80 + index * 17 % 900,
            care_units=5 + index % 30,
        )
    )


def _activity(services: Services, ids: list[int], size: Size, rng: random.Random) -> None:
    import json

    from hospiperf_desktop.paths import resource_path

    base = json.loads(resource_path("demo", "activity.json").read_text(encoding="utf-8"))["base"]
    values = services.activity.values
    units = {m: values.catalog().measures[m].unit for m in base}
    last = 2026
    for establishment_id in ids:
        scale = rng.uniform(0.2, 2.0)
        with services.database.write():
            for year in range(last - size.years + 1, last + 1):
                drift = 1 + (year - last) * 0.02
                changes = {
                    (measure, 0): _value(units[measure], amount, scale * drift, rng)
                    for measure, amount in base.items()
                }
                values.set_values(establishment_id, year, changes)


def _value(unit: str, amount: float, scale: float, rng: random.Random) -> float:
    if unit.startswith("percent") or unit == "ratio":
        return round(min(100.0, amount * rng.uniform(0.9, 1.1)), 1)
    value = amount * scale * rng.uniform(0.9, 1.1)
    return float(round(value)) if unit in ("count", "amount", "signed_amount") else round(value, 1)


def _diagnostics(services: Services, ids: list[int], size: Size, rng: random.Random) -> None:
    diagnostics = services.diagnostics
    templates = [t for t in diagnostics.templates()]
    per_site = size.diagnostics // len(ids)
    for establishment_id in ids:
        with services.database.write():
            for n in range(per_site):
                template = templates[(establishment_id + n) % len(templates)]
                summary = diagnostics.create(template.id, establishment_id, f"Campagne {n + 1}")
                rows = []
                for line, item in enumerate(template.items, 2):
                    pairs = zip(CODES, WEIGHTS, strict=True)
                    allowed = [(c, w) for c, w in pairs if c in item.codes]
                    codes, weights = zip(*allowed, strict=True)
                    rows.append(AnswerRow(item.id, rng.choices(codes, weights)[0], None, line))
                diagnostics.import_answers(summary.id, rows, "banc.csv")
                if n % 3 == 0:
                    diagnostics.validate(summary.id)
                else:
                    services.plans.propose(summary.id)


MOVEMENT_HEADER = (
    "Date;Code UCD;Désignation;Qté entrée;Qté sortie;PU HT;UF destinataire;Fournisseur"
)


def _stock(services: Services, site: int, size: Size, rng: random.Random) -> None:
    from hospiperf_desktop.stock.mapping import ImportKind
    from hospiperf_desktop.stock.records import ImportOptions, OnOverlap

    imports = services.stock.imports
    end = date(2026, 6, 30)
    start = end - timedelta(days=size.days)
    products = [(f"9{site:02d}{p:04d}", f"Produit {p} du site {site}", 0.5 + p % 97 * 1.7)
                for p in range(size.products)]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="hospiperf-bench-") as folder:
        snapshot = Path(folder) / "inventaire.csv"
        lines = [
            f"{code};{label};Médicament;Pharmacie centrale;{rng.randint(0, 400)};"
            f"{price:.2f};L{rng.randrange(10_000, 99_999)};"
            f"{end + timedelta(days=rng.randint(-30, 700)):%d/%m/%Y}".replace(".", ",", 1)
            for code, label, price in products
        ]
        _write(snapshot, "Code UCD;Désignation;Catégorie;Emplacement;Quantité;PU HT;Lot;"
               "Péremption", lines)  # fmt: skip
        movements = Path(folder) / "mouvements.csv"
        _write(movements, MOVEMENT_HEADER, list(_movement_lines(products, start, size, rng)))
        for path, kind, options in (
            (snapshot, ImportKind.SNAPSHOT, ImportOptions(snapshot_date=end)),
            (movements, ImportKind.MOVEMENTS, ImportOptions(on_overlap=OnOverlap.APPEND)),
        ):
            mapping = imports.preview(path, kind).mapping
            imports.run(site, path, mapping, options)


def _movement_lines(products, start: date, size: Size, rng: random.Random):  # type: ignore[no-untyped-def]
    for day in range(size.days):
        when = f"{start + timedelta(days=day):%d/%m/%Y}"
        for code, label, price in products:
            if rng.random() >= size.movements_per_product_day:
                continue
            amount = f"{price:.2f}".replace(".", ",")
            head = f"{when};{code};{label}"
            if rng.random() < 0.08:
                supplier = f"Fournisseur {int(code) % 12}"
                yield f"{head};{rng.randint(50, 300)};;{amount};;{supplier}"
            else:
                yield f"{head};;{rng.randint(1, 20)};{amount};UF {rng.randrange(40):02d};"


def _write(path: Path, header: str, lines: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
