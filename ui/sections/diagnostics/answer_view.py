"""Answering a diagnostic theme by theme. Each answer is saved as soon as it is given.

The keys are the same on every item and written above them (`answer_keys.py`); `Ctrl+Z` takes
back the last answer or comment change, saved through the service like any other change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.records import DiagnosticDetail
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.template import AnswerCode, Theme
from ui.labels import answer_labels, score_text
from ui.sections.diagnostics.answer_keys import legend
from ui.sections.diagnostics.item_widget import ItemWidget
from ui.status import show_status
from ui.tasks import TaskRunner, show_error

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

THEME_ROLE = Qt.ItemDataRole.UserRole

# The item that takes the next key press is framed, and its answer bar (or comment) inside it.
FOCUS_STYLE = """
QFrame#itemCard[current="true"] { border: 2px solid #1f5fbf; background: #f4f8fe; }
QFrame#answerBar { border: 2px solid transparent; border-radius: 4px; }
QFrame#answerBar[keyFocus="true"] { border: 2px solid #1f5fbf; background: #dce8fb; }
QLabel#keyLegend { background: #eef2f7; padding: 4px 8px; border-radius: 4px; }
"""


@dataclass(frozen=True)
class _Change:
    """What one item held before a change, so that Ctrl+Z can put it back."""

    item_id: str
    code: AnswerCode | None
    comment: str


class AnswerView(QWidget):
    """Tree of volets, axes and themes with their completion; the items of one theme."""

    answers_changed = Signal()
    evidence_requested = Signal(str)

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services: Services | None = None
        self.detail: DiagnosticDetail | None = None
        # The answers as the user has given them in this view, saved or being saved.
        self.codes: dict[str, AnswerCode | None] = {}
        self.comments: dict[str, str] = {}
        self.item_widgets: dict[str, ItemWidget] = {}
        self._theme_items: dict[str, QTreeWidgetItem] = {}
        self._node_items: dict[str, QTreeWidgetItem] = {}
        self._themes: list[Theme] = []
        self.current_theme: Theme | None = None
        self._undo: list[_Change] = []
        self._build()

    def _build(self) -> None:
        self.lock_banner = QLabel(
            self.tr(
                "Diagnostic validé : les réponses sont verrouillées. Rouvrez-le pour les modifier."
            )
        )
        self.lock_banner.setObjectName("lockBanner")
        self.lock_banner.hide()
        self.completion_bar = QProgressBar()
        self.completion_bar.setRange(0, 1000)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Volet / axe / thème"), self.tr("Complétude")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        from ui.table_columns import full_text_tips

        full_text_tips(self.tree)  # a theme name cut on a small screen shows whole on hover
        self.tree.currentItemChanged.connect(self._tree_selected)

        self.theme_title = QLabel()
        self.theme_title.setObjectName("themeTitle")
        self.theme_title.setWordWrap(True)
        self.key_legend = QLabel(legend())
        self.key_legend.setObjectName("keyLegend")
        self.key_legend.setWordWrap(True)
        self.key_legend.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(FOCUS_STYLE)
        self.items_box = QWidget()
        self.items_layout = QVBoxLayout(self.items_box)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.items_box)
        self.previous_button = QPushButton(self.tr("◀ Thème précédent"))
        self.next_button = QPushButton(self.tr("Thème suivant ▶"))
        self.previous_button.setToolTip(self.tr("Ctrl+Page précédente"))
        self.next_button.setToolTip(self.tr("Ctrl+Page suivante"))
        self.previous_button.clicked.connect(lambda: self.step_theme(-1))
        self.next_button.clicked.connect(lambda: self.step_theme(1))
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self.step_theme(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self.step_theme(-1))
        # A comment field keeps Ctrl+Z for its own text: there it never reaches this shortcut.
        undo = QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.theme_title)
        right_layout.addWidget(self.key_legend)
        right_layout.addWidget(self.scroll, 1)
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous_button)
        navigation.addStretch(1)
        navigation.addWidget(self.next_button)
        right_layout.addLayout(navigation)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 900])  # theme names whole on a 1366 px screen

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Complétude globale :")))
        top.addWidget(self.completion_bar, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lock_banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    # Loading -------------------------------------------------------------------------

    def show_diagnostic(self, services: Services, detail: DiagnosticDetail) -> None:
        self._services = services
        keep = self.current_theme.id if self.current_theme and self.detail else None
        same = self.detail is not None and self.detail.summary.id == detail.summary.id
        # Ctrl+Z takes back changes made in this view since the answers were last loaded: after
        # an import, a validation or a failed save, what it remembers may no longer be true.
        self._undo.clear()
        self.detail = detail
        self.codes = detail.codes()
        self.comments = {item_id: a.comment for item_id, a in detail.answers.items()}
        self.lock_banner.setVisible(detail.summary.locked)
        self._fill_tree()
        self._themes = list(detail.template.themes)
        target = keep if same and keep else self._themes[0].id
        self.tree.setCurrentItem(self._theme_items[target])
        self._refresh_completion()

    def _fill_tree(self) -> None:
        assert self.detail is not None
        self.tree.clear()
        self._theme_items.clear()
        self._node_items.clear()
        for volet in self.detail.template.volets:
            volet_item = QTreeWidgetItem(self.tree, [volet.label])
            self._node_items[volet.id] = volet_item
            for axis in volet.axes:
                axis_item = QTreeWidgetItem(volet_item, [f"{axis.id} — {axis.label}"])
                self._node_items[axis.id] = axis_item
                for theme in axis.themes:
                    theme_item = QTreeWidgetItem(axis_item, [theme.label])
                    theme_item.setData(0, THEME_ROLE, theme.id)
                    self._theme_items[theme.id] = theme_item
                    self._node_items[theme.id] = theme_item
        self.tree.expandAll()

    def _tree_selected(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        theme_id = current.data(0, THEME_ROLE)
        if theme_id is None:  # a volet or axis: open its first theme
            child = current.child(0)
            if child is not None:
                self.tree.setCurrentItem(child)
            return
        self._show_theme(next(t for t in self._themes if t.id == theme_id))

    def _show_theme(self, theme: Theme) -> None:
        assert self.detail is not None
        for shown in self.item_widgets.values():
            shown.commit_comment()  # a comment being typed is kept when its theme goes
        self.current_theme = theme
        place = self.detail.template.places[theme.items[0].id]
        self.theme_title.setText(f"<b>{place.axis.id} — {place.axis.label}</b><br>{theme.label}")
        while self.items_layout.count():
            widget = self.items_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.item_widgets.clear()
        locked = self.detail.summary.locked
        previous: QWidget | None = None
        for item in theme.items:
            evidence = sum(1 for e in self.detail.evidence if e.item_id == item.id)
            widget = ItemWidget(
                item, self.codes.get(item.id), self.comments.get(item.id, ""), evidence, locked
            )
            widget.answered.connect(self._answered)
            widget.commented.connect(self._commented)
            widget.evidence_requested.connect(self.evidence_requested)
            widget.refused.connect(lambda message: show_status(self, message))
            widget.focused.connect(self._item_focused)
            self.items_layout.addWidget(widget)
            self.item_widgets[item.id] = widget
            # Tab: answer → comment → next item's answer (Shift+Tab the other way).
            if previous is not None:
                QWidget.setTabOrder(previous, widget.answer_bar)
            QWidget.setTabOrder(widget.answer_bar, widget.comment)
            previous = widget.comment
        self.items_layout.addStretch(1)
        index = self._themes.index(theme)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self._themes) - 1)
        self.scroll.verticalScrollBar().setValue(0)
        next(iter(self.item_widgets.values())).focus_answers()

    def step_theme(self, step: int) -> None:
        if self.current_theme is None:
            return
        index = self._themes.index(self.current_theme) + step
        if 0 <= index < len(self._themes):
            self.tree.setCurrentItem(self._theme_items[self._themes[index].id])

    # Saving --------------------------------------------------------------------------

    def _item_focused(self, item_id: str) -> None:
        """Scroll (vertically only) so that the whole item taking the keys is in view."""
        widget = self.item_widgets.get(item_id)
        if widget is None:
            return
        top = widget.mapTo(self.items_box, QPoint(0, 0)).y() - 8
        bottom = top + widget.height() + 16
        bar = self.scroll.verticalScrollBar()
        visible = self.scroll.viewport().height()
        if top < bar.value() or bottom - top > visible:
            bar.setValue(top)
        elif bottom > bar.value() + visible:
            bar.setValue(bottom - visible)

    def _remember(self, item_id: str) -> None:
        self._undo.append(_Change(item_id, self.codes.get(item_id), self.comments.get(item_id, "")))

    def _answered(self, item_id: str, code: AnswerCode | None) -> None:
        self._remember(item_id)
        self.codes[item_id] = code
        self._refresh_completion()
        self._save(item_id, code, None)

    def _commented(self, item_id: str, comment: str) -> None:
        self._remember(item_id)
        self.comments[item_id] = comment
        self._save(item_id, self.codes.get(item_id), comment)

    def undo(self) -> None:
        """Put back what the last changed item held, saved (and audited) as a change."""
        if self.detail is None:
            return
        if self.detail.summary.locked:
            show_status(self, self.tr("Diagnostic validé : les réponses sont verrouillées."))
            return
        if not self._undo:
            show_status(self, self.tr("Rien à annuler."))
            return
        change = self._undo.pop()
        theme = self.detail.template.places[change.item_id].theme
        if theme != self.current_theme:
            self.tree.setCurrentItem(self._theme_items[theme.id])
        comment_back = self.comments.get(change.item_id, "") != change.comment
        self.codes[change.item_id] = change.code
        self.comments[change.item_id] = change.comment
        widget = self.item_widgets[change.item_id]
        widget.show_saved(change.code, change.comment)
        widget.focus_answers()
        self._refresh_completion()
        self._save(change.item_id, change.code, change.comment, undo=True)
        answer = answer_labels()[change.code] if change.code else self.tr("sans réponse")
        message = (
            self.tr("Annulé : l'item %1 reprend son commentaire précédent (réponse « %2 »).")
            if comment_back
            else self.tr("Annulé : l'item %1 revient à « %2 ».")
        )
        show_status(self, message.replace("%1", change.item_id).replace("%2", answer))

    def _save(
        self, item_id: str, code: AnswerCode | None, comment: str | None, *, undo: bool = False
    ) -> None:
        services, detail = self._services, self.detail
        assert services is not None and detail is not None
        diagnostic_id = detail.summary.id

        def failed(err: BaseException) -> None:
            show_error(self, err)
            self._runner.run(
                lambda _p: services.diagnostics.get(diagnostic_id),
                on_success=lambda fresh: self.show_diagnostic(services, fresh),
            )

        self._runner.run(
            lambda _p: services.diagnostics.answer(
                diagnostic_id, item_id, code, comment, undo=undo
            ),
            on_success=lambda _record: self.answers_changed.emit(),
            on_failure=failed,
        )

    def report(self) -> ScoreReport:
        assert self.detail is not None
        return score(self.detail.template, self.codes)

    def _refresh_completion(self) -> None:
        report = self.report()
        self.completion_bar.setValue(round(report.overall.completion * 10))
        self.completion_bar.setFormat(score_text(report.overall.completion))
        for node in (*report.volets, *report.axes, *report.themes):
            tree_item = self._node_items.get(node.id)
            if tree_item is not None:
                tree_item.setText(
                    1, f"{score_text(node.completion)}  ({node.answered}/{node.total})"
                )

    def set_evidence_count(self, item_id: str, count: int) -> None:
        widget = self.item_widgets.get(item_id)
        if widget is not None:
            widget.set_evidence_count(count)
