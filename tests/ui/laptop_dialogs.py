"""The dialogs of the 1366×768 walk (laptop_screen.py), each reached as a user reaches it.

A dialog is opened by the button's own method (with the row a user would have selected), a
file chosen in a file dialog is given by `_choosing` (the walk types no path), and a dialog
run with `exec()` is visited from inside its own event loop (`_modal`) before it is accepted.
Where the way in is a modal question with no other use (a diagnostic to compare with), the
dialog is still built by the page's own method, from what the services return.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QProgressDialog,
    QTableView,
    QWidget,
)

Visit = Callable[[str, QWidget], None]

# An inventory whose "1.500" could be 1,5 or 1 500 and whose last line counts 999 999 999 999
# gloves: the wizard's mapping page asks about the dot, its check page lists unusual values.
STOCK_FILE = (
    "Code;Désignation;Emplacement;Quantité;Prix unitaire\n"
    "3400930000011;Paracétamol 1 g comprimé;Pharmacie;1.500;0,05\n"
    "3400930000042;Chlorure de sodium 0,9 % 100 ml;Pharmacie;12;0,92\n"
    "3400930000066;Cathéter court 20G;Pharmacie;2.250;1,20\n"
    "3400930000080;Gants d'examen nitrile;Pharmacie;999999999999;0,065\n"
)
ACTIVITY_AMBIGUOUS = "code;valeur\nconso_medicaments;12\nconso_dms_dmi;1.500\n"
ACTIVITY_UNUSUAL = "code;valeur\nlignes_cmd_medicaments;1 500\ncommandes_dmi;45 000\n"


def wait(app: QApplication, window: QWidget, rounds: int = 6) -> None:
    """Let the worker jobs finish and their results reach the widgets."""
    for _ in range(rounds):
        window.runner.wait(30_000)  # type: ignore[attr-defined]
        for _ in range(5):
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def open_dialog(
    app: QApplication, window: QWidget, name: str, opener: Callable[[], object], visit: Visit
) -> None:
    """`opener()`, then each top-level window it showed visited as `name` and closed."""
    before = {id(w) for w in app.topLevelWidgets() if w.isVisible()}
    opener()
    wait(app, window)
    opened = [w for w in app.topLevelWidgets() if w.isVisible() and id(w) not in before]
    if not opened:
        visit(f"{name}: did not open", window)
        return
    for widget in opened:
        visit(name, widget)
        if isinstance(widget, QDialog):
            widget.done(0)
        else:
            widget.close()
    wait(app, window)


@dataclass
class Walker:
    app: QApplication
    window: QWidget
    visit: Visit

    def wait(self, rounds: int = 6) -> None:
        wait(self.app, self.window, rounds)

    def dialog(self, name: str, opener: Callable[[], object]) -> None:
        open_dialog(self.app, self.window, name, opener, self.visit)

    def until(self, ready: Callable[[], bool], seconds: float = 30) -> None:
        """Process events until `ready()` (a tab may load a moment after it is shown:
        ui/after_paint.py), or `seconds` have passed."""
        deadline = time.monotonic() + seconds
        while not ready() and time.monotonic() < deadline:
            self.wait(rounds=1)

    @property
    def folder(self) -> Path:
        return Path(self.window.services.database_path).parent  # type: ignore[attr-defined]

    def file(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def show_section(self, row: int) -> None:
        self.window.navigation.setCurrentRow(row)  # type: ignore[attr-defined]
        self.wait()


@contextmanager
def _choosing(path: Path) -> Iterator[None]:
    """The file dialog answers `path`, as if the user had picked it."""
    original = QFileDialog.getOpenFileName
    QFileDialog.getOpenFileName = staticmethod(lambda *_a, **_k: (str(path), ""))  # type: ignore[method-assign]
    try:
        yield
    finally:
        QFileDialog.getOpenFileName = original  # type: ignore[method-assign]


def _modal(walker: Walker, name: str, tries: int = 500, *, accept: bool = True) -> None:
    """The next dialog run with `exec()`: visited from inside its loop, then accepted (or
    closed, when `accept` is false)."""

    def look(left: int) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QDialog) or isinstance(box, QProgressDialog):
            if left > 0:
                QTimer.singleShot(20, lambda: look(left - 1))
            return
        walker.visit(name, box)
        if accept:
            box.accept()
        else:
            box.reject()

    QTimer.singleShot(0, lambda: look(tries))


def _select_rows(table: QTableView, count: int) -> None:
    model = table.model()
    rows = min(count, model.rowCount())
    if rows == 0:
        return
    last = model.columnCount() - 1
    selection = QItemSelection(model.index(0, 0), model.index(rows - 1, last))
    flags = QItemSelectionModel.SelectionFlag
    table.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)


# --- before the sections --------------------------------------------------------------------


def open_consolidation(walker: Walker) -> None:
    """A throw-away consolidation base trusting two establishments' keys, so that the trusted
    keys' table is seen with its fingerprints."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hospiperf_desktop.bundles.keys import PublicKey

    view = walker.window.exports_page().ars  # type: ignore[attr-defined]
    view.location.setText(str(walker.folder / "consolidation-ars.sqlite"))
    view.open_database()
    walker.wait()
    keys = [
        PublicKey(
            finess,
            Ed25519PrivateKey.from_private_bytes(bytes([seed] * 32))
            .public_key()
            .public_bytes_raw(),
        )
        for seed, finess in ((7, "690990015"), (9, "690990023"))
    ]
    view._run(lambda consolidation, _p: consolidation.trust(keys), lambda _r: None)
    walker.wait()


