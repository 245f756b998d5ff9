"""The add / edit form of an establishment, with each validation message under its field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import FieldIssue
from hospiperf_desktop.establishments.finess import is_overseas_finess
from hospiperf_desktop.establishments.model import (
    MAX_BEDS,
    MAX_CARE_UNITS,
    Establishment,
    EstablishmentInput,
    normalized,
    validate,
)
from hospiperf_desktop.reference import regions
from ui.forms import FormDialog
from ui.labels import kind_labels
from ui.messages import issue_text

ERROR_STYLE = "color: #b00020;"


def _count_box(maximum: int) -> QLineEdit:
    """A whole number typed as text: out of range or not a number is said, never capped."""
    box = QLineEdit(placeholderText=QLocale().toString(0) + " – " + QLocale().toString(maximum))
    box.setMaxLength(12)
    return box


def _count(box: QLineEdit) -> int | None:
    """The number in `box` (spaces as thousands separators allowed); None when blank."""
    text = "".join(box.text().split())
    if not text:
        return None
    if not text.isdigit() and not (text.startswith("-") and text[1:].isdigit()):
        raise ValueError(text)
    return int(text)


class EstablishmentDialog(FormDialog):
    """Collects an EstablishmentInput. `submit` saves it (asynchronously) and calls back with
    None on success or the field issues to show."""

    def __init__(
        self,
        parent: QWidget | None,
        submit: Callable[[EstablishmentInput, Callable[[list[FieldIssue]], None]], None],
        existing: Establishment | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self._overseas_touched = existing is not None
        self.setWindowTitle(
            self.tr("Modifier l'établissement") if existing else self.tr("Nouvel établissement")
        )
        self._build()
        if existing is not None:
            self._fill(existing)

    def _build(self) -> None:
        not_given = self.tr("Non renseigné")
        self.finess = QLineEdit(placeholderText=self.tr("9 caractères, ex. 750712184"))
        self.finess.setMaxLength(12)
        self.name = QLineEdit()
        self.name.setMinimumWidth(380)
        self.kind = QComboBox()
        # No type chosen in advance: a new establishment is not a CHU until someone says so.
        self.kind.addItem(self.tr("Choisir le type…"), "")
        for value, label in kind_labels().items():
            self.kind.addItem(label, value)
        self.region = QComboBox()
        self.region.addItem(not_given, None)
        for region in regions():
            self.region.addItem(region.name, region.name)
        self.overseas = QCheckBox(self.tr("Établissement ultramarin (outre-mer)"))
        self.ght_name = QLineEdit(placeholderText=self.tr("ex. GHT Rhône-Monts"))
        self.is_ght_support = QCheckBox(self.tr("Établissement support du GHT"))
        self.beds = _count_box(MAX_BEDS)
        self.care_units = _count_box(MAX_CARE_UNITS)
        self.legal_entity_finess = QLineEdit(placeholderText=self.tr("facultatif"))
        self.legal_entity_finess.setMaxLength(12)

        self.finess.textChanged.connect(self._finess_changed)
        for field in ("finess", "name", "ght_name", "beds", "care_units", "legal_entity_finess"):
            getattr(self, field).textChanged.connect(self._recheck_shown_errors)
        for box in (self.kind, self.region):
            box.currentIndexChanged.connect(self._recheck_shown_errors)
        self.is_ght_support.toggled.connect(self._recheck_shown_errors)
        self.overseas.clicked.connect(self._overseas_clicked)

        form = QFormLayout()
        self._errors: dict[str, QLabel] = {}
        rows = [
            ("finess", self.tr("N° FINESS *"), self.finess),
            ("name", self.tr("Nom *"), self.name),
            ("kind", self.tr("Type *"), self.kind),
            ("region", self.tr("Région"), self.region),
            ("overseas", "", self.overseas),
            ("ght_name", self.tr("GHT"), self.ght_name),
            ("is_ght_support", "", self.is_ght_support),
            ("beds", self.tr("Lits et places"), self.beds),
            ("care_units", self.tr("Unités de soins (UF)"), self.care_units),
            ("legal_entity_finess", self.tr("FINESS entité juridique"), self.legal_entity_finess),
        ]
        for field, label, widget in rows:
            form.addRow(label, self._with_error(field, widget))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_clicked)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        # The dialog grows when messages appear under the fields instead of clipping them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("* champ obligatoire")))
        layout.addWidget(buttons)

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{field}")
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        column.addWidget(error)
        self._errors[field] = error
        return box

    def _fill(self, record: Establishment) -> None:
        self.finess.setText(record.finess)
        self.name.setText(record.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind)))
        self.region.setCurrentIndex(max(0, self.region.findData(record.region)))
        self.overseas.setChecked(record.overseas)
        self.ght_name.setText(record.ght_name or "")
        self.is_ght_support.setChecked(record.is_ght_support)
        self.beds.setText("" if record.beds is None else str(record.beds))
        self.care_units.setText("" if record.care_units is None else str(record.care_units))
        self.legal_entity_finess.setText(record.legal_entity_finess or "")

    def value(self) -> EstablishmentInput:
        return normalized(
            EstablishmentInput(
                finess=self.finess.text(),
                name=self.name.text(),
                kind=self.kind.currentData() or "",
                region=self.region.currentData(),
                overseas=self.overseas.isChecked(),
                ght_name=self.ght_name.text(),
                is_ght_support=self.is_ght_support.isChecked(),
                beds=self._count_or_none(self.beds),
                care_units=self._count_or_none(self.care_units),
                legal_entity_finess=self.legal_entity_finess.text(),
            )
        )

    def error_text(self, field: str) -> str:
        """The message shown under `field` ('' when none): what the user sees."""
        label = self._errors[field]
        return "" if label.isHidden() else label.text()

    def show_issues(self, issues: list[FieldIssue]) -> None:
        by_field: dict[str, list[str]] = {}
        for issue in issues:
            by_field.setdefault(issue.field, []).append(issue_text(issue))
        for field, label in self._errors.items():
            messages = by_field.get(field, [])
            label.setText("\n".join(messages))
            label.setVisible(bool(messages))
        self.setEnabled(True)

    def _finess_changed(self, text: str) -> None:
        if not self._overseas_touched:
            self.overseas.setChecked(is_overseas_finess(text))

    def _overseas_clicked(self) -> None:
        self._overseas_touched = True

    @staticmethod
    def _count_or_none(box: QLineEdit) -> int | None:
        try:
            return _count(box)
        except ValueError:
            return None

    def issues(self) -> list[FieldIssue]:
        """Every problem of the form as typed: numbers that are not numbers, then the core's
        validation of the rest."""
        issues = []
        for field in ("beds", "care_units"):
            try:
                _count(getattr(self, field))
            except ValueError:
                issues.append(FieldIssue(field, "whole_number", "a whole number is expected"))
        return issues + validate(self.value())

    def _recheck_shown_errors(self) -> None:
        """A message under a field goes as soon as the field is corrected; fields that show
        nothing are left alone until OK."""
        shown = [field for field, label in self._errors.items() if not label.isHidden()]
        if not shown:
            return
        still = [issue for issue in self.issues() if issue.field in shown]
        self.show_issues(still)

    def _accept_clicked(self) -> None:
        data = self.value()
        issues = self.issues()
        self.show_issues(issues)
        if issues:
            return
        self.setEnabled(False)

        def done(server_issues: list[FieldIssue]) -> None:
            if server_issues:
                self.show_issues(server_issues)
            else:
                self.accept()

        self._submit(data, done)
