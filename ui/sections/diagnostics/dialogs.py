"""Dialogs of the Diagnostics section: a new diagnostic, evidence files, comparisons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.diagnostics.comparison import Comparison
from hospiperf_desktop.diagnostics.records import (
    DiagnosticSummary,
    EvidenceRecord,
    PeerComparison,
)
from hospiperf_desktop.diagnostics.scoring import ScoreReport
from hospiperf_desktop.diagnostics.suitability import suitable
from hospiperf_desktop.diagnostics.template import Template
from hospiperf_desktop.establishments.model import Establishment
from ui.file_dialogs import open_path, save_path
from ui.forms import FormDialog
from ui.labels import answer_labels, score_text, target_labels

if TYPE_CHECKING:
    pass


class NewDiagnosticDialog(FormDialog):
    """Choose the establishment, then one of the questionnaires that suit it (or any)."""

    def __init__(
        self,
        establishments: Sequence[Establishment],
        templates: Sequence[Template],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Nouveau diagnostic"))
        self._establishments = list(establishments)
        self._all_templates = list(templates)
        self._templates: list[Template] = []
        self.establishment = QComboBox()
        for record in establishments:
            self.establishment.addItem(f"{record.name} ({record.finess})", record.id)
        self.template = QComboBox()
        self.show_all = QCheckBox(self.tr("Afficher tous les questionnaires"))
        self.show_all.setToolTip(
            self.tr(
                "Par défaut, seuls les questionnaires adaptés au type d'établissement "
                "(et à l'outre-mer) sont proposés."
            )
        )
        self.template.currentIndexChanged.connect(self._describe)
        self.establishment.currentIndexChanged.connect(lambda: self._fill_templates(keep=False))
        self.show_all.toggled.connect(lambda: self._fill_templates(keep=True))
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("itemHelp")
        self.label = QLineEdit()
        self.label.setPlaceholderText(self.tr("ex. : Campagne 2026 — pharmacie centrale"))
        form = QFormLayout()
        form.addRow(self.tr("Établissement :"), self.establishment)
        form.addRow(self.tr("Questionnaire :"), self.template)
        form.addRow("", self.show_all)
        form.addRow("", self.description)
        form.addRow(self.tr("Libellé :"), self.label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Créer"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(establishments) and bool(templates)
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not establishments:
            layout.addWidget(QLabel(self.tr("Ajoutez d'abord un établissement.")))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_templates(keep=False)
        self.resize(640, self.sizeHint().height())

    def _fill_templates(self, *, keep: bool) -> None:
        """The questionnaires that suit the chosen establishment, the suggested one first and
        selected (or, with `keep`, the one already chosen if still listed); with "show all",
        the others follow."""
        index = self.establishment.currentIndex()
        chosen = self.template.currentData() if keep else None
        record = self._establishments[index] if 0 <= index < len(self._establishments) else None
        fitting = suitable(self._all_templates, record) if record else self._all_templates
        if self.show_all.isChecked() or not fitting:
            shown = {t.id for t in fitting}
            self._templates = [*fitting, *(t for t in self._all_templates if t.id not in shown)]
        else:
            self._templates = fitting
        targets = target_labels()
        self.template.blockSignals(True)
        self.template.clear()
        for template in self._templates:
            where = self.tr(", outre-mer") if template.overseas else ""
            self.template.addItem(
                f"{template.title} — v{template.version} ({targets[template.target]}{where})",
                template.id,
            )
        found = self.template.findData(chosen) if chosen else -1
        self.template.setCurrentIndex(max(found, 0))
        self.template.blockSignals(False)
        self._describe()

    def _describe(self) -> None:
        index = self.template.currentIndex()
        if 0 <= index < len(self._templates):
            template = self._templates[index]
            self.description.setText(
                self.tr("%1\n%2 items répartis en %3 thèmes.")
                .replace("%1", template.description)
                .replace("%2", str(len(template.items)))
                .replace("%3", str(len(template.themes)))
            )

    def choice(self) -> tuple[int, str, str]:
        return self.establishment.currentData(), self.template.currentData(), self.label.text()


class EvidenceDialog(FormDialog):
    """The evidence files of one item: add, save a copy, remove."""

    def __init__(
        self,
        item_id: str,
        records: Sequence[EvidenceRecord],
        locked: bool,
        actions: dict[str, Callable[..., None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preuves de l'item %1").replace("%1", item_id))
        self._actions = actions
        self.list = QListWidget()
        self.list.setWordWrap(True)  # a long file name on two lines rather than cut
        for record in records:
            entry = QListWidgetItem(
                f"{record.filename} — {record.size // 1024 + 1} Ko — SHA-256 {record.sha256[:16]}…"
            )
            entry.setData(Qt.ItemDataRole.UserRole, record.id)
            entry.setToolTip(record.sha256)
            self.list.addItem(entry)
        add = QPushButton(self.tr("Ajouter un fichier…"))
        add.setObjectName("addEvidence")
        save = QPushButton(self.tr("Enregistrer une copie…"))
        remove = QPushButton(self.tr("Retirer"))
        add.setEnabled(not locked)
        remove.setEnabled(not locked)
        add.clicked.connect(self._add)
        save.clicked.connect(self._save)
        remove.clicked.connect(self._remove)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (add, save, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(720, 300)

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _add(self) -> None:
        path = open_path(self, self.tr("Joindre une preuve"), kind="evidence")
        if path is not None:
            self._actions["add"](str(path))
            self.accept()

    def _save(self) -> None:
        evidence_id = self._selected()
        if evidence_id is None:
            return
        target = save_path(self, self.tr("Enregistrer une copie"), "", "", kind="evidence")
        if target is not None:
            self._actions["save"](evidence_id, str(target))

    def _remove(self) -> None:
        evidence_id = self._selected()
        if evidence_id is not None:
            self._actions["remove"](evidence_id)
            self.accept()


def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = QTableWidgetItem(value)
            if c:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, cell)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def choose_campaigns(
    current: DiagnosticSummary, others: Sequence[DiagnosticSummary], parent: QWidget
) -> DiagnosticSummary | None:
    """Ask which earlier campaign to compare `current` with."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(dialog.tr("Comparer deux campagnes"))
    combo = QComboBox()
    for other in others:
        combo.addItem(f"{other.label} — {score_text(other.score)}", other.id)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    form.addRow(dialog.tr("Campagne actuelle :"), QLabel(current.label))
    form.addRow(dialog.tr("Comparer avec :"), combo)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return next(o for o in others if o.id == combo.currentData())


