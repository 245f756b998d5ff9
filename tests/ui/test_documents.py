"""After a document is written: the bar offers to open it, show its folder, or print it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog

from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.progress import NullProgress
from ui.documents import print_pdf_pages
from ui.main_window import AUDIT_ROW


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def test_a_written_pdf_is_offered_to_open_show_and_print(
    qtbot, window, services, tmp_path, monkeypatch
) -> None:
    services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu")
    )
    page = window.audit_page()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.navigation.setCurrentRow(AUDIT_ROW)
    target = tmp_path / "journal.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    bar = window.document_bar
    assert bar.isHidden()
    page.pdf_button.click()
    qtbot.waitUntil(bar.isVisible, timeout=20_000)
    assert target.exists()
    assert bar.label.text() == "Fichier enregistré : journal.pdf"
    assert bar.print_button.isVisible()

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    bar.open_button.setFocus()
    qtbot.keyClick(bar.open_button, Qt.Key.Key_Space)
    bar.folder_button.click()
    assert opened == [str(target), str(tmp_path)]

    xlsx = tmp_path / "journal.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(xlsx), ""))
    page.xlsx_button.click()
    qtbot.waitUntil(lambda: bar.label.text().endswith("journal.xlsx"), timeout=20_000)
    assert not bar.print_button.isVisible()  # a workbook is opened, not printed from here
    assert window.runner.wait(20_000)


def test_printing_sends_every_page_of_the_pdf(qapp, tmp_path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    source = tmp_path / "source.pdf"
    canvas = Canvas(str(source))
    for number in range(3):
        canvas.drawString(100, 700, f"Page {number + 1}")
        canvas.showPage()
    canvas.save()
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert print_pdf_pages(source, printer, NullProgress()) == 3
    assert _pages(printed) == 3
