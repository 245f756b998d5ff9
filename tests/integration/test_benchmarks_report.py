"""The diagnostic report printed by the service places the score among the regional peers
once benchmarks are installed, and says nothing of them before."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_reference_packages import item, make_package, trust

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.library.benchmarks import Distribution, diagnostic_metric, document
from hospiperf_desktop.services import Services

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
TEMPLATE = "conciliation-medicamenteuse"


def _text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return " ".join(done.stdout.replace("\u00a0", " ").split())


def test_the_report_prints_the_regional_quartile_of_the_score(
    services: Services, tmp_path: Path
) -> None:
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="EHPAD Les Tilleuls", kind="ehpad")
    )
    diagnostic = services.diagnostics.create(TEMPLATE, establishment.id, "Campagne")
    first = services.questionnaires.get(TEMPLATE).items[0].id
    services.diagnostics.answer(diagnostic.id, first, AnswerCode.YES)
    before = tmp_path / "avant.pdf"
    services.reports.write(diagnostic.id, pdf=before)
    assert "Repères régionaux" not in _text(before)

    year = diagnostic.created_at.year
    content = json.dumps(
        document(
            [Distribution("diagnostic", diagnostic_metric(TEMPLATE), "S", year, "ehpad", 38,
                          40.0, 55.0, 70.0)],
            created="2026-11-30", publisher="ARS", source="test",
        )
    ).encode()  # fmt: skip
    private = Ed25519PrivateKey.generate()
    trust(services, private)
    services.library.install(
        make_package(
            tmp_path / "reperes.zip", private, [item("benchmarks", "b", "regional", "1", content)]
        )
    )
    after = tmp_path / "apres.pdf"
    services.reports.write(diagnostic.id, pdf=after)
    assert f"4e quartile régional des EHPAD, 38 établissements, données {year}" in _text(after)


def test_library_positions_lists_every_figure_with_a_regional_group(
    cli, db: Path, tmp_path: Path
) -> None:
    from hospiperf_desktop.library.benchmarks import dashboard_metric, work_unit_metric
    from hospiperf_desktop.services import open_services

    services = open_services(db)
    try:
        establishment = services.establishments.add(
            EstablishmentInput(finess="750712184", name="CH Test", kind="ch", beds=100)
        )
        services.activity.values.set_values(
            establishment.id,
            2026,
            {("lignes_cmd_medicaments", 0): 1000.0, ("etp_pui", 0): 10.0,
             ("avis_pharmaceutiques", 0): 250.0},
        )  # fmt: skip
        content = json.dumps(
            document(
                [
                    Distribution("dashboard", dashboard_metric("avis_pharmaceutiques"), "Avis",
                                 2026, "ch", 6, 100.0, 200.0, 300.0),
                    Distribution("work_units", work_unit_metric("uo-pharma", "per_fte"), "UO",
                                 2026, "ch", 6, 100.0, 200.0, 300.0),
                    Distribution("dashboard", dashboard_metric("conso_medicaments"), "C",
                                 2026, "ehpad", 6, 1.0, 2.0, 3.0),
                ],
                created="2026-11-30", publisher="ARS", source="test",
            )
        ).encode()  # fmt: skip
        private = Ed25519PrivateKey.generate()
        trust(services, private)
        services.library.install(
            make_package(tmp_path / "r.zip", private, [item("benchmarks", "b", "r", "1", content)])
        )
    finally:
        services.close()
    code, stdout, err = cli("library", "positions", "--establishment", "750712184", "--json")
    assert code == 0, err
    lines = {(line["family"], line["quartile"]): line["text"] for line in json.loads(stdout)}
    assert lines == {
        ("dashboard", 3): "3ᵉ quartile régional des CH, 6 établissements, données 2026",
        ("work_units", 4): "4ᵉ quartile régional des CH, 6 établissements, données 2026",
    }
