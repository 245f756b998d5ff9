"""Safekeeping in the window: the automatic backup, its age in the status bar, the warning
banner, *Fichier › Restaurer une sauvegarde…*, and what to do when the database is damaged.

Everything runs through the core's backup functions in the window's worker; the window only
shows outcomes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox

if TYPE_CHECKING:
    from hospiperf_desktop.backup.restore import RestoreReport
    from hospiperf_desktop.backup.service import BackupStatus, CreatedBackup
    from hospiperf_desktop.backup.store import Attempt
    from hospiperf_desktop.establishments.model import Establishment
    from hospiperf_desktop.faults import DatabaseFault
    from hospiperf_desktop.services import Services
    from ui.main_window import MainWindow

BANNER_STYLE = (
    "QLabel#backupBanner { background: #fdecea; color: #7a1f1a; padding: 8px 12px;"
    " border: 1px solid #e6a39d; border-radius: 4px; }"
    "QLabel#backupBanner[level='info'] { background: #fff4d6; color: #6b4e00;"
    " border-color: #e8cf8a; }"
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("backup", text)


def age_text(status: BackupStatus, now: datetime) -> str:
    """ "Sauvegarde : il y a 3 h" — the age of the last good backup, for the status bar."""
    age = status.age(now)
    if age is None:
        return _tr("Sauvegarde : aucune")
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return _tr("Sauvegarde : il y a moins d'une heure")
    if hours < 48:
        return _tr("Sauvegarde : il y a %1 h").replace("%1", str(hours))
    return _tr("Sauvegarde : il y a %1 jours").replace("%1", str(hours // 24))


def _failure_text(code: str, needed: int) -> str:
    from hospiperf_desktop.faults import megabytes

    texts = {
        "disk_full": _tr("le disque est plein (il faut environ %1 de libre)").replace(
            "%1", megabytes(needed).replace("MB", "Mo")
        ),
        "backup_failed": _tr("la copie n'a pas passé les contrôles ou n'a pas pu être écrite"),
        "database_read_only": _tr("le dossier des sauvegardes est en lecture seule"),
        "database_busy": _tr("la base était occupée par un autre programme"),
    }
    return texts.get(code, _tr("erreur inattendue"))


def read_only_text(reason: str) -> str:
    texts = {
        "file": _tr("le fichier est en lecture seule"),
        "folder": _tr("son dossier est en lecture seule"),
        "immutable": _tr("le fichier est verrouillé (immuable)"),
        "read_only_mount": _tr("le disque est en lecture seule"),
    }
    return texts.get(reason, reason)


def fault_text(err: DatabaseFault) -> str:
    """The French wording of a database fault (hospiperf_desktop/faults.py)."""
    from hospiperf_desktop.faults import megabytes

    path = str(err.path)
    if err.code == "database_damaged":
        last = getattr(err, "last_good", None)
        text = _tr("La base %1 est endommagée ; rien n'y a été écrit.").replace("%1", path)
        if last is not None:
            text += "\n" + _tr("Dernière sauvegarde vérifiée : %1").replace("%1", last.name)
        return text
    if err.code == "database_read_only":
        return _tr("La base est en lecture seule (%1) : rien n'a été modifié.").replace(
            "%1", read_only_text(str(getattr(err, "reason", "")))
        )
    if err.code == "database_busy":
        return _tr(
            "La base est occupée par un autre programme (par exemple un script hospiperf). "
            "Rien n'a été modifié : réessayez quand il aura fini."
        )
    if err.code == "disk_full":
        needed = megabytes(int(getattr(err, "needed", 0))).replace("MB", "Mo")
        return (
            _tr(
                "Le disque est plein : rien n'a été modifié. Libérez environ %1 sur le disque "
                "de %2."
            )
            .replace("%1", needed)
            .replace("%2", path)
        )
    if err.code == "foreign_database":
        return _tr(
            "Le fichier %1 n'est pas une base HospiPerf : il est refusé et n'a pas été modifié."
        ).replace("%1", path)
    if err.code == "backup_failed":
        return _tr("La sauvegarde a échoué et n'est pas comptée comme bonne.\nDétail : %1").replace(
            "%1", str(getattr(err, "detail", ""))
        )
    return str(err)


def banner_text(status: BackupStatus, now: datetime) -> str:
    """The warning shown above the pages, or "" when all is well."""
    if status.failed and status.last_attempt is not None:
        attempt = status.last_attempt
        return _tr(
            "La dernière sauvegarde a échoué : %1. Vos données ne sont pas protégées."
        ).replace("%1", _failure_text(attempt.code, attempt.needed))
    if status.stale(now):
        age = status.age(now)
        if age is None:
            return _tr("Aucune sauvegarde de la base n'a encore réussi.")
        return _tr(
            "Aucune sauvegarde depuis %1 jours : vos données ne sont pas protégées."
        ).replace("%1", str(age.days))
    return ""


class BackupController(QObject):
    """Owns the backup label, the banner and the restore action of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.database_path = Path(window.database_path)
        self.status_label = QLabel()
        self.status_label.setObjectName("backupAge")
        window.statusBar().addPermanentWidget(self.status_label)
        self.banner = QLabel()
        self.banner.setObjectName("backupBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        window.banners.addWidget(self.banner)
        self.restore_action = QAction(window.tr("&Restaurer une sauvegarde…"), window)
        self.restore_action.triggered.connect(self.open_restore_dialog)
        self.settings_action = QAction(window.tr("Paramètres des &sauvegardes…"), window)
        self.settings_action.triggered.connect(self.open_settings_dialog)
        self.settings_action.setEnabled(False)
        self._status: BackupStatus | None = None
        self._failure: Attempt | None = None
        self._notice = ""
        self._second_problem = ""  # the copy to the second destination failed: where and why

    def services_ready(self, services: Services) -> None:
        """At start: show where things stand, then back up in the worker if one is due."""
        self._notice = self._database_notice(services)
        self.settings_action.setEnabled(services.database.read_only_reason is None)
        # Shown once the attempt is over: a first start would otherwise flash "no backup".
        self._window.runner.run(
            lambda _p: services.backups.backup_if_due(),
            on_success=self._backed_up,
            on_failure=self._attempted,
        )

    def _backed_up(self, created: CreatedBackup | None) -> None:
        # The backup itself is good; a USB key or network folder that refused its copy is
        # said in the banner (an unplugged key is not a problem and says nothing).
        problem = created.second_problem if created is not None else None
        self._second_problem = problem or ""
        self._attempted(None)

    def _attempted(self, err: BaseException | None) -> None:
        # Kept in memory too: a folder that cannot be written cannot keep the failure.
        # Imported here: the backup store (and its checks) is not needed before first paint.
        from hospiperf_desktop.backup.store import Attempt

        if err is None:
            self._failure = None
        else:
            self._failure = Attempt(
                "", False, str(err), None, str(getattr(err, "code", "")), getattr(err, "needed", 0)
            )
        self.refresh()

    def _database_notice(self, services: Services) -> str:
        database = services.database
        if database.read_only_reason is not None:
            return _tr(
                "Base ouverte en lecture seule : %1. Vous pouvez consulter, rien ne peut être "
                "modifié."
            ).replace("%1", read_only_text(database.read_only_reason))
        if database.network_share:
            return _tr(
                "La base est sur un partage réseau : elle fonctionne en mode prudent (plus lent). "
                "Ne l'ouvrez pas depuis deux postes à la fois."
            )
        return ""

    def at_quit(self) -> None:
        """Queue the backup that is due, if any; the window waits for the worker anyway."""
        services = self._window.services
        if services is not None:
            self._window.hide()  # the window goes at once; the backup finishes behind
            self._window.runner.run(
                lambda _p: services.backups.backup_if_due(), on_failure=lambda _err: None
            )

    def refresh(self) -> None:
        services = self._window.services
        if services is None:
            return
        self._window.runner.run(lambda _p: services.backups.status(), on_success=self.show_status)

    def show_status(self, status: BackupStatus) -> None:
        now = datetime.now()
        if self._failure is not None:
            from dataclasses import replace

            status = replace(status, last_attempt=self._failure)
        self._status = status
        self.status_label.setText(age_text(status, now))
        second = (
            _tr("La copie vers la seconde destination n'a pas pu être faite : %1").replace(
                "%1", self._second_problem
            )
            if self._second_problem
            else ""
        )
        alarm = banner_text(status, now)
        texts = [t for t in (self._notice, alarm, second) if t]
        self.banner.setText("\n".join(texts))
        self.banner.setProperty("level", "alarm" if alarm or second else "info")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(bool(texts))

    def open_restore_dialog(self) -> None:
        from ui.backup_dialog import RestoreDialog

        dialog = RestoreDialog(self._window, self._window.runner, self.database_path)
        dialog.chosen.connect(self.restore)
        dialog.open()
        self.dialog = dialog

    def open_settings_dialog(self) -> None:
        services = self._window.services
        if services is None:
            return
        from ui.backup_settings import BackupSettingsDialog

        dialog = BackupSettingsDialog(self._window, self._window.runner, services)
        dialog.open()
        self.settings_dialog = dialog

    def restore(self, backup: str) -> None:
        """Close the database, restore `backup` over it in the worker, and reopen it."""
        window = self._window
        window.close_services()
        path = self.database_path

        def job(_progress: object) -> tuple[RestoreReport, Services, list[Establishment]]:
            from hospiperf_desktop.backup.restore import restore_backup
            from hospiperf_desktop.services import open_services

            report = restore_backup(path, Path(backup))
            services = open_services(path)
            return report, services, services.establishments.list()

        def done(result: tuple[RestoreReport, Services, list[Establishment]]) -> None:
            report, services, establishments = result
            window.set_services(services, establishments)
            window.reload_pages()
            window.statusBar().showMessage(
                _tr("Sauvegarde restaurée : %1").replace("%1", report.backup.name), 10_000
            )

        window.runner.run(
            job,
            on_success=done,
            on_failure=self._restore_failed,
            label=_tr("Restauration de la sauvegarde…"),
        )

    def _restore_failed(self, err: BaseException) -> None:
        from ui.tasks import show_error

        show_error(self._window, err)
        from ui.app import start

        start(self._window, str(self.database_path), offer_demo=False)

    def offer_restore_after(self, err: BaseException) -> bool:
        """When the database could not be opened because it is damaged, say so and offer
        its last good backup. Returns False for other errors (shown as usual)."""
        from hospiperf_desktop.faults import DatabaseDamaged

        if not isinstance(err, DatabaseDamaged):
            return False
        window = self._window
        window.statusBar().showMessage(window.tr("La base de données est endommagée."))
        self.banner.setText(
            _tr(
                "La base de données est endommagée : rien n'y sera écrit. Restaurez une "
                "sauvegarde (Fichier › Restaurer une sauvegarde…)."
            )
        )
        self.banner.show()
        self.restore_action.setEnabled(True)
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(_tr("Base de données endommagée"))
        if err.last_good is None:
            box.setText(
                _tr(
                    "Le fichier %1 est endommagé et aucune sauvegarde vérifiée n'a été trouvée. "
                    "Le fichier n'a pas été modifié."
                ).replace("%1", str(err.path))
            )
            box.setStandardButtons(QMessageBox.StandardButton.Close)
        else:
            box.setText(
                _tr(
                    "Le fichier %1 est endommagé ; il n'a pas été modifié.\n\nDernière "
                    "sauvegarde vérifiée : %2\n\nLa restaurer maintenant ? La base endommagée "
                    "sera conservée à part."
                )
                .replace("%1", str(err.path))
                .replace("%2", err.last_good.name)
            )
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            yes = box.button(QMessageBox.StandardButton.Yes)
            yes.setText(_tr("Restaurer"))
            box.button(QMessageBox.StandardButton.No).setText(_tr("Plus tard"))
            box.setDefaultButton(yes)
            last_good = str(err.last_good)
            box.finished.connect(
                lambda _result: self.restore(last_good) if box.clickedButton() is yes else None
            )
        box.open()
        self.damage_box = box
        return True
