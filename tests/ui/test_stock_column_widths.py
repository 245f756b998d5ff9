"""`fit_columns` measures a stock table's columns from their texts (`text_widths`), not through
Qt's delegate (a `data()` call per role and cell): the widths must be the ones Qt gives."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from ui.record_table import SIZING_SAMPLE_ROWS
from ui.sections.stock.common import (
    Column,
    ColumnsTableModel,
    RecordFilter,
    fit_columns,
    stock_table,
    text_widths,
)


class OwnDelegate(QStyledItemDelegate):
    """A delegate that may draw cells its own way."""


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    amount: str
    total: bool = False


def _lines(count: int) -> list[Line]:
    lines = [
        Line(f"P{n:04d}", f"Produit n° {n} — seringue {n % 7} ml", f"{n * 1234.5:,.2f}\u202f€")
        for n in range(count)
    ]
    # A bold total, a two-line label and a wide value far down the list (outside the sample).
    lines[3] = Line("TOTAL", "Total des familles", "9\u202f999\u202f999,99\u00a0€", total=True)
    lines[5] = Line("P0005", "Compresses stériles\nboîte de cinquante", "12,00 €")
    lines[count - 1] = Line("P9999", "W" * 80, "1")
    return lines


def _table(qtbot, count: int, grid: bool = True) -> tuple[QTableView, ColumnsTableModel]:  # type: ignore[no-untyped-def]
    model = ColumnsTableModel(
        [
            Column("Code", lambda r: r.code),
            Column("Libellé", lambda r: r.label),
            Column("Montant", lambda r: r.amount, right=True),
        ]
    )
    model.bold = lambda row: row.total
    table = stock_table(RecordFilter(model))
    table.setShowGrid(grid)
    qtbot.addWidget(table)
    model.set_rows(_lines(count))
    return table, model


@pytest.mark.parametrize("grid", [True, False])
def test_text_widths_are_the_widths_qt_measures(qtbot, grid: bool) -> None:  # type: ignore[no-untyped-def]
    table, _model = _table(qtbot, SIZING_SAMPLE_ROWS + 30, grid)
    qt_widths = [table.sizeHintForColumn(c) for c in range(3)]
    assert text_widths(table) == qt_widths
    # Sorted by the proxy: the sample is the first rows as shown, as Qt's.
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert text_widths(table) == [table.sizeHintForColumn(c) for c in range(3)]
    # On screen, Qt measures the rows in view first, then those below: the same sample.
    table.resize(700, 400)
    table.show()
    qtbot.waitExposed(table)
    assert text_widths(table) == [table.sizeHintForColumn(c) for c in range(3)]
    # The bold total is measured bold: wider than the same text in the plain font.
    plain = table.fontMetrics().horizontalAdvance("9\u202f999\u202f999,99\u00a0€")
    assert text_widths(table)[2] > plain


def test_an_empty_table_and_another_model_are_measured_as_qt_does(qtbot) -> None:  # type: ignore[no-untyped-def]
    table, model = _table(qtbot, 8)
    model.set_rows([])
    assert text_widths(table) == [table.sizeHintForColumn(c) for c in range(3)]
    direct = QTableView()
    qtbot.addWidget(direct)
    direct.setModel(model)
    model.set_rows(_lines(8))
    assert text_widths(direct) == [direct.sizeHintForColumn(c) for c in range(3)]
    direct.setItemDelegate(OwnDelegate(direct))
    assert text_widths(direct) is None  # a delegate of its own: Qt measures


def test_fitting_a_long_table_makes_no_data_call_for_sizing(qtbot) -> None:  # type: ignore[no-untyped-def]
    table, model = _table(qtbot, 2000)
    calls: list[int] = []
    data = model.data

    def counted(index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        calls.append(role)
        return data(index, role)

    model.data = counted  # type: ignore[method-assign]
    fit_columns(table)
    assert calls == []
    widths = [table.columnWidth(c) for c in range(2)]
    assert widths[0] >= table.sizeHintForColumn(0) + 8
    assert widths[1] >= table.sizeHintForColumn(1) + 8
