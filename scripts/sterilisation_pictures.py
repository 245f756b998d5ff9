"""Pictures of the sterilisation study for the docs, from the worked example.

    python scripts/sterilisation_pictures.py [--out docs/screenshots]

Writes `sterilisation-study.png` (the window, 1366×768, offscreen, grabbed from the window
itself so no screen border shows), and `sterilisation-report.png` / `-report-2.png` (the two
pages of the PDF report, rendered with pdftoppm) and `sterilisation-pooling.png` (the pooling
dialog with a second unit). A temporary database holds the
establishment's 2025 study (N-1) and a neighbour's 2026 study, so that comparisons show.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "resources" / "examples" / "sterilisation-2026.json"
SCREEN = ROOT / "tests" / "ui" / "screen_1366x768.json"


def _seed(services: object) -> int:
    """The establishment of the example, its N-1 study and a neighbour's study; its id."""
    from hospiperf_desktop.calculators.sterilisation import compute
    from hospiperf_desktop.calculators.sterilisation_files import read_study, study_to_data
    from hospiperf_desktop.establishments.model import EstablishmentInput

    study = read_study(EXAMPLE)
    own = services.establishments.add(  # type: ignore[attr-defined]
        EstablishmentInput(finess="750712184", name="CH de Saint-Exemple", kind="ch", beds=300)
    )
    other = services.establishments.add(  # type: ignore[attr-defined]
        EstablishmentInput(finess="750712192", name="CH Voisin", kind="ch", beds=250)
    )
    cheaper = tuple(replace(s, cost_per_fte=s.cost_per_fte * 0.97) for s in study.staff)
    dearer = tuple(replace(s, cost_per_fte=s.cost_per_fte * 1.02) for s in study.staff)
    for establishment, name, variant in (
        (own.id, "Étude 2025", replace(study, year=2025, staff=cheaper)),
        (other.id, "Étude 2026", replace(study, unit="CH Voisin", staff=dearer)),
    ):
        services.calculators.save(  # type: ignore[attr-defined]
            establishment, "sterilisation", name, study_to_data(variant), compute(variant),
            "2026.1-provisoire",
        )  # fmt: skip
    return int(own.id)


def _report(services: object, establishment_id: int, out: Path, folder: Path) -> None:
    from hospiperf_desktop.calculators import sterilisation_outputs as outputs
    from hospiperf_desktop.calculators.sterilisation import compute
    from hospiperf_desktop.calculators.sterilisation_files import read_study

    study = read_study(EXAMPLE)
    comparisons = [
        outputs.Comparison(**c)
        for c in services.calculators.sterilisation_comparisons(  # type: ignore[attr-defined]
            establishment_id, study.year
        )
    ]
    pdf = folder / "report.pdf"
    subtitle = f"CH de Saint-Exemple (750712184) — {study.unit}"
    outputs.study_pdf(study, compute(study), pdf, subtitle, comparisons)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(folder / "page")], check=True)
    for number, name in ((1, "sterilisation-report.png"), (2, "sterilisation-report-2.png")):
        (out / name).write_bytes((folder / f"page-{number}.png").read_bytes())


def _window(database: Path, establishment_id: int, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.app import install_french, start
    from ui.main_window import CALCULATORS_ROW, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    install_french(app)
    window = MainWindow(str(database))
    window.showMaximized()  # the whole 1366×768 screen (no title bar offscreen)
    window.ensure_pages()
    start(window, str(database), offer_demo=False)

    def settle(rounds: int = 8) -> None:
        """Let the debounce timers fire and the worker's chart and comparisons arrive."""
        for _ in range(rounds):
            window.runner.wait(30_000)
            app.processEvents()
            time.sleep(0.1)
            app.processEvents()

    settle()
    page = window.calculators_page()
    window.navigation.setCurrentRow(CALCULATORS_ROW)
    settle()
    page.select_establishment(establishment_id)
    page.tabs.setCurrentWidget(page.sterilisation)
    settle()
    page.sterilisation.load_file(EXAMPLE)
    settle(20)
    window.grab().save(str(out / "sterilisation-study.png"))
    view = page.sterilisation
    view.open_pooling()
    neighbour = Path(tempfile.mkdtemp()) / "ch-sud.json"
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    neighbour.write_text(json.dumps({**data, "unit": "CH Sud", "overhead_rate": 0.2}), "utf-8")
    view.pooling_dialog.load_file(neighbour)
    settle()
    view.pooling_dialog.fields["transport"].setText("30 000")
    view.pooling_dialog.calculate()
    settle(2)
    view.pooling_dialog.grab().save(str(out / "sterilisation-pooling.png"))
    view.pooling_dialog.close()
    window.close()
    app.processEvents()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    from PySide6.QtCore import QSettings

    from hospiperf_desktop.services import open_services

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, name)
        os.environ["HOSPIPERF_LOG_DIR"] = str(folder / "logs")
        database = folder / "pictures.sqlite"
        services = open_services(database)
        try:
            establishment_id = _seed(services)
            _report(services, establishment_id, args.out, folder)
        finally:
            services.close()
        _window(database, establishment_id, args.out)
    print(f"written: {args.out}/sterilisation-study.png, sterilisation-report(-2).png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
