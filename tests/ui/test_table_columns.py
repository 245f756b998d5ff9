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


class _Counted(_Products):
    """Products whose data() calls are counted."""

    def __init__(self) -> None:
        self.calls = 0
        super().__init__()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().data(index, role)


def _settle(qtbot, table) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not ColumnChooser.for_view(table)._pending)
    qtbot.wait(20)


def test_columns_follow_their_contents_and_a_column_the_user_resized_stays(qtbot):
    model = _Counted()
    table = _table(qtbot, model)
    table.resize(900, 300)
    _settle(qtbot, table)
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    label = "Amoxicilline 1 g, comprimé dispersible"
    assert header.sectionSize(1) >= metrics.horizontalAdvance(label)

    longer = label + ", boîte de 30, laboratoire générique"
    model.set_rows([["A1", longer, "Médicament", "0,12"]])  # the rows change: measured again
    _settle(qtbot, table)
    assert header.sectionSize(1) >= metrics.horizontalAdvance(longer)

    header.resizeSection(2, 60)  # the user drags the edge of "Catégorie"
    model.set_rows([["A1", label, "Médicament de la réserve hospitalière", "0,12"]])
    _settle(qtbot, table)
    assert header.sectionSize(2) == 60, "the user's width stays"
    assert header.sectionSize(1) < metrics.horizontalAdvance(longer), "the others follow"


def test_squeezing_a_wide_table_measures_it_once_not_once_per_column(qtbot):
    """Columns too wide for the view are capped. Qt measured the whole table again at each
    column's change of resize mode (5,900 data() calls here after the first display, before);
    the chooser measures it once (1,920), then the view paints what changed."""
    model = _Counted()
    model.headers = ["Code", "Libellé", "Catégorie", "Prix unitaire", "Fournisseur", "Note"]
    wide = "un texte assez long pour ne pas tenir dans la vue étroite"
    model.set_rows([[f"A{n}", wide, wide, "0,12", wide, wide] for n in range(40)])
    table = record_table(model)
    qtbot.addWidget(table)
    table.resize(500, 300)
    table.show()  # the first layout, and the chooser's first measure
    model.calls = 0
    _settle(qtbot, table)  # the chooser: take the columns over, measure, squeeze; a paint
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width() + 2, "squeezed to fit"
    one_pass = 40 * len(model.headers) * 8  # every row (fewer than the sample), 8 roles
    assert 0 < model.calls <= 1.5 * one_pass, model.calls


def test_the_first_display_measures_the_table_once(qtbot):
    """Qt sized columns to their contents on its own at the first display (three passes here,
    before the chooser measured them once more); the chooser now has them from the start and
    measures them once, when the table is shown."""
    model = _Counted()
    model.headers = ["Code", "Libellé", "Catégorie", "Prix unitaire", "Fournisseur", "Note"]
    model.set_rows(
        [[f"A{n}", f"Produit {n}", "Médicament", "0,12", "Fournisseur", ""] for n in range(40)]
    )
    table = record_table(model)
    qtbot.addWidget(table)
    table.resize(900, 300)
    model.calls = 0
    table.show()
    _settle(qtbot, table)
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    assert header.sectionSize(3) >= metrics.horizontalAdvance("Prix unitaire")
    assert header.sectionSize(1) >= metrics.horizontalAdvance("Produit 39")
    one_pass = 40 * len(model.headers) * 8  # every row (fewer than the sample), 8 roles
    assert model.calls <= 1.5 * one_pass, model.calls
