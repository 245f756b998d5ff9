"""The main window as a user first sees it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QTreeView

from ui.sections.establishments import EstablishmentsView
from ui.sections.exports.page import ExportsPage
from ui.sections.stock.page import StockPage


def test_navigation_lists_every_section_and_none_is_to_come(window):
    items = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert items == [
        "Établissements",
        "Diagnostics",
        "Stocks",
        "Activité et UO",
        "Tableau de bord",
        "Calculateurs",
        "Exports / ARS",
        "Journal d'audit",
    ]
    window.navigation.setCurrentRow(6)
    assert isinstance(window.pages.currentWidget(), ExportsPage)
    window.navigation.setCurrentRow(2)
    assert isinstance(window.pages.currentWidget(), StockPage)
    window.navigation.setCurrentRow(0)
    assert isinstance(window.pages.currentWidget(), EstablishmentsView)


def test_status_bar_names_the_database_in_use(window, db_path):
    assert str(db_path) in window.database_label.text()
    assert window.database_label.text().startswith("Base de données")


def test_qt_file_dialog_and_message_box_speak_french(qtbot, tmp_path):
    (tmp_path / "sous-dossier").mkdir()
    dialog = QFileDialog(None, "Exporter", str(tmp_path), "Documents PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [label.text().replace("&", "") for label in dialog.findChildren(QLabel)]
    assert {"Regarder dans :", "Type de fichier :"} <= set(labels)
    assert not [t for t in labels if t.endswith(":") and not t[:-1].endswith((" ", "\xa0"))]
    tree = dialog.findChild(QTreeView)
    root = tree.rootIndex()
    qtbot.waitUntil(lambda: tree.model().rowCount(root) == 1)
    assert tree.model().index(0, 2, root).data() == "Dossier"
    headers = [tree.model().headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Nom", "Taille", "Type", "Dernière modification"]
    box = QMessageBox(QMessageBox.Icon.Question, "Titre", "Question ?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)  # fmt: skip
    qtbot.addWidget(box)
    assert [b.text().replace("&", "") for b in box.buttons()] == ["Oui", "Non"]


def test_qt_standard_buttons_are_in_french(qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuler"


def test_demo_data_loads_from_the_menu_and_fills_the_list(qtbot, window):
    with qtbot.waitSignal(window.establishments.loaded, timeout=20_000):
        window.demo_action.trigger()
        window.runner.wait()
    assert window.establishments.proxy.rowCount() == 5
    window.refresh_profile()
    window.runner.wait()
    qtbot.wait(50)
    assert window.profile_label.text().startswith("Profil : aucun"), "the demo chose no profile"
