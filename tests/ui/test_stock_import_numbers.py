"""The import wizard shows how numbers were read, asks what an ambiguous dot means, and lets
unusual values in only when each is ticked and justified — all typed at the keyboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dialog_support import answer_next_question
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from hospiperf_desktop.stock.bounds import shipped_bounds
from ui.main_window import MainWindow
from ui.sections.stock.import_wizard import ImportWizard
from ui.sections.stock.page import StockPage

BOUNDS = shipped_bounds()
# A French export: "1.500" and "2.250" could be 1,5 and 2,25 or 1 500 and 2 250; nothing in
# the Quantité column tells. The last line counts 999 999 999 999 gloves (65 billion euros).
AMBIGUOUS = (
    "Code;Désignation;Emplacement;Quantité;Prix unitaire\n"
    "3400930000011;Paracétamol 1 g comprimé;Pharmacie;1.500;0,05\n"
    "3400930000042;Chlorure de sodium 0,9 % 100 ml;Pharmacie;12;0,92\n"
    "3400930000066;Cathéter court 20G;Pharmacie;2.250;1,20\n"
    "3400930000080;Gants d'examen nitrile;Pharmacie;999999999999;0,065\n"
)


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def establishment(services) -> Establishment:
    return services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )


@pytest.fixture
def page(qtbot, window: MainWindow, establishment: Establishment) -> StockPage:
    with qtbot.waitSignal(window.stock_page().indicators.loaded, timeout=10_000):
        window.navigation.setCurrentRow(2)
    return window.stock_page()


def _wizard_on_mapping(qtbot, page: StockPage, path: Path) -> ImportWizard:
    page.import_button.click()
    wizard = page.wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=10_000)
    wizard.file_page.path.setText(str(path))
    wizard.file_page.kind.setCurrentIndex(0)  # inventory, dated on the file page
    with qtbot.waitSignal(wizard.mapping_page.ready, timeout=10_000):
        wizard.next()
    return wizard


def _quantities(services, establishment: Establishment) -> dict[str, float]:
    catalog = services.stock.catalog
    return {
        product.code: sum(point.quantity for point in catalog.history(product.id).stock)
        for product in catalog.products(establishment.id)
    }


def test_an_ambiguous_dot_is_chosen_at_the_keyboard_and_unusual_values_are_ticked_and_justified(
    qtbot, page: StockPage, tmp_path: Path, other_services, establishment: Establishment
) -> None:
    path = tmp_path / "inventaire.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    wizard = _wizard_on_mapping(qtbot, page, path)
    mapping = wizard.mapping_page
    numbers = mapping.numbers
    assert numbers.isVisible() and numbers.choice_row.isVisible()
    rows = {
        numbers.table.item(r, 0).text(): [_plain(numbers.table.item(r, c).text()) for c in (1, 2)]
        for r in range(numbers.table.rowCount())
    }
    assert rows["D · Quantité → Quantité"] == [
        "« 1.500 » → 1,5 ou 1 500 ; « 2.250 » → 2,25 ou 2 250 ; « 12 » → 12 ; "
        "« 999999999999 » → 999 999 999 999",
        "ambiguë : choisissez ci-dessous",
    ]
    assert rows["E · Prix unitaire → Prix unitaire"][1] == "sans ambiguïté"
    # Until the user says what the dot means, the file cannot go further.
    assert not mapping.isComplete()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()

    # Keyboard: Space picks "point décimal", then the Right arrow moves the choice to
    # "séparateur de milliers" (buttons of one group, as a person would switch them).
    numbers.decimal.setFocus()
    QTest.keyClick(numbers.decimal, Qt.Key.Key_Space)
    assert mapping.dot_choice() == "decimal"
    QTest.keyClick(numbers.decimal, Qt.Key.Key_Right)
    assert numbers.thousands.isChecked() and not numbers.decimal.isChecked()
    assert _plain(numbers.table.item(0, 1).text()).startswith(
        "« 1.500 » → 1 500 ; « 2.250 » → 2 250"
    )
    assert numbers.table.item(0, 2).text() == "ambiguë → séparateur de milliers (votre choix)"
    assert mapping.isComplete()

    with qtbot.waitSignal(wizard.check_page.checked, timeout=10_000):
        wizard.next()
    check = wizard.check_page
    unusual = check.unusual
    assert unusual.isVisible()
    items = [_plain(unusual.list.item(i).text()) for i in range(unusual.list.count())]
    assert items == [
        "inventaire.csv, ligne 5, colonne D (Quantité) : 999 999 999 999 est hors de la plage "
        "plausible (0 à 1 000 000) — " + BOUNDS.quantity.source,
        "inventaire.csv, ligne 5 : la valeur de la ligne (quantité × prix unitaire), "
        "64 999 999 999,935, est hors de la plage plausible (0 à 20 000 000) — "
        + BOUNDS.value.source,
    ]
    commit = wizard.button(wizard.WizardButton.CommitButton)
    assert not commit.isEnabled()

    # Tick both values with Space, then Tab to the justification and type it.
    unusual.list.setFocus()
    unusual.list.setCurrentRow(0)
    QTest.keyClick(unusual.list, Qt.Key.Key_Space)
    assert not commit.isEnabled()  # one ticked of two
    QTest.keyClick(unusual.list, Qt.Key.Key_Down)
    QTest.keyClick(unusual.list, Qt.Key.Key_Space)
    assert not commit.isEnabled()  # no justification yet
    QTest.keyClick(unusual.list, Qt.Key.Key_Tab)
    assert unusual.justification_edit.hasFocus()
    # QTest types ASCII only (it asserts on accented letters): the words are typed plain.
    qtbot.keyClicks(unusual.justification_edit, "Inventaire annuel: gants comptes a l'unite, 31/03")
    assert commit.isEnabled()

    with qtbot.waitSignal(wizard.imported, timeout=10_000):
        wizard.next()
    assert "4 ligne(s) importée(s)" in wizard.run_page.summary.text()
    wizard.accept()

    assert _quantities(other_services, establishment) == {
        "3400930000011": 1500.0,
        "3400930000042": 12.0,
        "3400930000066": 2250.0,
        "3400930000080": 999_999_999_999.0,
    }
    entry = next(e for e in other_services.audit.recent() if e.entity == "stock_import")
    assert entry.after is not None
    assert entry.after["single_dot"] == "thousands"
    confirmed = entry.after["unusual"]
    assert confirmed["justification"] == "Inventaire annuel: gants comptes a l'unite, 31/03"
    assert confirmed["count"] == 2
    assert [(v["line"], v["column"], v["field"]) for v in confirmed["values"]] == [
        (5, "D (Quantité)", "quantity"),
        (5, None, "value"),
    ]


def test_without_a_justification_nothing_is_imported(
    qtbot, page: StockPage, tmp_path: Path, other_services, establishment: Establishment
) -> None:
    path = tmp_path / "inventaire.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    wizard = _wizard_on_mapping(qtbot, page, path)
    numbers = wizard.mapping_page.numbers
    numbers.thousands.setFocus()
    QTest.keyClick(numbers.thousands, Qt.Key.Key_Space)
    with qtbot.waitSignal(wizard.check_page.checked, timeout=10_000):
        wizard.next()
    unusual = wizard.check_page.unusual
    for row in range(unusual.list.count()):
        unusual.list.setCurrentRow(row)
        QTest.keyClick(unusual.list, Qt.Key.Key_Space)
    qtbot.keyClicks(unusual.justification_edit, "   ")  # blanks are no justification
    assert not wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    wizard.reject()
    assert other_services.stock.imports.imports(establishment.id) == []
    assert other_services.stock.catalog.products(establishment.id) == []


INVENTORY = (
    "Code;Désignation;Emplacement;Quantité;Prix unitaire\n"
    "3400930000011;Paracétamol 1 g comprimé;Pharmacie;1 200;0,05\n"
    "3400930000042;Chlorure de sodium 0,9 % 100 ml;Pharmacie;800;0,92\n"
)


def _product_dialog(qtbot, page: StockPage, services, establishment: Establishment, tmp_path):
    from hospiperf_desktop.stock.mapping import ImportKind
    from hospiperf_desktop.stock.records import ImportOptions

    path = tmp_path / "inventaire.csv"
    path.write_text(INVENTORY, encoding="utf-8")
    imports = services.stock.imports
    mapping = imports.preview(path, ImportKind.SNAPSHOT).mapping
    imports.run(establishment.id, path, mapping, ImportOptions(snapshot_date=date(2026, 3, 31)))
    products = {p.code: p for p in services.stock.catalog.products(establishment.id)}
    view = page.products
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(view)
    view.open_product(products["3400930000011"].id)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=10_000)
    return view, view.dialog, products


def _type_over(qtbot, field, text: str) -> None:
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def test_a_typed_unit_price_outside_its_range_is_kept_only_with_a_justification(
    qtbot, page: StockPage, tmp_path: Path, services, other_services, establishment: Establishment
) -> None:
    view, dialog, before = _product_dialog(qtbot, page, services, establishment, tmp_path)
    assert dialog.price.text() == "0,05"
    _type_over(qtbot, dialog.price, "5 000 000")
    QTest.keyClick(dialog.price, Qt.Key.Key_Return)
    # Not closed: the price is unusual, and the dialog asks why, focus in the justification.
    assert dialog.isVisible() and dialog.unusual_row.isVisible()
    assert "hors de la plage plausible d'un prix unitaire (0 à 3" in _plain(
        dialog.unusual_help.text()
    )
    assert dialog.justification.hasFocus()
    qtbot.keyClicks(dialog.justification, "Therapie genique: prix 2026 du laboratoire")
    with qtbot.waitSignal(view.changed, timeout=10_000):
        QTest.keyClick(dialog.justification, Qt.Key.Key_Return)
    assert not dialog.isVisible()

    after = {p.code: p for p in other_services.stock.catalog.products(establishment.id)}
    changed = after["3400930000011"]
    assert changed.unit_price == 5_000_000.0
    old = before["3400930000011"]
    assert (changed.category, changed.mitm, changed.has_substitute, changed.label) == (
        old.category, old.mitm, old.has_substitute, old.label,
    )  # fmt: skip
    assert after["3400930000042"] == before["3400930000042"]
    entry = next(e for e in other_services.audit.recent() if e.entity == "product")
    assert entry.after is not None
    assert entry.after["unit_price"] == 5_000_000.0
    assert entry.after["justification"] == "Therapie genique: prix 2026 du laboratoire"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("1.500", "« 1.500 » est ambigu : écrivez par exemple 1500 (mille cinq cents) ou 1,5."),
        ("1e16", "« 1e16 » est trop grand."),
        ("inf", "« inf » n'est pas un nombre."),
        ("-2", "Un prix ne peut pas être négatif."),
    ],
)
def test_a_wrong_typed_price_stays_in_the_field_with_its_reason_and_nothing_changes(
    qtbot, page: StockPage, tmp_path: Path, services, other_services, establishment: Establishment,
    typed: str, error: str,
) -> None:  # fmt: skip
    _view, dialog, before = _product_dialog(qtbot, page, services, establishment, tmp_path)
    _type_over(qtbot, dialog.price, typed)
    QTest.keyClick(dialog.price, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.price.text() == typed and dialog.price.hasFocus()
    assert dialog.price_error.text() == error
    seen: list[str] = []
    answer_next_question("Abandonner", seen)  # a typed form asks before it is thrown away
    qtbot.keyClick(dialog.price, Qt.Key.Key_Escape)
    assert seen == ["Abandonner la saisie ?"] and not dialog.isVisible()
    after = {p.code: p for p in other_services.stock.catalog.products(establishment.id)}
    assert after == before
