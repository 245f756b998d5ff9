"""The column chooser: a column hidden from the header's menu stays hidden when the table is
built again (the settings are per table), and a cut cell shows its whole text on hover."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QCheckBox, QStyleOptionViewItem, QToolTip

from ui.record_table import RecordTableModel, record_table
from ui.table_columns import ColumnChooser, shows_full_text


class _Products(RecordTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.headers = ["Code", "Libellé", "Catégorie", "Prix unitaire"]
        self.set_rows([["A1", "Amoxicilline 1 g, comprimé dispersible", "Médicament", "0,12"]])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None


class _Suppliers(_Products):
    def __init__(self) -> None:
        super().__init__()
        self.headers = ["Code", "Nom", "Prix unitaire"]


def _table(qtbot, model):  # type: ignore[no-untyped-def]
    table = record_table(model)
    qtbot.addWidget(table)
    table.show()
    return table


def test_a_column_hidden_by_its_tick_box_is_still_hidden_when_the_table_is_reopened(qtbot):
    table = _table(qtbot, _Products())
    chooser = ColumnChooser.for_view(table)
    dialog = chooser.open_dialog()
    boxes = {box.text(): box for box in dialog.findChildren(QCheckBox)}
    assert list(boxes) == ["Code", "Libellé", "Catégorie", "Prix unitaire"]
    boxes["Prix unitaire"].setFocus()
    qtbot.keyClick(boxes["Prix unitaire"], Qt.Key.Key_Space)  # untick it from the keyboard
    dialog.accept()
    assert table.isColumnHidden(3) and not table.isColumnHidden(1)
    table.close()

    again = _table(qtbot, _Products())  # the same table, built again (a new start)
    assert again.isColumnHidden(3)
    assert not any(again.isColumnHidden(c) for c in range(3))
    other = _table(qtbot, _Suppliers())  # another table with a column of that name
    assert not other.isColumnHidden(2), "the choice belongs to its own table"

    ColumnChooser.for_view(again).set_shown("Prix unitaire", True)
    assert not _table(qtbot, _Products()).isColumnHidden(3)


def test_the_last_shown_column_cannot_be_hidden(qtbot):
    table = _table(qtbot, _Suppliers())
    chooser = ColumnChooser.for_view(table)
    for title in ("Code", "Nom", "Prix unitaire"):
        chooser.set_shown(title, False)
    assert [table.isColumnHidden(c) for c in range(3)] == [True, True, False]


def test_a_cut_cell_shows_its_whole_text_as_a_tooltip(qtbot):
    table = _table(qtbot, _Products())
    assert shows_full_text(table)
    table.horizontalHeader().setSectionResizeMode(
        1, table.horizontalHeader().ResizeMode.Interactive
    )
    table.setColumnWidth(1, 60)
    index = table.model().index(0, 1)
    rect = table.visualRect(index)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.rect = rect
    event = QHelpEvent(
        QEvent.Type.ToolTip, rect.center(), table.viewport().mapToGlobal(rect.center())
    )
    assert table.itemDelegate().helpEvent(event, table, option, index)
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    assert QToolTip.text() == "Amoxicilline 1 g, comprimé dispersible"
    QToolTip.hideText()


def test_a_column_hidden_by_default_comes_back_when_ticked_and_stays(qtbot):
    table = _table(qtbot, _Products())
    ColumnChooser.for_view(table).set_default_hidden({"Catégorie"})
    assert table.isColumnHidden(2)
    ColumnChooser.for_view(table).set_shown("Catégorie", True)
    again = _table(qtbot, _Products())
    ColumnChooser.for_view(again).set_default_hidden({"Catégorie"})
    assert not again.isColumnHidden(2), "the user's choice wins over the default"
