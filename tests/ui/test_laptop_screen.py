"""Every section, tab and dialog on a 1366×768 laptop screen (maximised, Fusion, French).

The screen is Qt's offscreen platform given tests/ui/screen_1366x768.json; the platform is
chosen once per process, so the walk (tests/ui/laptop_screen.py) runs in its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from laptop_screen import PLATFORM, problems
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialog, QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget

from ui.record_table import RecordTableModel, record_table

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("laptop_screen.py")
EXPECTED = {
    "etablissements", "diagnostics", "stocks-reapprovisionnement", "stocks-produits",
    "activite-saisie", "tableau-de-bord", "calculateurs-exercice-coordonne", "exports",
    "journal-audit", "diagnostic-ouvert-questionnaire", "exports-paquet-prepare",
    "dialogue-etablissement", "dialogue-nouveau-diagnostic", "assistant-import-stock",
    "dialogue-restauration", "dialogue-sauvegardes", "dialogue-profil", "aide",
    "choix-colonnes", "dialogue-cle", "exports-cle-creee", "exports-cle-de-l-ars",
    "dialogue-controles", "dialogue-phrase-de-passe", "exports-ars-consolidation-etablissements",
    "dialogue-produit", "dialogue-produits-en-lot", "dialogue-rupture", "dialogue-fournisseur",
    "dialogue-questionnaires", "dialogue-choix-questionnaire",
    "dialogue-comparaison-etablissements", "dialogue-preuves", "dialogue-choix-campagne",
    "dialogue-comparaison-campagnes", "dialogue-nouvelle-action", "dialogue-action",
    "dialogue-suppression-etablissement", "dialogue-valeur-inhabituelle",
    "dialogue-point-decimal", "dialogue-import-inhabituel", "dialogue-copie-table-uo",
    "dialogue-ligne-uo", "dialogue-enregistrer-scenario", "dialogue-ouvrir-scenario",
    "dialogue-paquet-reference", "dialogue-coefficients-sterilisation",
    "dialogue-rouvrir-diagnostic",
    "assistant-import-stock-colonnes", "assistant-import-stock-controles",
    "assistant-import-stock-resultat",
}  # fmt: skip


def test_every_section_tab_and_dialog_fits_a_1366x768_screen(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": PLATFORM, "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert "screen 1366x768" in lines, result.stdout + result.stderr
    visited = next(line for line in lines if line.startswith("visited ")).split()[1:]
    assert set(visited) >= EXPECTED, EXPECTED - set(visited)
    assert not [v for v in visited if v.endswith(":")], visited
    problems_found = lines[lines.index(next(x for x in lines if x.startswith("visited "))) + 1 :]
    assert result.returncode == 0 and not problems_found, "\n".join(problems_found)
    assert "Traceback" not in result.stderr, result.stderr


class _Model(RecordTableModel):
    def data(self, index, role=0):  # type: ignore[no-untyped-def]
        return self.rows[index.row()][index.column()] if role == 0 else None


def test_the_check_reports_a_cut_label_a_too_large_dialog_and_a_scrolled_table(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    label = QLabel("Une phrase bien trop longue pour la largeur qui lui est laissée ici")
    label.setMaximumWidth(120)
    layout.addWidget(label)
    model = _Model()
    model.headers = ["Colonne " + str(n) for n in range(30)]
    model.set_rows([["valeur assez longue " + str(n) for n in range(30)]])
    table: QTableView = record_table(model)
    table.horizontalHeader().setMinimumSectionSize(200)
    layout.addWidget(table)
    dialog.resize(700, 400)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = problems(dialog, QRect(0, 0, 600, 300))
    text = "\n".join(found)
    assert "label « Une phrase bien trop longue" in text
    assert "exceeds the screen" in text
    assert "QTableView needs a horizontal scroll bar" in text
    label.setToolTip(label.text())  # cut, but whole in its tooltip: accepted
    assert "label «" not in "\n".join(problems(dialog, QRect(0, 0, 600, 300)))


def test_the_check_reports_a_wrapped_label_given_fewer_lines_than_its_words_need(qtbot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    words = QLabel("grenouille montagne marmotte parapluie magnolia chameau escargot orchidee")
    words.setWordWrap(True)
    words.setFixedSize(160, words.fontMetrics().height() + 2)  # room for one line of three
    layout.addWidget(words)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = "\n".join(problems(dialog, QRect(0, 0, 1366, 768)))
    assert "label « grenouille montagne" in found and "px high needed" in found
    words.setFixedHeight(words.heightForWidth(words.width()))  # every line shown: accepted
    assert "label «" not in "\n".join(problems(dialog, QRect(0, 0, 1366, 768)))


def test_the_check_reports_tabs_hidden_behind_the_tab_bar_scroll_arrows(qtbot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    for title in ("Activité : synthèse", "Liste détaillée", "Personnel", "Autres coûts", "Cycles"):
        tabs.addTab(QWidget(), title)
    tabs.resize(300, 200)
    tabs.show()
    qtbot.waitExposed(tabs)
    found = "\n".join(problems(tabs, QRect(0, 0, 1366, 768)))
    assert "tab bar needs its scroll arrows" in found and "« Cycles »" in found
    tabs.resize(700, 200)  # every tab whole: accepted
    qtbot.wait(10)
    assert "tab" not in "\n".join(problems(tabs, QRect(0, 0, 1366, 768)))