# --- after the sections ---------------------------------------------------------------------


def stock_dialogs(walker: Walker, stock: QWidget) -> None:
    """A product, several products, a shortage, a supplier: from their tabs' own buttons."""
    products = stock.products  # type: ignore[attr-defined]
    stock.tabs.setCurrentWidget(products)  # type: ignore[attr-defined]
    walker.wait()
    chooser = stock.establishment  # type: ignore[attr-defined]
    for index in range(chooser.count()):  # an establishment with stock data
        if products.table.model().rowCount() > 0:
            break
        chooser.setCurrentIndex(index)
        walker.wait()
    products.table.selectRow(0)
    walker.dialog("dialogue-produit", products.open_selected)
    _select_rows(products.table, 3)
    walker.dialog("dialogue-produits-en-lot", products.change_selected)
    shortages = stock.shortages  # type: ignore[attr-defined]
    stock.tabs.setCurrentWidget(shortages)  # type: ignore[attr-defined]
    walker.wait()
    walker.dialog("dialogue-rupture", shortages.add)
    suppliers = stock.suppliers  # type: ignore[attr-defined]
    stock.tabs.setCurrentWidget(suppliers)  # type: ignore[attr-defined]
    walker.wait()
    suppliers.table.selectRow(0)
    walker.dialog("dialogue-fournisseur", suppliers.edit_selected)


def import_wizard_pages(walker: Walker, stock: QWidget) -> None:
    """The stock import wizard's pages 2 to 4 with a file that asks about its dot and holds an
    unusual quantity: columns, checks (the values ticked and justified), then the import."""
    path = walker.file("inventaire-portable.csv", STOCK_FILE)
    stock.import_file()  # type: ignore[attr-defined]
    walker.wait()
    wizard = stock.wizard  # type: ignore[attr-defined]
    if wizard is None:
        walker.visit("assistant-import-stock-colonnes: did not open", walker.window)
        return
    wizard.file_page.path.setText(str(path))
    wizard.file_page.kind.setCurrentIndex(0)  # an inventory
    wizard.next()
    walker.wait()
    walker.visit("assistant-import-stock-colonnes", wizard)
    wizard.mapping_page.numbers.thousands.setChecked(True)
    walker.wait()
    wizard.next()
    walker.wait()
    walker.visit("assistant-import-stock-controles", wizard)
    unusual = wizard.check_page.unusual
    for row in range(unusual.list.count()):
        item = unusual.list.item(row)
        item.setCheckState(Qt.CheckState.Checked)
    unusual.justification_edit.setText("Inventaire annuel : gants comptés à l'unité")
    wizard.next()
    walker.wait(rounds=10)
    walker.visit("assistant-import-stock-resultat", wizard)
    wizard.accept()
    walker.wait()


