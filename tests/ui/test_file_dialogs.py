"""File dialogs start in the Documents folder, then where the same kind of file went last."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.file_dialogs import open_path, save_path


def test_the_first_dialog_opens_in_documents_then_each_kind_remembers_its_folder(
    qtbot, tmp_path, monkeypatch
) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(documents))
    parent = QWidget()
    qtbot.addWidget(parent)
    reports, sheets = tmp_path / "rapports", tmp_path / "classeurs"
    reports.mkdir()
    sheets.mkdir()
    started: list[str] = []

    def answer(chosen: Path):
        return lambda _p, _title, start, *_a, **_k: started.append(start) or (str(chosen), "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(reports / "rapport.pdf"))
    assert (
        save_path(parent, "Rapport", "diagnostic-1.pdf", "PDF (*.pdf)") == reports / "rapport.pdf"
    )
    assert started[-1] == str(documents / "diagnostic-1.pdf")  # the suggested name in Documents

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(reports / "r2.pdf"))
    save_path(parent, "Rapport", "diagnostic-2.pdf", "PDF (*.pdf)")
    assert started[-1] == str(reports / "diagnostic-2.pdf")  # where the last PDF went

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer(sheets / "valeurs.xlsx"))
    assert open_path(parent, "Importer", "Classeurs (*.xlsx)", kind="activity") is not None
    assert started[-1] == str(documents)  # another kind of file: not the reports' folder
    open_path(parent, "Importer", "Classeurs (*.xlsx)", kind="activity")
    assert started[-1] == str(sheets)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", ""))
    assert open_path(parent, "Importer", "", kind="activity") is None  # cancelled
    reports.rmdir()  # the reports' folder is gone (a USB key taken out)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(documents / "x.pdf"))
    save_path(parent, "Rapport", "diagnostic-3.pdf", "PDF (*.pdf)")
    assert started[-1] == str(documents / "diagnostic-3.pdf")  # a folder gone: Documents again


def test_the_backup_destination_and_the_consolidation_base_dialogs_start_in_documents(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    documents, usb, bases = tmp_path / "Documents", tmp_path / "usb", tmp_path / "ars"
    for folder in (documents, usb, bases):
        folder.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(documents))
    started: list[str] = []
    options: list[object] = []

    def chosen_folder(_parent, _title, start, *_a, **_k):  # type: ignore[no-untyped-def]
        started.append(start)
        return str(usb)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", chosen_folder)
    window.backup.settings_action.trigger()
    dialog = window.backup.settings_dialog
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
    dialog._browse()
    dialog._browse()
    assert started == [str(documents), str(usb)]  # Documents, then the folder chosen last
    assert dialog.destination.text() == str(usb)
    dialog.reject()

    def chosen_base(_parent, _title, start, _pattern, **keywords):  # type: ignore[no-untyped-def]
        started.append(start)
        options.append(keywords.get("options"))
        return str(bases / "region.sqlite"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chosen_base)
    view = window.exports_page().ars
    monkeypatch.setattr(view, "open_database", lambda: None)
    view.location.clear()
    view.browse()
    view.browse()
    assert started[2:] == [
        str(documents / "consolidation-ars.sqlite"), str(bases / "region.sqlite")
    ]  # fmt: skip
    assert view.location.text() == str(bases / "region.sqlite")
    assert options == [QFileDialog.Option.DontConfirmOverwrite] * 2  # an existing base is opened
