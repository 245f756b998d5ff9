"""Stock tables sort their rows in Python, one key per row (not a proxy comparing cells
through data()): the order shown and the selection must be what the proxy gave before."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from ui.sections.stock.common import Column, ColumnsTableModel, RecordFilter, stock_table


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    price: float | None


LINES = [
    Line("3", "Éthanol", 2.0),
    Line("1", "amoxicilline", None),
    Line("2", "Zinc", 10.0),
    Line("4", "eau", 1.5),
]


def _table(qtbot):  # type: ignore[no-untyped-def]
    model = ColumnsTableModel(
        [
            Column("Code", lambda r: r.code),
            Column("Libellé", lambda r: r.label),
            Column("Prix", lambda r: "" if r.price is None else str(r.price),
                   lambda r: float("inf") if r.price is None else r.price),
        ]
    )  # fmt: skip
    proxy = RecordFilter(model)
    table = stock_table(proxy)
    qtbot.addWidget(table)
    model.set_rows(LINES)
    return table, proxy


def _codes(proxy: RecordFilter) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_sorting_a_column_orders_rows_in_french_order_and_numbers_by_value(qtbot) -> None:
    table, proxy = _table(qtbot)
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert _codes(proxy) == ["1", "4", "3", "2"]  # amoxicilline, eau, Éthanol, Zinc
    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert _codes(proxy) == ["1", "2", "3", "4"]  # missing price first when descending
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert _codes(proxy) == ["3", "1", "2", "4"]  # the order given


def test_new_rows_keep_the_chosen_order_and_the_selection_follows_its_row(qtbot) -> None:
    table, proxy = _table(qtbot)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.selectRow(2)  # code 3
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    selected = table.selectionModel().selectedRows()
    assert [proxy.index(i.row(), 0).data() for i in selected] == ["3"]
    proxy.sourceModel().set_rows([*LINES, Line("0", "acide", 0.5)])
    assert _codes(proxy) == ["4", "3", "2", "1", "0"]
    proxy.set_search("zinc")
    assert _codes(proxy) == ["2"]
