"""What happens after a document is written: a bar at the bottom of the window offers to
open it, to show it in its folder, or (a PDF) to print it — nothing is left in a file that
nobody opens. Pages call `document_written(widget, path)` as they call `show_status`.

Printing: Qt cannot draw a PDF by itself (QtPdf is not part of PySide6-Essentials), so the
pages are rendered with pdfium (pypdfium2) and painted on the printer chosen in Qt's own
QPrintDialog, in the worker, with progress and cancel.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolButton,
    QWidget,
)

from ui.status import show_status

PRINT_DPI = 200  # enough for text and charts on an office printer, light on memory


class DocumentBar(QWidget):
    """'Fichier enregistré : X  [Ouvrir] [Afficher dans le dossier] [Imprimer…] [×]'."""

    print_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentBar")
        self.path: Path | None = None
        self.label = QLabel()
        self.label.setWordWrap(False)
        self.open_button = QPushButton(self.tr("&Ouvrir"))
        self.folder_button = QPushButton(self.tr("Afficher dans le &dossier"))
        self.print_button = QPushButton(self.tr("&Imprimer…"))
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("Fermer"))
        close.setAutoRaise(True)
        self.open_button.clicked.connect(lambda: self.path and open_document(self.path))
        self.folder_button.clicked.connect(lambda: self.path and show_in_folder(self.path))
        self.print_button.clicked.connect(
            lambda: self.path and self.print_requested.emit(self.path)
        )
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        for button in (self.open_button, self.folder_button, self.print_button):
            layout.addWidget(button)
        layout.addWidget(close)
        self.hide()

    def _print(self) -> None:
        if self.path is not None:
            self.print_requested.emit(self.path)

    def show_document(self, path: Path) -> None:
        self.path = path
        text = self.tr("Fichier enregistré : %1").replace("%1", path.name)
        self.label.setText(text)
        self.label.setToolTip(str(path))
        self.print_button.setVisible(path.suffix.lower() == ".pdf")
        self.show()


def open_document(path: Path) -> bool:
    """Open `path` in the program the computer uses for it."""
    from PySide6.QtCore import QUrl  # not at import time: the bar is built before first paint
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_in_folder(path: Path) -> bool:
    """Show the folder holding `path` (with the file selected where the platform allows)."""
    if sys.platform == "win32":
        import subprocess  # not at import time: the bar is built before first paint

        subprocess.Popen(["explorer", "/select,", str(path)])
        return True
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def document_written(widget: QWidget, path: Path, message: str | None = None) -> None:
    """Say in the status bar that `path` was written, and offer to open, show or print it."""
    window = widget.window()
    show_status(widget, message or widget.tr("Fichier enregistré : %1").replace("%1", str(path)))
    bar = getattr(window, "document_bar", None) if isinstance(window, QMainWindow) else None
    if isinstance(bar, DocumentBar):
        bar.show_document(path)


def print_pdf_pages(path: Path, printer: Any, progress: Any) -> int:
    """Paint every page of the PDF at `path` on `printer` (a QPrinter); returns the page count.

    Runs in the worker: pages are rendered one at a time (pdfium), so memory stays flat.
    """
    import pypdfium2
    from PySide6.QtCore import Qt  # not at import time: the bar is built before first paint
    from PySide6.QtGui import QImage, QPainter

    document = pypdfium2.PdfDocument(str(path))
    painter = QPainter()
    finished = False
    try:
        count = len(document)
        if not painter.begin(printer):
            raise OSError("the printer could not be started")
        for index in range(count):
            progress.check_cancelled()
            progress.report(index, count, "")
            if index:
                printer.newPage()
            bitmap = document[index].render(scale=PRINT_DPI / 72)
            image = bitmap.to_pil().convert("RGB")
            data = image.tobytes()
            qimage = QImage(data, image.width, image.height, 3 * image.width,
                            QImage.Format.Format_RGB888)  # fmt: skip
            target = painter.viewport()
            scaled = qimage.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
            painter.setWindow(qimage.rect())
            painter.drawImage(0, 0, qimage)
            painter.setViewport(target)
        finished = True
        return count
    finally:
        if not finished:
            printer.abort()  # cancelled or failed: nothing half-printed is sent
        if painter.isActive():
            painter.end()
        document.close()
