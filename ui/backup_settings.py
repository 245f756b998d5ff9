"""*Fichier › Paramètres des sauvegardes…*: the interval of the automatic backup, how many to
keep, and the optional second destination (a USB key or a network folder)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.file_dialogs import existing_folder

if TYPE_CHECKING:
    from hospiperf_desktop.backup.service import BackupSettings
    from hospiperf_desktop.services import Services
    from ui.tasks import TaskRunner


def _spin(maximum: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSuffix(suffix)
    return spin


class BackupSettingsDialog(QDialog):
    """Reads the settings in the worker, saves them (audited) in the worker."""

    def __init__(self, parent: QWidget, runner: TaskRunner, services: Services) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paramètres des sauvegardes"))
        self._runner = runner
        self._services = services
        self._current: BackupSettings | None = None
        self.interval = _spin(24 * 30, self.tr(" h"))
        self.daily = _spin(365)
        self.weekly = _spin(520)
        self.monthly = _spin(240)
        self.destination = QLineEdit()
        self.destination.setPlaceholderText(self.tr("aucune (par exemple une clé USB)"))
        browse = QPushButton(self.tr("&Parcourir…"))
        browse.clicked.connect(self._browse)
        place = QHBoxLayout()
        place.addWidget(self.destination, 1)
        place.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Sauvegarde automatique toutes les"), self.interval)
        form.addRow(self.tr("Sauvegardes quotidiennes gardées"), self.daily)
        form.addRow(self.tr("Sauvegardes hebdomadaires gardées"), self.weekly)
        form.addRow(self.tr("Sauvegardes mensuelles gardées"), self.monthly)
        form.addRow(self.tr("Seconde destination"), place)
        note = QLabel(
            self.tr(
                "La seconde destination reçoit une copie de chaque sauvegarde quand elle est "
                "présente (clé branchée, dossier réseau accessible)."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        runner.run(lambda _p: services.backups.settings(), on_success=self.show_settings)

    def show_settings(self, settings: BackupSettings) -> None:
        self._current = settings
        self.interval.setValue(round(settings.interval_hours))
        self.daily.setValue(settings.retention.daily)
        self.weekly.setValue(settings.retention.weekly)
        self.monthly.setValue(settings.retention.monthly)
        self.destination.setText(settings.second_destination or "")
        self.buttons.setEnabled(True)
        self.interval.setFocus()
        self.interval.selectAll()

    def _browse(self) -> None:
        folder = existing_folder(self, self.tr("Seconde destination"), "backup_destination")
        if folder is not None:
            self.destination.setText(str(folder))

    def save(self) -> None:
        current = self._current
        if current is None:
            return
        changed = replace(
            current,
            interval_hours=float(self.interval.value()),
            retention=replace(
                current.retention,
                daily=self.daily.value(),
                weekly=self.weekly.value(),
                monthly=self.monthly.value(),
            ),
            second_destination=self.destination.text().strip() or None,
        )
        services = self._services
        self._runner.run(
            lambda _p: services.backups.save_settings(changed),
            on_success=lambda _none: self.accept(),
            parent=self,
        )
