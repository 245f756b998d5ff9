"""Choose who is working (named as author in the audit trail), or create a profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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
from ui.labels import role_labels
from ui.messages import error_text
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from hospiperf_desktop.profiles.model import Profile
    from hospiperf_desktop.services import Services


class ProfileDialog(QDialog):
    def __init__(self, parent: QWidget, runner: TaskRunner, services: Services) -> None:
        super().__init__(parent)
        self._runner = runner
        self._services = services
        self.setWindowTitle(self.tr("Profil utilisateur"))
        self.current = QComboBox()
        self.new_name = QLineEdit()
        self.new_role = QComboBox()
        for value, label in role_labels().items():
            self.new_role.addItem(label, value)
        self.create_button = QPushButton(self.tr("Créer ce profil"))
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.choose_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Le profil courant est enregistré comme auteur de "
                    "chaque modification dans le journal d'audit."
                )
            )
        )
        layout.addLayout(chooser)
        layout.addWidget(new_box)
        layout.addWidget(buttons)
        self._load()

    def _load(self, select_id: int | None = None) -> None:
        services = self._services

        def fill(result: tuple[list[Profile], Profile | None]) -> None:
            profiles, current = result
            labels = role_labels()
            self.current.clear()
            for p in profiles:
                self.current.addItem(f"{p.name} — {labels.get(p.role, p.role)}", p.id)
            wanted = select_id if select_id is not None else (current.id if current else None)
            self.current.setCurrentIndex(max(0, self.current.findData(wanted)))

        self._runner.run(
            lambda _p: (services.profiles.list(), services.profiles.current()), on_success=fill
        )

    def _create(self) -> None:
        services = self._services
        name, role = self.new_name.text(), self.new_role.currentData()

        def failed(err: BaseException) -> None:
            if not isinstance(err, ValidationError):
                raise err
            self.error.setText(error_text(err))

        def created(profile: Profile) -> None:
            self.error.clear()
            self.new_name.clear()
            self._load(profile.id)

        self._runner.run(
            lambda _p: services.profiles.add(name, role), on_success=created, on_failure=failed
        )

    def choose_selected(self) -> None:
        profile_id = self.current.currentData()
        if profile_id is None:
            self.reject()
            return
        services = self._services
        self._runner.run(
            lambda _p: services.profiles.set_current(profile_id),
            on_success=lambda _profile: self.accept(),
        )