def diagnostic_dialogs(walker: Walker, diagnostics: QWidget) -> None:
    """The questionnaire library, the comparisons, and a validated campaign's evidence and
    plan of actions."""
    walker.dialog("dialogue-questionnaires", diagnostics.open_library)  # type: ignore[attr-defined]
    _modal(walker, "dialogue-choix-questionnaire")
    walker.dialog("dialogue-comparaison-etablissements", diagnostics.compare_establishments)  # type: ignore[attr-defined]
    rows = diagnostics.model_rows()  # type: ignore[attr-defined]
    campaigns = Counter((r.template_id, r.establishment_id) for r in rows)
    pairs = [r for r in rows if campaigns[r.template_id, r.establishment_id] > 1]
    validated = next((r for r in pairs if r.locked), None)
    in_progress = next((r for r in pairs if not r.locked), None)
    if in_progress is not None:  # its first item with a piece of evidence attached
        diagnostics.open(in_progress.id)  # type: ignore[attr-defined]
        walker.wait()
        item = diagnostics.current.detail.template.items[0].id  # type: ignore[attr-defined]
        evidence = walker.file("compte-rendu-commission-du-medicament-2026.txt", "Compte rendu\n")
        services = walker.window.services  # type: ignore[attr-defined]
        services.diagnostics.add_evidence(in_progress.id, item, evidence)
        diagnostics.open(in_progress.id)  # type: ignore[attr-defined]  # shown with it
        walker.wait()
        walker.dialog("dialogue-preuves", lambda: diagnostics.show_evidence(item))  # type: ignore[attr-defined]
    if validated is None:
        return
    diagnostics.open(validated.id)  # type: ignore[attr-defined]
    walker.wait()
    _modal(walker, "dialogue-choix-campagne")
    walker.dialog("dialogue-comparaison-campagnes", diagnostics.compare_current)  # type: ignore[attr-defined]
    plan = diagnostics.plan  # type: ignore[attr-defined]
    diagnostics.tabs.setCurrentWidget(plan)  # type: ignore[attr-defined]
    walker.wait()
    walker.dialog("dialogue-nouvelle-action", plan.add_action)
    plan.table.selectRow(0)
    walker.dialog("dialogue-action", plan.edit_selected)
    _modal(walker, "dialogue-rouvrir-diagnostic", accept=False)  # the reason asked, not given
    diagnostics.reopen_current()  # type: ignore[attr-defined]
    walker.wait()
    diagnostics.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
    diagnostics.back_to_list()  # type: ignore[attr-defined]
    walker.wait()


def establishment_delete(walker: Walker, establishments: QWidget) -> None:
    """Deleting an establishment that holds data (closed: nothing is deleted)."""
    establishments.table.selectRow(0)  # type: ignore[attr-defined]
    walker.dialog("dialogue-suppression-etablissement", establishments.delete_selected)  # type: ignore[attr-defined]


def activity_dialogs(walker: Walker, activity: QWidget) -> None:
    """An unusual value typed, a file whose dot is ambiguous, a file with unusual values, and
    a work-unit table copied, then a line added to the copy."""
    grid = activity.grid_model  # type: ignore[attr-defined]

    def typed() -> None:  # 45 000 DMI orders in a year: more than the plausible 30 000
        grid.setData(grid.index_of("commandes_dmi"), "45000")

    walker.dialog("dialogue-valeur-inhabituelle", typed)
    with _choosing(walker.file("activite-point.csv", ACTIVITY_AMBIGUOUS)):
        walker.dialog("dialogue-point-decimal", activity.import_file)  # type: ignore[attr-defined]
    with _choosing(walker.file("activite-inhabituelle.csv", ACTIVITY_UNUSUAL)):
        walker.dialog("dialogue-import-inhabituel", activity.import_file)  # type: ignore[attr-defined]
    units = activity.work_units  # type: ignore[attr-defined]
    activity.tabs.setCurrentWidget(units)  # type: ignore[attr-defined]
    walker.until(lambda: units.shown is not None)
    units.copy_table()
    walker.wait()
    copying = units.dialog
    if copying is None or not copying.isVisible():
        walker.visit("dialogue-copie-table-uo: did not open", walker.window)
        return
    walker.visit("dialogue-copie-table-uo", copying)
    copying.accept()  # the establishment's own copy, whose lines it may add
    walker.wait(rounds=10)
    walker.dialog("dialogue-ligne-uo", units.add_line)
    activity.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
    walker.wait()