class ComparisonDialog(QDialog):
    def __init__(
        self,
        before: DiagnosticSummary,
        after: DiagnosticSummary,
        comparison: Comparison,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Comparaison de campagnes"))
        title = QLabel(
            self.tr("« %1 » → « %2 »").replace("%1", before.label).replace("%2", after.label)
        )
        title.setObjectName("themeTitle")
        rows = [
            [
                f"{a.id} — {a.label}",
                score_text(a.before),
                score_text(a.after),
                "—" if a.delta is None else f"{a.delta:+.1f}".replace(".", ","),
            ]
            for a in (comparison.overall, *comparison.axes)
        ]
        rows[0][0] = self.tr("Global")
        self.axes_table = _table(
            [self.tr("Axe"), self.tr("Avant"), self.tr("Après"), self.tr("Écart (points)")], rows
        )
        labels = answer_labels()
        self.worse = QListWidget()
        self.worse.setWordWrap(True)  # an item's whole wording, on as many lines as it needs
        for change in comparison.worse:
            answers = f"{labels[change.before]} → {labels[change.after]}"
            self.worse.addItem(f"{change.item_id} — {change.text} ({answers})")
        if not comparison.worse:
            self.worse.addItem(self.tr("Aucun item ne s'est dégradé."))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.axes_table, 2)
        left.addWidget(QLabel(self.tr("Items qui se sont dégradés :")))
        left.addWidget(self.worse, 1)
        self.versions_title = QLabel()
        self.version_changes = QListWidget()
        self.version_changes.setWordWrap(True)
        self._fill_version_changes(comparison)
        left.addWidget(self.versions_title)
        left.addWidget(self.version_changes, 1)
        self.body.addLayout(left, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self.body, 1)
        layout.addWidget(close)
        self.resize(1200, 680)

    def _fill_version_changes(self, comparison: Comparison) -> None:
        """Items added, removed or reworded between two versions (matched by id); hidden when
        both campaigns were answered on the same version."""
        shown = comparison.before_version != comparison.after_version
        self.versions_title.setVisible(shown)
        self.version_changes.setVisible(shown)
        self.versions_title.setText(
            self.tr("De la version %1 à la version %2 (items rapprochés par identifiant) :")
            .replace("%1", comparison.before_version)
            .replace("%2", comparison.after_version)
        )
        for edit in comparison.added:
            self._version_change(self.tr("Ajouté : %1 — %2"), edit.item_id, edit.after_text)
        for edit in comparison.removed:
            self._version_change(self.tr("Retiré : %1 — %2"), edit.item_id, edit.before_text)
        for edit in comparison.reworded:
            wording = self.tr("« %1 » devient « %2 »")
            wording = wording.replace("%1", edit.before_text).replace("%2", edit.after_text)
            self._version_change(self.tr("Reformulé : %1 — %2"), edit.item_id, wording)
        if shown and not self.version_changes.count():
            self.version_changes.addItem(self.tr("Aucun item ajouté, retiré ni reformulé."))

    def _version_change(self, pattern: str, item_id: str, text: str) -> None:
        line = pattern.replace("%1", item_id).replace("%2", text)
        entry = QListWidgetItem(line)
        entry.setToolTip(line)
        self.version_changes.addItem(entry)

    def add_radar(self, before: ScoreReport, after: ScoreReport) -> None:
        """Both campaigns on one radar: the earlier one dashed and hatched."""
        from hospiperf_desktop.diagnostics.charts import radar_figure
        from ui.sections.diagnostics.charts import figure_widget

        labels = (self.tr("Avant"), self.tr("Après"))
        figure = radar_figure(after, compare=before, labels_before_after=labels)
        self.body.addWidget(figure_widget(figure), 2)


class PeersDialog(QDialog):
    """Several establishments side by side on one questionnaire."""

    def __init__(self, peers: PeerComparison, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Comparaison des établissements — %1").replace("%1", title))
        headers = [self.tr("Établissement"), self.tr("Global")] + [a for a, _ in peers.axes]
        rows = [
            [f"{r.establishment_name} ({r.finess})", score_text(r.overall)]
            + [score_text(r.axes.get(a)) for a, _ in peers.axes]
            for r in peers.rows
        ]
        self.table = _table(headers, rows)
        for column, (_axis_id, label) in enumerate(peers.axes, 2):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setToolTip(label)
        legend = QLabel(" · ".join(f"{a} = {label}" for a, label in peers.axes))
        legend.setWordWrap(True)
        legend.setObjectName("itemHelp")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(legend)
        layout.addWidget(close)
        self.resize(900, 480)
