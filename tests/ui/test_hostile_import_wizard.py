"""The stock import wizard reads a hostile workbook in the window's own process: the checks
refuse it before any allocation, the window stays up and the next file reads normally."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import MainWindow
from ui.sections.stock.import_wizard import ImportWizard
from ui.sections.stock.page import StockPage

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile" / "stock"
GOOD = (
    "Code;Désignation;Catégorie;Emplacement;Quantité;Prix unitaire;Date inventaire\n"
    "3400930000011;Paracétamol 1 g comprimé;Médicament;Pharmacie;1 200;0,05;31/03/2026\n"
)


@pytest.fixture
def page(qtbot, window: MainWindow, services) -> StockPage:
    services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu")
    )
    with qtbot.waitSignal(window.stock_page().indicators.loaded, timeout=10_000):
        window.navigation.setCurrentRow(2)
    return window.stock_page()


def _choose(qtbot, wizard: ImportWizard, path: Path) -> None:
    wizard.file_page.path.clear()
    qtbot.keyClicks(wizard.file_page.path, str(path))
    qtbot.keyClick(wizard.file_page.path, Qt.Key.Key_Tab)
    wizard.next()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("far-cell-xfd1048576.xlsx", "nombre de colonnes : 16\u202f384, au-delà de la limite"),
        ("far-cell.xls", "nombre de colonnes : 65\u202f536, au-delà de la limite"),
        ("zip-bomb-ratio.xlsx", "taux de compression"),
        ("nul-bytes.csv", "contenu binaire : ce n'est pas un fichier CSV"),
    ],
)
def test_a_hostile_file_is_refused_on_the_mapping_page_and_the_window_survives(
    qtbot, page: StockPage, tmp_path: Path, other_services, name: str, shown: str
) -> None:
    page.import_button.click()
    wizard = page.wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10_000)
    _choose(qtbot, wizard, HOSTILE / name)
    status = wizard.mapping_page.status
    qtbot.waitUntil(lambda: "refusé" in status.text(), timeout=10_000)
    assert shown in status.text()
    assert "\x00" not in status.text() and len(status.text()) < 1024
    assert not wizard.mapping_page.isComplete()
    establishment: Establishment = other_services.establishments.list()[0]
    assert other_services.stock.imports.imports(establishment.id) == []

    # The same wizard then reads a good file: the process is alive and well.
    wizard.back()
    good = tmp_path / "inventaire.csv"
    good.write_text(GOOD, encoding="utf-8")
    with qtbot.waitSignal(wizard.mapping_page.ready, timeout=10_000):
        _choose(qtbot, wizard, good)
    assert wizard.mapping_page.preview is not None
    assert wizard.mapping_page.preview.row_count == 1
