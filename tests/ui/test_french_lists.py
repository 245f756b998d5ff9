"""Lists in French order, demo rows marked, unit prices with their significant decimals."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import EstablishmentInput
from ui.sections.stock.common import Column, ColumnsTableModel, RecordFilter, unit_price

FINESS = ["750712184", "130783236", "690990015", "420990046", "970109609"]


def _column(window, column: int) -> list[str]:
    proxy = window.establishments.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_accented_names_sort_with_their_letter_in_the_establishments_table(qtbot, window, services):
    for finess, name in zip(
        FINESS, ["SERINGUE", "ÉNOXAPARINE", "ENALAPRIL", "Zénith", "étoile"], strict=True
    ):
        services.establishments.add(EstablishmentInput(finess=finess, name=name, kind="ch"))
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        window.establishments.reload()
    assert _column(window, 1) == ["ENALAPRIL", "ÉNOXAPARINE", "étoile", "SERINGUE", "Zénith"]
    window.establishments.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert _column(window, 1) == ["Zénith", "SERINGUE", "étoile", "ÉNOXAPARINE", "ENALAPRIL"]


def test_demo_establishments_are_marked_fictif_and_the_users_are_not(qtbot, window, services):
    from hospiperf_desktop.demo import run_demo

    services.establishments.add(EstablishmentInput(finess="750712184", name="Mien", kind="ch"))
    run_demo(services)
    with qtbot.waitSignal(window.establishments.loaded, timeout=10_000):
        window.establishments.reload()
    headers = window.establishments.model.headers
    demo_column = headers.index("Démo")
    marks = dict(zip(_column(window, 0), _column(window, demo_column), strict=True))
    assert marks.pop("750712184") == ""
    assert set(marks.values()) == {"fictif"} and len(marks) == 5


def test_stock_tables_sort_text_in_french_order(qtbot):
    model = ColumnsTableModel([Column("Désignation", lambda label: label)])
    model.set_rows(["SERINGUE 10 ML", "ÉNOXAPARINE 4000 UI", "ACICLOVIR", "éthanol"])
    proxy = RecordFilter(model)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    labels = [proxy.index(row, 0).data() for row in range(proxy.rowCount())]
    assert labels == ["ACICLOVIR", "ÉNOXAPARINE 4000 UI", "éthanol", "SERINGUE 10 ML"]


def test_unit_prices_keep_their_significant_decimals():
    def plain(text: str) -> str:
        return text.replace("\u202f", " ").replace("\xa0", " ")

    assert plain(unit_price(0.0235)) == "0,0235 €"
    assert plain(unit_price(12.5)) == "12,50 €"
    assert plain(unit_price(3)) == "3,00 €"
    assert plain(unit_price(1234.56789)) == "1 234,56789 €"
    assert unit_price(None) == "—"