def calculator_dialogs(walker: Walker, calculators: QWidget) -> None:
    """Keeping a scenario (the first calculator with a result), then opening the one kept."""
    tabs = calculators.tabs  # type: ignore[attr-defined]
    for number in range(tabs.count()):
        tabs.setCurrentIndex(number)  # a calculator's view is built when its tab shows
        walker.wait()
        view = tabs.widget(number)
        if getattr(view, "save_button", None) is None or view.snapshot() is None:
            continue
        view.save_scenario()
        walker.wait()
        saving = view.dialog
        if saving is None or not saving.isVisible():
            walker.visit("dialogue-enregistrer-scenario: did not open", walker.window)
            break
        walker.visit("dialogue-enregistrer-scenario", saving)
        saving.accept()  # kept under the name suggested
        walker.wait()
        walker.dialog("dialogue-ouvrir-scenario", view.open_scenario)
        break
    for number in range(tabs.count()):
        view = tabs.widget(number)
        if getattr(view, "table_button", None) is None:
            continue
        tabs.setCurrentIndex(number)
        walker.wait(rounds=10)  # the table in force is read in the worker
        walker.dialog("dialogue-coefficients-sterilisation", view.table_button.click)
    tabs.setCurrentIndex(0)
    walker.wait()


def checks_before_signing(walker: Walker, send: QWidget) -> None:
    """The checks before signing, on the first establishment whose bundle has a warning to
    justify (signing one without warning asks for the passphrase straight away)."""
    from ui.sections.exports.checks_dialog import ChecksDialog, needs_dialog

    chooser = send.establishment  # type: ignore[attr-defined]
    start = chooser.currentIndex()
    for index in range(chooser.count()):
        chooser.setCurrentIndex(index)
        walker.wait()
        send.prepare_button.click()  # type: ignore[attr-defined]
        walker.wait()
        prepared = send.prepared  # type: ignore[attr-defined]
        if prepared is not None and needs_dialog(prepared.checks):
            walker.dialog("dialogue-controles", send.sign)  # type: ignore[attr-defined]
            break
    else:  # no warning anywhere: the list of checks, all passed
        last = send.prepared  # type: ignore[attr-defined]
        if last is not None:
            walker.dialog("dialogue-controles", ChecksDialog(last.checks, last.rules, send).open)
    chooser.setCurrentIndex(start)
    walker.wait()


def reference_package(walker: Walker) -> None:
    """Fichier › Importer un paquet de référence…, signed with the ARS key the walk trusts."""
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hospiperf_desktop.bundles.authority import ArsPublicKey
    from hospiperf_desktop.library.package import write_package

    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw = private.public_key().public_bytes_raw()
    path = walker.folder / "paquet-reference-ars.zip"
    write_package(
        path,
        _package_items(),
        kind="reference",
        publisher="ARS Auvergne-Rhône-Alpes",
        signer_fingerprint=ArsPublicKey("ARS Auvergne-Rhône-Alpes", raw).fingerprint,
        sign=private.sign,
        created=datetime(2026, 11, 30, tzinfo=UTC),
        software_version="walk",
    )
    with _choosing(path):
        walker.dialog("dialogue-paquet-reference", walker.window.packages.action.trigger)  # type: ignore[attr-defined]


def _package_items() -> list:  # type: ignore[type-arg]
    import json

    from hospiperf_desktop.bundles.bag import sha256
    from hospiperf_desktop.library.package import PackageItem

    rules = {
        "format": "hospiperf-rules/1",
        "id": "regles-ars-auvergne-rhone-alpes",
        "version": "2027.1",
        "title": "Règles régionales de contrôle avant envoi 2027",
        "required_modules": ["activity"],
        "diagnostics_validated": True,
        "activity": {"catalog_ranges": True, "far_from_previous": True, "ranges": {}},
    }
    table = {
        "format": 1,
        "id": "uo-sterilisation-ars",
        "version": "2027.1",
        "title": "Coefficients régionaux des unités d'œuvre de stérilisation",
        "status": "regional",
        "groups": [{"id": "ste", "label": "Stérilisation"}],
        "items": [
            {
                "id": "C1",
                "label": "Boîte standard",
                "group": "ste",
                "measure": "boites_sterilisees",
                "coefficient": 1.5,
            }
        ],
    }
    items = []
    for kind, folder, document in (("rules", "rules", rules), ("uo_table", "uo", table)):
        content = json.dumps(document, ensure_ascii=False).encode("utf-8")
        path = f"data/{folder}/{document['id']}-{document['version']}.json"
        items.append(
            PackageItem(
                kind,
                path,
                str(document["id"]),
                str(document["version"]),
                str(document["title"]),
                sha256(content),
                content,
            )
        )
    return items
