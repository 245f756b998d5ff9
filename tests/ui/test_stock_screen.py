"""The Stocks section through its widgets: the import wizard, indicators, suppliers, shortages."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QPushButton, QWizard

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions
from ui.main_window import MainWindow
from ui.sections.stock.import_wizard import ImportWizard
from ui.sections.stock.page import StockPage
from ui.sections.stock.shortages_view import ShortageDialog
from ui.sections.stock.suppliers_view import SupplierDialog

INVENTORY = (
    "Code;Désignation;Catégorie;Emplacement;Quantité;Prix unitaire;Date inventaire\n"
    "3400930000011;Paracétamol 1 g comprimé;Médicament;Pharmacie;1 200;0,05;31/03/2026\n"
    "3400930000042;Chlorure de sodium 0,9 % 100 ml;Soluté;Pharmacie;800;0,92;31/03/2026\n"
    "3400930000066;Cathéter court 20G;DMS;UF 2101 Cardiologie;150;1,20;31/03/2026\n"
)


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _movements(path: Path, days: int = 84) -> Path:
    """Daily deliveries of the inventory's products over `days`, and weekly receipts."""
    lines = ["Date;Code;Désignation;Entrée;Sortie;PU HT;UF;Fournisseur"]
    start = date(2026, 3, 31) - timedelta(days=days)
    for offset in range(days):
        day = (start + timedelta(days=offset)).strftime("%d/%m/%Y")
        lines.append(f"{day};3400930000011;Paracétamol 1 g comprimé;0;40;0,05;UF 2101;")
        lines.append(f"{day};3400930000042;Chlorure de sodium 0,9 % 100 ml;0;30;0,92;UF 2101;")
        if offset % 7 == 0:
            lines.append(f"{day};3400930000011;Paracétamol 1 g comprimé;280;0;0,05;;OCP")
            lines.append(
                f"{day};3400930000042;Chlorure de sodium 0,9 % 100 ml;210;0;0,92;;Fresenius"
            )
    return _write(path, "\n".join(lines) + "\n")


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


@pytest.fixture
def page(qtbot, window: MainWindow, establishment: Establishment) -> StockPage:
    """The Stocks page, shown, with the establishment chosen."""
    with qtbot.waitSignal(window.stock_page().indicators.loaded, timeout=10_000):
        window.navigation.setCurrentRow(2)
    stock = window.stock_page()
    assert window.pages.currentWidget() is stock
    assert stock.current_establishment() == establishment
    return stock


def _import(services, establishment: Establishment, path: Path, kind: ImportKind) -> None:
    mapping = services.stock.imports.preview(path, kind).mapping
    services.stock.imports.run(establishment.id, path, mapping, ImportOptions())


def _open_wizard(qtbot, page: StockPage) -> ImportWizard:
    page.import_button.click()
    wizard = page.wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10_000)  # saved profiles listed
    return wizard


def _to_mapping(qtbot, wizard: ImportWizard, path: Path, kind: ImportKind) -> None:
    wizard.file_page.path.setText(str(path))
    wizard.file_page.kind.setCurrentIndex(0 if kind is ImportKind.SNAPSHOT else 1)
    assert wizard.file_page.isComplete()
    with qtbot.waitSignal(wizard.mapping_page.ready, timeout=10_000):
        wizard.next()


def _cells(model, row: int) -> list[str]:
    return [_nbsp(model.index(row, c).data()) for c in range(model.columnCount())]


def _counts(services, establishment: Establishment) -> tuple[int, int]:
    return (
        len(services.stock.imports.imports(establishment.id)),
        len(services.stock.catalog.products(establishment.id)),
    )


