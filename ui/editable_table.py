"""What every table one types in shares, as in a spreadsheet: Enter commits and moves to the
next editable cell (ready for typing), a refused value stays in its cell marked with the
reason and the cursor stays on it, and typing letters never jumps the view.

A model shown in an `EditableTable` gives `next_editable(index)`, `held(index)` (the reason a
cell keeps the cursor — a refused value, or one waiting for a confirmation — else None) and
`release(index)` (Escape on a refused cell: its stored value shows again). `CellMarks` keeps
the refused texts for it. A model whose rows have several typed cells also gives
`next_across(index)`: Tab then goes right, where Enter goes down (`ui/text_grid.py`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex
REFUSED_BACKGROUND = "#f8d7da"
REFUSED_FOREGROUND = "#8a1c1c"
NOT_MARKED = object()  # `CellMarks.data` has nothing to say about this cell and role


class EditableModel(Protocol):
    def next_editable(self, index: Index) -> QModelIndex: ...

    def held(self, index: Index) -> str | None: ...

    def release(self, index: Index) -> None: ...


class CellMarks:
    """Refused texts kept in their cells: key (stable across reloads) -> (text, reason)."""

    def __init__(self) -> None:
        self._marks: dict[Hashable, tuple[str, str]] = {}

    def set(self, key: Hashable, text: str, reason: str) -> None:
        self._marks[key] = (text, reason)

    def discard(self, key: Hashable) -> None:
        self._marks.pop(key, None)

    def clear(self) -> None:
        self._marks.clear()

    def reason(self, key: Hashable) -> str | None:
        mark = self._marks.get(key)
        return None if mark is None else mark[1]

    def data(self, key: Hashable, role: int) -> Any:
        """The marked cell's text, colours and reason; NOT_MARKED for anything else."""
        mark = self._marks.get(key)
        if mark is None:
            return NOT_MARKED
        text, reason = mark
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = QCoreApplication.translate(
                "EditableTable",
                "Corrigez la valeur, ou Échap pour revenir à la valeur enregistrée.",
            )
            return f"{reason}\n{hint}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(REFUSED_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(REFUSED_FOREGROUND))
        if role == Qt.ItemDataRole.DecorationRole:  # still seen when the cell is selected
            return QColor(REFUSED_FOREGROUND)
        return NOT_MARKED


class KeepTypingDelegate(QStyledItemDelegate):
    """Fills an editor once, when it opens: a reload of the model while the person types
    (Qt refreshes open editors on every dataChanged) never replaces what is being typed."""

    STARTED = "hospiperfEditorStarted"

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if editor.property(self.STARTED):
            return
        super().setEditorData(editor, index)
        editor.setProperty(self.STARTED, True)


class EditableTable(QTableView):
    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(KeepTypingDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )

    def _editable_model(self) -> EditableModel:
        model: Any = self.model()
        return model  # type: ignore[no-any-return]

    def keyboardSearch(self, search: str) -> None:
        """Letters typed on a cell that takes no typing do nothing: the view never jumps."""

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Enter, and Tab too (unless the model has typed cells across: `next_across`), go to
        the next value."""
        current = QPersistentModelIndex(self.currentIndex())
        moves = hint in (
            QAbstractItemDelegate.EndEditHint.SubmitModelCache,
            QAbstractItemDelegate.EndEditHint.EditNextItem,
        )
        across = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        if across:
            hint = QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, hint)
        if moves:
            self.move_on(QModelIndex(current), across)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            self.move_on(self.currentIndex())  # Enter on a cell not being typed in: next one
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and not editing and self.currentIndex().isValid():
            self._editable_model().release(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def move_on(self, index: QModelIndex, across: bool = False) -> None:
        """From `index` to the next editable cell, unless `index` holds the cursor."""
        model = self._editable_model()
        if not index.isValid() or model.held(index) is not None:
            if index.isValid():
                self.setCurrentIndex(index)
            return
        next_across = getattr(model, "next_across", None) if across else None
        following = next_across(index) if next_across else model.next_editable(index)
        if following.isValid():
            self.setCurrentIndex(following)
            self.scrollTo(following)
