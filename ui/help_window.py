"""Aide › Guide d'utilisation: the French user guide, with a search field. F1 opens it.

The pages come from the core (`hospiperf_desktop.help`): Markdown shown by QTextBrowser.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop.help import HelpPage, page_for_section, search, shipped_pages

PAGE_ROLE = Qt.ItemDataRole.UserRole


class HelpWindow(QWidget):
    """A separate window: the pages (or the search results) on the left, the page on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Aide — HospiPerf Desktop"))
        self.resize(980, 640)
        self.pages = shipped_pages()
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(self.tr("Rechercher dans l'aide…"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._list_pages)
        self.page_list = QListWidget()
        self.page_list.setWordWrap(True)
        self.page_list.currentItemChanged.connect(self._show_current)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_field)
        left_layout.addWidget(self.page_list)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 700])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        self._list_pages("")

    def _list_pages(self, query: str) -> None:
        shown = self.current_page()
        self.page_list.clear()
        if query.strip():
            entries = [
                (hit.page, f"{hit.page.title}\n{hit.excerpt}") for hit in search(self.pages, query)
            ]
        else:
            entries = [(page, page.title) for page in self.pages]
        for page, text in entries:
            item = QListWidgetItem(text)
            item.setData(PAGE_ROLE, page.id)
            self.page_list.addItem(item)
        if not entries:
            self.page_list.addItem(self.tr("Aucune page ne contient « %1 ».").replace("%1", query))
            return
        ids = [page.id for page, _text in entries]
        row = ids.index(shown.id) if shown is not None and shown.id in ids else 0
        self.page_list.setCurrentRow(row)

    def _show_current(self, item: QListWidgetItem | None) -> None:
        page_id = item.data(PAGE_ROLE) if item is not None else None
        page = next((p for p in self.pages if p.id == page_id), None)
        if page is not None:
            self.browser.setMarkdown(page.markdown)

    def current_page(self) -> HelpPage | None:
        item = self.page_list.currentItem()
        page_id = item.data(PAGE_ROLE) if item is not None else None
        return next((p for p in self.pages if p.id == page_id), None)

    def show_page(self, page_id: str) -> None:
        """Show one page (the search is cleared) and bring the window to the front."""
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.page_list.clear()
        for page in self.pages:
            item = QListWidgetItem(page.title)
            item.setData(PAGE_ROLE, page.id)
            self.page_list.addItem(item)
            if page.id == page_id:
                self.page_list.setCurrentItem(item)
        self.show()
        self.raise_()
        self.activateWindow()

    def show_section(self, section: str) -> None:
        self.show_page(page_for_section(self.pages, section).id)