def test_the_wizard_imports_an_inventory_and_the_indicators_show_its_coverage(
    qtbot, page: StockPage, tmp_path, other_services, establishment
) -> None:
    path = _write(tmp_path / "inventaire mars.csv", INVENTORY)
    wizard = _open_wizard(qtbot, page)
    _to_mapping(qtbot, wizard, path, ImportKind.SNAPSHOT)
    mapping = wizard.mapping_page
    assert mapping.isComplete()
    assert mapping.combos["quantity"].currentData() == "Quantité"
    assert mapping.combos["snapshot_date"].currentData() == "Date inventaire"
    assert mapping.table.rowCount() == 3
    assert mapping.table.item(0, 1).text() == "Paracétamol 1 g comprimé"
    quantity = mapping.combos["quantity"]
    quantity.setCurrentIndex(0)  # "—": a required field without a column blocks Next
    assert not mapping.isComplete()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert mapping.missing.text() == "Choisissez une colonne pour : Quantité"
    quantity.setCurrentIndex(quantity.findData("Quantité"))
    assert mapping.isComplete() and not mapping.missing.text()
    mapping.save_as.setText("Inventaire — logiciel Pharma")

    with qtbot.waitSignal(wizard.check_page.checked, timeout=10_000):
        wizard.next()
    assert "3 ligne(s) prête(s) à importer, au 31/03/2026." in wizard.check_page.summary.text()
    assert wizard.check_page.isComplete()

    with (
        qtbot.waitSignal(page.indicators.loaded, timeout=10_000),
        qtbot.waitSignal(wizard.imported, timeout=10_000),
    ):
        wizard.next()
    text = wizard.run_page.summary.text()
    assert "3 ligne(s) importée(s) au 31/03/2026." in text
    assert "3 nouveau(x) produit(s)." in text
    assert "Profil de colonnes « Inventaire — logiciel Pharma » enregistré." in text
    # Once imported, nothing is left to cancel: Terminer alone, and no "annuler" promise.
    assert wizard.button(QWizard.WizardButton.CancelButton).isHidden()
    assert wizard.run_page.subTitle() == "L'import est terminé et enregistré."
    wizard.accept()

    rows = [_cells(page.indicators.model, r) for r in range(page.indicators.model.rowCount())]
    assert [r[:3] for r in rows] == [
        ["Médicament", "Stock central", "60,00 €"],
        ["Soluté", "Stock central", "736,00 €"],
        ["DMS (dispositif médical stérile)", "Unités de soins", "180,00 €"],
        ["Toutes catégories", "Stock central", "796,00 €"],
        ["Toutes catégories", "Unités de soins", "180,00 €"],
    ]
    assert rows[0][4:7] == ["—", "4,0", "6,65"]  # no consumption yet; target; MCO benchmark
    assert page.indicators.date.date().toString("dd/MM/yyyy") == "31/03/2026"
    assert "Aucun mouvement dans la fenêtre" in page.indicators.summary.text()
    assert page.indicators.chart is not None
    [record] = other_services.stock.imports.imports(establishment.id)
    assert (record.file_name, record.row_count) == ("inventaire mars.csv", 3)
    assert [m.name for m in other_services.stock.imports.mappings()] == [
        "Inventaire — logiciel Pharma"
    ]


def test_a_bad_cell_is_shown_with_its_line_and_column_and_nothing_is_imported(
    qtbot, page: StockPage, tmp_path, other_services, establishment
) -> None:
    bad = INVENTORY.replace("Soluté;Pharmacie;800;", "Soluté;Pharmacie;huit cents;")
    path = _write(tmp_path / "inventaire.csv", bad)
    wizard = _open_wizard(qtbot, page)
    _to_mapping(qtbot, wizard, path, ImportKind.SNAPSHOT)
    with qtbot.waitSignal(wizard.check_page.checked, timeout=10_000):
        wizard.next()
    check = wizard.check_page
    assert "Le fichier est refusé : 1 problème(s) sur 1 ligne(s)." in check.summary.text()
    assert [check.problems.item(i).text() for i in range(check.problems.count())] == [
        "inventaire.csv, ligne 3, colonne E (Quantité) : « huit cents » n'est pas un nombre"
    ]
    assert not check.isComplete()
    assert not wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    assert _counts(other_services, establishment) == (0, 0)


