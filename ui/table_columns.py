"""Wide tables on a small screen: the user chooses their columns, and a cut text is shown whole.

`attach(view)` (called by `record_table()` for every list of the window) gives a table:
- a column chooser: right-click on the header → tick the columns to show; the choice is kept
  per table in the user settings (`columns/<table>`: the titles of the hidden columns), and
  applied again whenever the table is built or its model reset;
- a tooltip holding the whole text of any cell that is too narrow for it (`FullTextDelegate`).

A table is named by its model's class and its column titles, so two lists built on the same
model class with other columns keep their own choice. At least one column always stays.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel

Index = QModelIndex | QPersistentModelIndex


class FullTextDelegate(QStyledItemDelegate):
    """Draws like the default delegate; hovering a cell whose text is cut shows it whole."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if event.type() == QEvent.Type.ToolTip and not index.data(Qt.ItemDataRole.ToolTipRole):
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(text, str) and text and is_cut(self, option, index):
                QToolTip.showText(event.globalPos(), text, view)
                return True
        return super().helpEvent(event, view, option, index)


def is_cut(delegate: QStyledItemDelegate, option: QStyleOptionViewItem, index: Index) -> bool:
    """Whether the cell's text is wider than the cell (so drawn with "…")."""
    return delegate.sizeHint(option, index).width() > option.rect.width() + 2


def shows_full_text(view: QAbstractItemView) -> bool:
    """Whether a cut cell of `view` shows its whole text as a tooltip."""
    return isinstance(view.itemDelegate(), FullTextDelegate)


def full_text_tips(view: QAbstractItemView) -> None:
    """Give `view` the tooltip of cut cells, unless it draws its cells itself."""
    if type(view.itemDelegate()) is QStyledItemDelegate:
        view.setItemDelegate(FullTextDelegate(view))


def _settings():  # type: ignore[no-untyped-def]
    from ui.file_dialogs import user_settings

    return user_settings()


def _titles(model: QAbstractItemModel) -> list[str]:
    titles = []
    for column in range(model.columnCount(QModelIndex())):
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        titles.append(" ".join(str(title or f"#{column + 1}").split()))
    return titles


class ColumnChooser(QObject):
    """The column choice of one table view (see the module's docstring)."""

    def __init__(self, view: QTableView | QTreeView) -> None:
        super().__init__(view)
        self.view = view
        self.dialog: QDialog | None = None
        header = self.header()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        header.setToolTip(self.tr("Clic droit : choisir les colonnes affichées"))
        self._model: QAbstractItemModel | None = None
        self._follow_model()
        self.apply()

    @staticmethod
    def for_view(view: QTableView | QTreeView) -> ColumnChooser:
        found = view.findChild(ColumnChooser, "", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, ColumnChooser) else ColumnChooser(view)

    def header(self) -> QHeaderView:
        view = self.view
        return view.horizontalHeader() if isinstance(view, QTableView) else view.header()

    def _follow_model(self) -> None:
        model = self.view.model()
        if model is self._model or model is None:
            return
        self._model = model
        model.modelReset.connect(self.apply)
        model.headerDataChanged.connect(lambda *_a: self.apply())
        model.columnsInserted.connect(lambda *_a: self.apply())

    def key(self) -> str | None:
        """The table's name in the settings; None before it has columns."""
        model = self.view.model()
        if model is None or model.columnCount(QModelIndex()) == 0:
            return None
        titles = _titles(model)
        source = model
        while hasattr(source, "sourceModel") and source.sourceModel() is not None:
            source = source.sourceModel()
        digest = zlib.crc32("|".join(titles).encode("utf-8"))
        return f"columns/{type(source).__name__}-{digest:08x}"

    def titles(self) -> list[str]:
        model = self.view.model()
        return _titles(model) if model is not None else []

    def hidden(self) -> set[str]:
        key = self.key()
        if key is None:
            return set()
        saved = _settings().value(key)
        if isinstance(saved, str):
            saved = [saved] if saved else []
        return {str(title) for title in saved or ()}

    def apply(self) -> None:
        """Hide the columns the user left out of this table."""
        self._follow_model()
        hidden = self.hidden()
        titles = self.titles()
        if hidden and hidden >= set(titles):
            hidden = set()  # never an empty table
        for column, title in enumerate(titles):
            self.view.setColumnHidden(column, title in hidden)

    def set_shown(self, title: str, shown: bool) -> None:
        """Show or hide the column titled `title`, and remember it."""
        key = self.key()
        if key is None:
            return
        hidden = self.hidden()
        if shown:
            hidden.discard(title)
        else:
            hidden.add(title)
        if set(self.titles()) <= hidden:
            return  # the last column stays
        titles = self.titles()
        _settings().setValue(key, [t for t in titles if t in hidden])
        self.apply()

    def _menu(self, position: QPoint) -> None:
        menu = QMenu(self.header())
        hidden = self.hidden()
        for title in self.titles():
            action = QAction(title, menu)
            action.setCheckable(True)
            action.setChecked(title not in hidden)
            action.toggled.connect(lambda on, t=title: self.set_shown(t, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.tr("Choisir les colonnes…"), self.open_dialog)
        menu.popup(self.header().mapToGlobal(position))

    def open_dialog(self) -> QDialog:
        """A dialog listing the columns with a tick box each (the menu's keyboard twin)."""
        dialog = QDialog(self.view.window())
        dialog.setWindowTitle(self.tr("Colonnes affichées"))
        layout = QVBoxLayout(dialog)
        explain = QLabel(self.tr("Cochez les colonnes à afficher dans ce tableau."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        hidden = self.hidden()
        boxes: list[tuple[str, QCheckBox]] = []
        for title in self.titles():
            box = QCheckBox(title)
            box.setChecked(title not in hidden)
            layout.addWidget(box)
            boxes.append((title, box))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)

        def accepted() -> None:
            for title, box in boxes:
                self.set_shown(title, box.isChecked())

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()
        return dialog


def attach(view: QTableView | QTreeView) -> None:
    """The column chooser and the tooltip of cut cells (for `record_table()`)."""
    full_text_tips(view)
    ColumnChooser.for_view(view)


def choosers(root: QWidget) -> list[ColumnChooser]:
    """The column choosers of the tables under `root` (for the tests and the window)."""
    return root.findChildren(ColumnChooser)
