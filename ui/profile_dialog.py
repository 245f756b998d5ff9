"""Choose who is working (named as author in the audit trail), or create a profile.

At the first start (no profile chosen yet) the window opens it as "Qui travaille ?" before
anything is recorded; afterwards the profile shown in the status bar opens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.errors import ValidationError
from ui.forms import FormDialog
from ui.labels import role_labels
from ui.messages import error_text
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.profiles.model import Profile
    from hospiperf_desktop.services import Services


def fictitious_mark() -> str:
    """The mark of demonstration data in lists: ' (fictif)'."""
    return QCoreApplication.translate("ProfileDialog", " (fictif)")


def profile_text(profile: Profile) -> str:
    """'Claire Martin — Pharmacien (fictif)': name, role, and the mark of a demo profile."""
    text = f"{profile.name} — {role_labels().get(profile.role, profile.role)}"
    return text + fictitious_mark() if profile.fictitious else text


class ProfileDialog(FormDialog):
    def __init__(
        self, parent: QWidget, runner: TaskRunner, services: Services, *, first_run: bool = False
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services = services
        self.setWindowTitle(
            self.tr("Qui travaille ?") if first_run else self.tr("Profil utilisateur")
        )
        self.current = QComboBox()
        self.new_name = QLineEdit()
        self.new_role = QComboBox()
        for value, label in role_labels().items():
            self.new_role.addItem(label, value)
        self.create_button = QPushButton(self.tr("Créer ce profil"))
        self.create_button.setAutoDefault(False)
        self.create_button.clicked.connect(self._create)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")

        chooser = QFormLayout()
        chooser.addRow(self.tr("Profil courant"), self.current)
        new_box = QGroupBox(self.tr("Nouveau profil"))
        new_form = QFormLayout(new_box)
        new_form.addRow(self.tr("Nom"), self.new_name)
        new_form.addRow(self.tr("Rôle"), self.new_role)
        new_form.addRow(self.error)
        new_form.addRow(self.create_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        if first_run:
            cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            cancel.setText(self.tr("Plus tard"))
        self.buttons.accepted.connect(self.choose_selected)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if first_run:
            heading = QLabel(self.tr("Qui travaille ?"))
            heading.setObjectName("sectionTitle")
            layout.addWidget(heading)
        layout.addWidget(QLabel(self._intro(first_run), wordWrap=True))
        layout.addLayout(chooser)
        layout.addWidget(new_box)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self._load()

    def _intro(self, first_run: bool) -> str:
        text = self.tr(
            "Le profil courant est enregistré comme auteur de chaque modification dans le "
            "journal d'audit, les rapports et les exports signés."
        )
        if not first_run:
            return text
        return (
            self.tr(
                "Avant toute saisie, indiquez qui travaille : choisissez votre profil ou "
                "créez-le (nom et rôle)."
            )
            + "\n\n"
            + text
        )

    def _load(self, select_id: int | None = None) -> None:
        services = self._services

        def fill(result: tuple[list[Profile], Profile | None]) -> None:
            profiles, current = result
            self.current.clear()
            for p in profiles:
                self.current.addItem(profile_text(p), p.id)
            wanted = select_id if select_id is not None else (current.id if current else None)
            self.current.setCurrentIndex(max(0, self.current.findData(wanted)))

        self._runner.run(
            lambda _p: (services.profiles.list(), services.profiles.current()), on_success=fill
        )

    def _create(self, *, use: bool = False) -> None:
        """Create the profile typed in "Nouveau profil"; with `use`, make it current and close."""
        services = self._services
        name, role = self.new_name.text(), self.new_role.currentData()

        def failed(err: BaseException) -> None:
            if not isinstance(err, ValidationError):
                raise err
            self.error.setText(error_text(err))

        def created(profile: Profile) -> None:
            self.error.clear()
            self.new_name.clear()
            if use:
                self.accept()
                return
            self._load(profile.id)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()

        def add() -> Profile:
            profile = services.profiles.add(name, role)
            return services.profiles.set_current(profile.id) if use else profile

        self._runner.run(lambda _p: add(), on_success=created, on_failure=failed)

    def choose_selected(self) -> None:
        """OK: a name typed under "Nouveau profil" creates that profile and makes it current;
        otherwise the profile chosen in the list becomes current."""
        if self.new_name.text().strip():
            self._create(use=True)
            return
        profile_id = self.current.currentData()
        if profile_id is None:
            self.reject()
            return
        services = self._services
        self._runner.run(
            lambda _p: services.profiles.set_current(profile_id),
            on_success=lambda _profile: self.accept(),
        )