def test_a_large_import_shows_its_progress_and_cancel_leaves_the_database_unchanged(
    qtbot, page: StockPage, tmp_path, services, other_services, establishment, monkeypatch
) -> None:
    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    before = _counts(other_services, establishment)
    rows = 60_000
    rng = random.Random(5)
    lines = ["Date;Code;Libellé;Entrée;Sortie;PU;UF"]
    start = date(2025, 1, 1)
    for i in range(rows):
        day = (start + timedelta(days=i * 365 // rows)).strftime("%d/%m/%Y")
        product = rng.randrange(400)  # mostly products the database does not know yet
        lines.append(f"{day};P{product:05d};Produit {product};0;{rng.randint(1, 9)};1,5;UF {i % 7}")
    path = _write(tmp_path / "mouvements.csv", "\n".join(lines) + "\n")

    # Hold the import after its first inserted chunk, inside its transaction, until the
    # user cancels (bounded, so that a broken cancel fails the test instead of hanging it).
    imports = services.stock.imports
    original_run = imports.run
    held = threading.Event()

    class Held:
        def __init__(self, progress) -> None:  # type: ignore[no-untyped-def]
            self._progress = progress

        def report(self, done: int, total: int | None = None, message: str = "") -> None:
            self._progress.report(done, total, message)
            if message == "inserted" and not held.is_set():
                held.set()
                for _ in range(2_000):
                    self._progress.check_cancelled()
                    threading.Event().wait(0.01)

        def check_cancelled(self) -> None:
            self._progress.check_cancelled()

    monkeypatch.setattr(
        imports, "run", lambda e, p, m, o, progress: original_run(e, p, m, o, Held(progress))
    )

    wizard = _open_wizard(qtbot, page)
    _to_mapping(qtbot, wizard, path, ImportKind.MOVEMENTS)
    with qtbot.waitSignal(wizard.check_page.checked, timeout=20_000):
        wizard.next()
    assert "60 000 ligne(s) prête(s) à importer" in _nbsp(wizard.check_page.summary.text())

    wizard.next()  # Importer: the job starts, its progress dialog is made at once
    [dialog] = [
        d for d in wizard.findChildren(QProgressDialog) if d.labelText() == "Import en cours…"
    ]
    seen: list[int] = []
    dialog.findChild(QProgressBar).valueChanged.connect(seen.append)
    # Reading fills the first half of the bar, inserting the second.
    # The bar may pass `rows` a moment before the job reaches the held report: wait for both.
    qtbot.waitUntil(
        lambda: held.is_set() and dialog.isVisible() and dialog.value() > rows, timeout=20_000
    )
    assert dialog.maximum() == 2 * rows
    shown = [v for v in seen if v >= 0]
    assert len(set(shown)) >= 3 and shown == sorted(shown), shown

    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Annuler")
    with qtbot.waitSignal(wizard.run_page.finished_import, timeout=20_000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert wizard.run_page.summary.text() == "Import annulé : la base de données est inchangée."
    assert wizard.import_result is None
    assert _counts(other_services, establishment) == before
    assert _counts(services, establishment) == before


def test_changing_a_suppliers_lead_time_profile_updates_the_reorder_table(
    qtbot, page: StockPage, tmp_path, services, establishment
) -> None:
    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    _import(services, establishment, _movements(tmp_path / "mvt.csv"), ImportKind.MOVEMENTS)
    reorder = page.reorder
    with qtbot.waitSignal(reorder.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(reorder)

    def lead_days(code: str) -> str:
        model = reorder.model
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == code)
        return model.index(row, 6).data()

    assert lead_days("3400930000011") == "5"  # the default profile: mainland manufacturer

    suppliers = page.suppliers
    with qtbot.waitSignal(suppliers.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(suppliers)
    ocp = next(s for s in suppliers.model.rows if s.name == "OCP")
    suppliers.select(ocp.id)
    suppliers.edit_button.click()
    dialog = suppliers.dialog
    assert isinstance(dialog, SupplierDialog)
    dialog.profile.setCurrentIndex(dialog.profile.findData("mainland_sea"))
    assert dialog.days.value() == 42  # what the profile gives, shown
    with qtbot.waitSignal(suppliers.loaded, timeout=10_000):
        dialog.accept()
    assert _cells(suppliers.proxy, 1)[:3] == ["OCP", "Métropole par bateau (outre-mer)", "42"]

    with qtbot.waitSignal(reorder.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(reorder)
    assert lead_days("3400930000011") == "42"
    assert lead_days("3400930000042") == "5"
    paracetamol = next(line for line in reorder.report.lines if line.code == "3400930000011")
    assert paracetamol.at_risk  # 1,200 tablets, 280 a week: not enough for six weeks at sea
    assert reorder.proxy.record(0).code == "3400930000011"  # at-risk products come first


def test_a_shortage_added_in_the_dialog_shows_in_the_log_with_the_years_count(
    qtbot, page: StockPage, tmp_path, services, establishment, other_services
) -> None:
    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    shortages = page.shortages
    with qtbot.waitSignal(shortages.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(shortages)
    assert shortages.model.rowCount() == 0
    shortages.add_button.click()
    qtbot.waitUntil(lambda: isinstance(shortages.dialog, ShortageDialog), timeout=10_000)
    dialog = shortages.dialog
    assert isinstance(dialog, ShortageDialog)
    dialog.product.setEditText("3400930000042 — Chlorure de sodium 0,9 % 100 ml")
    dialog.cause.setText("Rupture industrielle")
    dialog.substitute.setText("Chlorure de sodium 0,9 % 250 ml")
    dialog.supplier_changed.setChecked(True)
    with qtbot.waitSignal(shortages.loaded, timeout=10_000):
        dialog.accept()
    today = date.today()
    row = _cells(shortages.model, 0)
    assert row[:7] == [
        today.strftime("%d/%m/%Y"),
        "en cours",
        "3400930000042",
        "Chlorure de sodium 0,9 % 100 ml",
        "Rupture industrielle",
        "Chlorure de sodium 0,9 % 250 ml",
        "oui",
    ]
    assert f"1 rupture(s) en {today.year}, dont <b>1 ayant imposé" in shortages.count_label.text()
    assert "alimente l'item 5 des UO" in shortages.count_label.text()
    [stored] = other_services.stock.catalog.shortages(establishment.id)
    assert stored.supplier_changed and stored.product_code == "3400930000042"


def test_both_tables_export_to_excel_offered_to_open_and_an_import_can_be_undone(
    qtbot, page: StockPage, tmp_path, services, establishment, other_services, monkeypatch
) -> None:
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QMessageBox

    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    _import(services, establishment, _movements(tmp_path / "mvt.csv"), ImportKind.MOVEMENTS)
    with qtbot.waitSignal(page.indicators.loaded, timeout=10_000):
        page.indicators.refresh()
    targets = iter([tmp_path / "indicateurs.xlsx", tmp_path / "reappro.xlsx"])
    monkeypatch.setattr("ui.sections.stock.indicators_view.save_path", lambda *_a: next(targets))
    monkeypatch.setattr("ui.sections.stock.reorder_view.save_path", lambda *_a: next(targets))
    bar = page.window().document_bar
    page.indicators.export_button.click()
    qtbot.waitUntil(lambda: bar.label.text().endswith("indicateurs.xlsx"), timeout=10_000)
    with qtbot.waitSignal(page.reorder.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.reorder)
    page.reorder.export_button.click()
    qtbot.waitUntil(lambda: bar.label.text().endswith("reappro.xlsx"), timeout=10_000)
    # Each workbook written is offered to open or show in its folder, as every export is.
    assert bar.isVisible() and bar.label.text() == "Fichier enregistré : reappro.xlsx"
    assert bar.open_button.isVisible() and bar.folder_button.isVisible()
    coverage = load_workbook(tmp_path / "indicateurs.xlsx")["Couverture"]
    assert coverage["A2"].value == "Médicament" and coverage["C2"].value == 60.0
    lines = load_workbook(tmp_path / "reappro.xlsx")["Réapprovisionnement"]
    assert {lines.cell(row, 1).value for row in (2, 3)} == {"3400930000011", "3400930000042"}

    imports = page.imports
    with qtbot.waitSignal(imports.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(imports)
    assert _cells(imports.proxy, 0)[:3] == ["Mouvements", "mvt.csv", "192"]
    imports.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(imports.loaded, timeout=10_000):
        imports.undo_button.click()
    assert [r.file_name for r in other_services.stock.imports.imports(establishment.id)] == [
        "inv.csv"
    ]
    assert page.reorder.dirty and page.indicators.dirty  # shown again from the database


def test_many_products_get_one_change_chosen_at_the_keyboard(
    qtbot, page, services, establishment, tmp_path
) -> None:
    _import(services, establishment, _movements(tmp_path / "mouvements.csv"), ImportKind.MOVEMENTS)
    with qtbot.waitSignal(page.products.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.products)
    view = page.products
    assert view.model.rowCount() == 2
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # both
    assert len(view.selected_products()) == 2
    view.bulk_button.click()
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "Modifier 2 produit(s)"
    dialog.category.setFocus()
    qtbot.keyClicks(dialog.category, "Sol")  # Solutés
    dialog.mitm.setFocus()
    qtbot.keyClicks(dialog.mitm, "O")  # Oui; the substitute flag stays unchanged
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    stored = services.stock.catalog.products(establishment.id)
    assert {(p.category, p.mitm) for p in stored} == {("solute", True)}
    assert len({p.has_substitute for p in stored}) == 1  # untouched: as the import set it
    updates = [e for e in services.audit.recent() if e.entity == "product" and e.action == "update"]
    assert len(updates) == 2


def test_a_shortage_date_that_does_not_exist_is_said_and_kept_as_typed(
    qtbot, page: StockPage, tmp_path, services, establishment, other_services
) -> None:
    _import(services, establishment, _write(tmp_path / "inv.csv", INVENTORY), ImportKind.SNAPSHOT)
    shortages = page.shortages
    with qtbot.waitSignal(shortages.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(shortages)
    shortages.add_button.click()
    qtbot.waitUntil(lambda: isinstance(shortages.dialog, ShortageDialog), timeout=10_000)
    dialog = shortages.dialog
    assert isinstance(dialog, ShortageDialog)
    dialog.product.setEditText("3400930000042 — Chlorure de sodium 0,9 % 100 ml")
    dialog.started.clear()
    qtbot.keyClicks(dialog.started, "31/02/2026")
    qtbot.keyClick(dialog.started, Qt.Key.Key_Tab)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.started.text() == "31/02/2026", "what was typed is not replaced"
    assert "« 31/02/2026 » n'est pas une date" in dialog.error.text()
    dialog.started.clear()
    qtbot.keyClicks(dialog.started, "28/02/2026")
    with qtbot.waitSignal(shortages.loaded, timeout=10_000):
        dialog.accept()
    [stored] = other_services.stock.catalog.shortages(establishment.id)
    assert (stored.started_on, stored.ended_on) == (date(2026, 2, 28), None)
