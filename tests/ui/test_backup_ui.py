"""Safekeeping in the window: the age of the last backup, the warning banner, the restore
dialog driven from the keyboard, and a damaged database met at start."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from hospiperf_desktop.backup.naming import BackupName
from hospiperf_desktop.backup.service import BackupStatus
from hospiperf_desktop.backup.store import Attempt, BackupInfo
from hospiperf_desktop.establishments.finess import luhn_check_digit
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.services import open_services
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD
from ui.app import start
from ui.backup_dialog import RestoreDialog
from ui.main_window import MainWindow


def _establishment(serial: int) -> EstablishmentInput:
    payload = f"75{serial:06d}"
    return EstablishmentInput(
        finess=payload + luhn_check_digit(payload), name=f"CH n°{serial}", kind="ch"
    )


def _names(db_path: Path) -> list[str]:
    services = open_services(db_path)
    try:
        return sorted(e.name for e in services.establishments.list())
    finally:
        services.close()


def _started(qtbot, db_path: Path) -> MainWindow:
    window = MainWindow(str(db_path))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.services_ready, timeout=20_000):
        start(window, str(db_path), offer_demo=False)
    window.runner.wait()
    return window


def _damage(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xde\xad\xbe\xef" * 6144)


def test_the_automatic_backup_at_start_shows_its_age_in_the_status_bar(qtbot, window, db_path):
    qtbot.waitUntil(
        lambda: "moins d'une heure" in window.backup.status_label.text(), timeout=10_000
    )
    assert window.backup.status_label.text() == "Sauvegarde : il y a moins d'une heure"
    assert list((db_path.parent / "backups").glob(f"hospiperf-*-r{SCHEMA_HEAD}.sqlite"))
    assert window.backup.banner.isHidden()


def test_a_failed_backup_at_start_raises_the_banner_with_its_reason(qtbot, db_path):
    (db_path.parent / "backups").write_text("a file where the backups folder should be")
    window = _started(qtbot, db_path)
    qtbot.waitUntil(lambda: "échoué" in window.backup.banner.text(), timeout=10_000)
    assert window.backup.banner.isVisible()
    text = window.backup.banner.text()
    assert "La dernière sauvegarde a échoué" in text and "contrôles" in text
    assert window.backup.status_label.text() == "Sauvegarde : aucune"
    window.runner.wait()


def _status(age_days: int | None, attempt: Attempt | None = None) -> BackupStatus:
    last = None
    if age_days is not None:
        taken = datetime.now() - timedelta(days=age_days)
        last = BackupInfo(Path("x.sqlite"), BackupName(taken, "0006"), 1, True, None)
    return BackupStatus(Path("."), last, attempt)


def test_the_banner_warns_after_seven_days_and_names_a_full_disk(window):
    window.backup.show_status(_status(10))
    assert window.backup.banner.isVisible()
    assert "Aucune sauvegarde depuis 10 jours" in window.backup.banner.text()
    assert window.backup.status_label.text() == "Sauvegarde : il y a 10 jours"
    window.backup.show_status(_status(3))
    assert window.backup.banner.isHidden()
    failed = Attempt("2026-12-01T10:00:00", False, "disk full", None, "disk_full", 6 * 2**20)
    window.backup.show_status(_status(1, failed))
    assert "le disque est plein (il faut environ 6 Mo de libre)" in window.backup.banner.text()


def test_the_restore_dialog_driven_by_keyboard_brings_back_the_backed_up_data(
    qtbot, window, services, db_path
):
    services.establishments.add(_establishment(1))
    services.establishments.add(_establishment(2))
    services.backups.create()
    services.establishments.add(_establishment(3))
    assert _names(db_path) == ["CH n°1", "CH n°2", "CH n°3"]

    window.backup.restore_action.trigger()
    dialog = window.backup.dialog
    assert isinstance(dialog, RestoreDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1, timeout=10_000)
    newest_checked = next(
        row for row in range(dialog.table.rowCount())
        if "2 établissement(s)" in dialog.table.item(row, 2).text()
    )  # fmt: skip
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    for _ in range(newest_checked):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.current() is not None and dialog.current().contents.establishments == 2
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible())
    assert "2 établissement(s)" in dialog.confirmation.text()
    with qtbot.waitSignal(window.services_ready, timeout=20_000):
        qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)
    window.runner.wait()

    assert _names(db_path) == ["CH n°1", "CH n°2"]
    reopened = open_services(db_path)
    try:
        assert reopened.audit.verify().ok
        assert reopened.audit.recent(1)[0].action == "restore"
        assert any(b.name.reason == "before-restore" for b in reopened.backups.list())
    finally:
        reopened.close()
    assert "Sauvegarde restaurée" in window.statusBar().currentMessage()


def test_a_damaged_database_at_start_names_the_last_backup_and_restores_it(qtbot, db_path):
    services = open_services(db_path)
    services.establishments.add(_establishment(1))
    backup = services.backups.create()
    services.close()
    _damage(db_path)
    damaged = db_path.read_bytes()

    window = MainWindow(str(db_path))
    qtbot.addWidget(window)
    window.show()
    start(window, str(db_path), offer_demo=False)
    qtbot.waitUntil(lambda: getattr(window.backup, "damage_box", None) is not None, timeout=20_000)
    box: QMessageBox = window.backup.damage_box
    assert "endommagé" in box.text() and backup.path.name in box.text()
    assert "endommagée" in window.backup.banner.text()
    assert db_path.read_bytes() == damaged, "nothing was written into the damaged file"
    with qtbot.waitSignal(window.services_ready, timeout=20_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    window.runner.wait()
    assert _names(db_path) == ["CH n°1"]
    QApplication.processEvents()


def test_an_immutable_database_opens_read_only_with_a_banner_and_refuses_changes(qtbot, db_path):
    import subprocess

    import pytest

    services = open_services(db_path)
    services.establishments.add(_establishment(1))
    services.close()
    if subprocess.run(["chattr", "+i", str(db_path)], check=False).returncode != 0:
        pytest.skip("chattr +i is not permitted here")
    try:
        window = _started(qtbot, db_path)
        qtbot.waitUntil(lambda: window.backup.banner.isVisible(), timeout=10_000)
        assert "lecture seule" in window.backup.banner.text()
        assert "verrouillé" in window.backup.banner.text()
        assert window.services is not None
        assert [e.name for e in window.services.establishments.list()] == ["CH n°1"]
        from hospiperf_desktop.faults import DatabaseReadOnly
        from ui.messages import error_text

        with pytest.raises(DatabaseReadOnly) as caught:
            window.services.establishments.add(_establishment(2))
        assert "lecture seule" in error_text(caught.value)
        window.close_services()
    finally:
        subprocess.run(["chattr", "-i", str(db_path)], check=False)
    assert _names(db_path) == ["CH n°1"]


def test_backup_settings_typed_in_the_dialog_are_saved_and_nothing_else_changes(
    qtbot, window, services, tmp_path
):
    from PySide6.QtWidgets import QAbstractSpinBox

    usb = tmp_path / "usb"
    window.backup.settings_action.trigger()
    dialog = window.backup.settings_dialog
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
    assert dialog.interval.value() == 24 and dialog.daily.value() == 7

    focused = QApplication.focusWidget()
    assert isinstance(focused, QAbstractSpinBox) or focused is dialog.interval.lineEdit()
    qtbot.keyClicks(dialog.interval.lineEdit(), "12")
    qtbot.keyClick(dialog.interval, Qt.Key.Key_Tab)
    dialog.daily.lineEdit().selectAll()
    qtbot.keyClicks(dialog.daily.lineEdit(), "10")
    dialog.destination.setFocus()
    qtbot.keyClicks(dialog.destination, str(usb))
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClick(dialog.destination, Qt.Key.Key_Return)
    window.runner.wait()

    saved = services.backups.settings()
    assert saved.interval_hours == 12
    assert (saved.retention.daily, saved.retention.weekly, saved.retention.monthly) == (10, 4, 12)
    assert saved.second_destination == str(usb)
    assert services.audit.recent(1)[0].entity == "backup_settings"


def test_a_database_on_a_network_share_shows_a_warning_banner(qtbot, db_path, monkeypatch):
    from hospiperf_desktop.storage import health

    mounts = db_path.parent / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nserver:/pharma {db_path.parent} nfs4 rw 0 0\n")
    monkeypatch.setattr(health, "MOUNTS_FILE", mounts)
    window = _started(qtbot, db_path)
    qtbot.waitUntil(lambda: window.backup.banner.isVisible(), timeout=10_000)
    assert "partage réseau" in window.backup.banner.text()
    assert window.services is not None and window.services.database.network_share
    window.close_services()


def test_a_second_destination_that_refuses_its_copy_is_said_in_the_banner(
    qtbot, db_path, monkeypatch
):
    """The backup is good, but the USB key was full and did not get its copy."""
    import errno

    from hospiperf_desktop.backup import service as backup_service
    from hospiperf_desktop.backup.service import BackupSettings

    usb = db_path.parent / "usb"
    usb.mkdir()
    services = open_services(db_path)
    try:
        services.backups.save_settings(BackupSettings(second_destination=str(usb)))
    finally:
        services.close()

    def full_key(*_args: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_service, "copy_to_second", full_key)
    window = _started(qtbot, db_path)
    qtbot.waitUntil(lambda: "seconde destination" in window.backup.banner.text(), timeout=10_000)
    text = window.backup.banner.text()
    assert str(usb) in text and "No space left on device" in text
    assert window.backup.banner.isVisible()
    assert window.backup.status_label.text() == "Sauvegarde : il y a moins d'une heure"
    assert list((db_path.parent / "backups").glob("hospiperf-*.sqlite"))
    window.runner.wait()


def test_quitting_when_a_backup_is_due_leaves_a_checked_backup(qtbot, db_path):
    """The backup at start is made; once the interval has passed, quitting makes a new one
    (the daily rotation then keeps only that newest copy of the day)."""
    window = _started(qtbot, db_path)
    folder = db_path.parent / "backups"
    qtbot.waitUntil(lambda: len(list(folder.glob("hospiperf-*.sqlite"))) == 1, timeout=10_000)
    [first] = folder.glob("hospiperf-*.sqlite")
    services = window.services
    assert services is not None
    real_due = services.backups.due
    services.backups.due = lambda now=None: real_due(datetime.now() + timedelta(hours=25))
    window.close()
    window.runner.wait()
    [made] = folder.glob("hospiperf-*.sqlite")
    assert made.name > first.name, "a newer backup was taken at quit"
    assert Path(f"{made}.json").exists(), "and checked (its sidecar is written after the checks)"
