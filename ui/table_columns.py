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

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QHelpEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel

Index = QModelIndex | QPersistentModelIndex
MIN_COLUMN = 48  # px: narrower, a column says nothing; hide it instead


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
        self._pending = False
        self.default_hidden: set[str] = set()
        # Columns sized to their contents by this chooser (see `_fit`): column -> the width
        # it was given last; one that no longer has it was resized by someone else.
        self._fitted: dict[int, int] = {}
        self._natural: dict[int, int] = {}
        self._refit = True
        self._widen = True
        self._fit_new_columns = False
        self._columns_known = 0
        if not isValid(self.view):
            return
        header = self.header()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        header.setToolTip(self.tr("Clic droit : choisir les colonnes affichées"))
        self._model: QAbstractItemModel | None = None
        self._follow_model()
        self.apply()
        # Sized here from the start: Qt would measure them on its own first display too.
        self._take_over_sizing(header)
        view.viewport().installEventFilter(self)
        header.sectionResized.connect(self._later)
        header.geometriesChanged.connect(self._later)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Shown, or wider or narrower: columns squeezed before may get room (`_widen`).
        if event.type() == QEvent.Type.Show:
            self._widen = True
            self.squeeze()  # now, before the first paint: the columns have their widths
        elif isinstance(event, QResizeEvent):
            if event.size().width() != event.oldSize().width():
                self._widen = True
            self._later()
        return False

    def _later(self, *_args: object) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.squeeze)

    def squeeze(self) -> None:
        """When the columns are a little wider than the table, narrow the widest one (its
        cut cells show their whole text as a tooltip) rather than add a horizontal scroll bar.
        """
        self._pending = False
        if not isValid(self.view):
            return
        header = self.header()
        self._take_over_sizing(header)
        self._fit(header)
        excess = header.length() - self.view.viewport().width()
        if excess <= 0 or header.count() == 0:
            return
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        widths = {c: header.sectionSize(c) for c in shown}
        floors = {c: min(widths[c], self._heading_width(c)) for c in shown}
        stretched = [
            c for c in shown if header.sectionResizeMode(c) == QHeaderView.ResizeMode.Stretch
        ]
        for column in stretched:  # takes what is left: leave it at least its heading
            widths[column] = floors[column] = self._heading_width(column)
        room = self.view.viewport().width()

        def total(cap: int) -> int:
            return sum(max(min(widths[c], cap), floors[c]) for c in shown)

        # The largest cap on the columns' widths that lets them all fit without cutting a
        # heading; when none does, they stay as they are (the user hides some).
        if total(0) > room:
            return
        low, high = 0, max(widths.values())
        while low < high:
            middle = (low + high + 1) // 2
            if total(middle) <= room:
                low = middle
            else:
                high = middle - 1
        for column in shown:
            width = max(min(widths[column], low), floors[column])
            if width < widths[column] and column not in stretched:
                if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
                    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
                if column in self._fitted:
                    self._fitted[column] = width

    def _take_over_sizing(self, header: QHeaderView) -> None:
        """Size the columns Qt sizes to their contents here instead, in one measure.

        Qt measures every such column again (up to 50 rows each, a Python `data()` call per
        role and cell) each time any column's resize mode changes; `squeeze` changing a few
        columns measured the table a few times (10,800 `data()` calls for 50 establishments).
        They are all made Interactive at once (the global mode: nothing measured), the other
        modes put back, and `_fit` measures them when the rows change. Done when the chooser
        is attached (Qt's first display would measure them) and again for any column a page
        sets to ResizeToContents later.
        """
        modes = [header.sectionResizeMode(c) for c in range(header.count())]
        contents = QHeaderView.ResizeMode.ResizeToContents
        if contents not in modes:
            return
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, mode in enumerate(modes):
            if mode == contents:
                self._fitted[column] = header.sectionSize(column)
            elif mode != QHeaderView.ResizeMode.Interactive:
                header.setSectionResizeMode(column, mode)  # Stretch, Fixed: nothing measured
        self._fit_new_columns = True
        self._columns_known = header.count()
        self._refit = True

    def _fit(self, header: QHeaderView) -> None:
        """Give the columns sized here the width of their contents (measured on the rows in
        view and up to the header's `resizeContentsPrecision()` more, as Qt does), when the
        rows changed; after the view was resized or shown, put back their measured width
        (the view may be wider) for `squeeze` to cap again. A column
        someone resized since (a person dragging its edge, a page aligning its tables) is
        left as it is and no longer sized here."""
        interactive = QHeaderView.ResizeMode.Interactive
        for column in range(self._columns_known, header.count()):  # a new column: fitted
            if self._fit_new_columns and header.sectionResizeMode(column) == interactive:
                self._fitted[column] = header.sectionSize(column)
        self._columns_known = header.count()
        for column, given in list(self._fitted.items()):
            gone = column >= header.count()
            if gone or (header.sectionSize(column) != given and not header.isSectionHidden(column)):
                del self._fitted[column]
                self._natural.pop(column, None)
        measure, widen = self._refit, self._widen
        self._refit = self._widen = False
        if not (measure or widen):
            return  # a squeeze of its own, or a column resized: the widths stay
        for column in self._fitted:
            if header.isSectionHidden(column):
                continue
            if measure or column not in self._natural:
                hint = self.view.sizeHintForColumn(column)
                width = max(hint, header.sectionSizeHint(column), header.minimumSectionSize())
                self._natural[column] = min(width, header.maximumSectionSize())
            width = self._natural[column]
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
            self._fitted[column] = width

    def _heading_width(self, column: int) -> int:
        """The width the column's heading needs, or MIN_COLUMN when it has a tooltip."""
        header = self.header()
        model = header.model()
        text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        if tip or not isinstance(text, str):
            return MIN_COLUMN
        metrics = header.fontMetrics()
        lines = text.splitlines() or [""]
        margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        return max(MIN_COLUMN, max(metrics.horizontalAdvance(line) for line in lines) + margin + 4)

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
        # Bound methods, not lambdas: disconnected when the view (and this chooser) goes.
        model.modelReset.connect(self.apply)
        model.headerDataChanged.connect(self._columns_changed)
        model.columnsInserted.connect(self._columns_changed)
        for changed in (
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.dataChanged,
        ):
            changed.connect(self._contents_changed)

    def _columns_changed(self, *_args: object) -> None:
        self.apply()

    def _contents_changed(self, *_args: object) -> None:
        self._refit = True
        self._later()

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
        if not _settings().contains(key):
            return set(self.default_hidden)  # the user has not chosen yet
        saved = _settings().value(key)
        if isinstance(saved, str):
            saved = [saved] if saved else []
        return {str(title) for title in saved or ()}

    def set_default_hidden(self, titles: set[str]) -> None:
        """Columns left out until the user chooses (said elsewhere on the screen)."""
        self.default_hidden = set(titles)
        self.apply()

    def apply(self) -> None:
        """Hide the columns the user left out of this table."""
        if not isValid(self.view):
            return  # the model of a table being destroyed resets itself
        self._follow_model()
        hidden = self.hidden()
        titles = self.titles()
        if hidden and hidden >= set(titles):
            hidden = set()  # never an empty table
        for column, title in enumerate(titles):
            self.view.setColumnHidden(column, title in hidden)
        self._refit = True
        self._later()

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
