"""Issue 18 point 4: a sterilisation study's cost per UO Sté and UO Sté per FTE against the
regional quartiles, when a benchmarks file is installed (desktop), and made from the saved
studies the bundles carry (ARS)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from integration_support import Cli, make_finess
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from hospiperf_desktop.ars.models import EstablishmentRow, ImportedBundle, SterilisationStudyRow
from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.library.benchmarks import Distribution, find, sterilisation_metric
from hospiperf_desktop.services import open_services

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))
from benchmark_support import install_benchmarks

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "sterilisation-2026.json"
FINESS = make_finess(51)


def test_the_study_says_its_regional_quartile_when_a_benchmarks_file_is_installed(
    cli: Cli, db: Path, tmp_path: Path
) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Stérile",
                       "--kind", "ch")  # fmt: skip
    assert code == 0, err
    services = open_services(db)
    try:
        install_benchmarks(
            services,
            tmp_path,
            [
                Distribution(
                    "work_units",
                    sterilisation_metric("cost_per_uo"),
                    "c",
                    2026,
                    "ch",
                    12,
                    20.0,
                    25.0,
                    30.0,
                ),
                Distribution(
                    "work_units",
                    sterilisation_metric("per_fte"),
                    "f",
                    2026,
                    "ch",
                    12,
                    1000.0,
                    1500.0,
                    2000.0,
                ),
            ],
        )
    finally:
        services.close()
    code, out, err = cli("calc", "sterilisation", str(EXAMPLE), "--establishment", FINESS,
                         "--json", "--pdf", str(tmp_path / "etude.pdf"))  # fmt: skip
    assert code == 0, err
    placed = {p["indicator"]: p for p in json.loads(out)["regional_positions"]}
    assert placed["cost_per_uo"]["quartile"] == 3  # 27,71 € between 25 and 30
    assert placed["per_fte"]["quartile"] == 4  # 2 364 above 2 000
    assert placed["cost_per_uo"]["text"] == (
        "3ᵉ quartile régional des CH, 12 établissements, données 2026"
    )
    assert (tmp_path / "etude.pdf").read_bytes().startswith(b"%PDF")


def test_without_a_benchmarks_file_no_position_is_given(cli: Cli) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Stérile",
                       "--kind", "ch")  # fmt: skip
    assert code == 0, err
    code, out, err = cli("calc", "sterilisation", str(EXAMPLE), "--establishment", FINESS,
                         "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["regional_positions"] == []


def test_the_ars_benchmarks_carry_the_studies_ratios_from_five_establishments(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ars.sqlite'}"
    Consolidation(url).close()
    when = datetime(2026, 3, 1)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        for n in range(1, 6):
            finess = f"75{n:07d}"
            session.add(EstablishmentRow(finess=finess, name=f"E{n}", kind="ch", region=None,
                                         beds=100, last_bundle_at=when))  # fmt: skip
            bundle = ImportedBundle(
                uuid=f"00000000-0000-4000-8000-{n:012d}", finess=finess, name=f"E{n}",
                period="2026", created=when, software_version="t", fingerprint="0" * 64,
                file_name="b.zip", file_sha256="0" * 64, size=1, imported_at=when,
                imported_by="t",
            )  # fmt: skip
            session.add(bundle)
            session.flush()
            session.add(SterilisationStudyRow(bundle_id=bundle.id, finess=finess, scenario="s",
                                              year=2026, cost_per_uo=20.0 + n,
                                              uo_per_fte=None, table_version="t"))  # fmt: skip
    engine.dispose()
    consolidation = Consolidation(url)
    try:
        items = consolidation.benchmarks()
    finally:
        consolidation.close()
    found = find(items, sterilisation_metric("cost_per_uo"), "ch", 2026)
    assert found is not None and (found.count, found.median) == (5, 23.0)
    assert find(items, sterilisation_metric("per_fte"), "ch", 2026) is None
