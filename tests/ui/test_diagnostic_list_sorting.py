"""The diagnostics list keeps its sort keys per listing: a new listing sorts on its own."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSortFilterProxyModel, Qt

from tests.diagnostics_support import build_diagnostic
from ui.sections.diagnostics.list_model import DiagnosticFilter, DiagnosticTableModel

LABEL = 2


def _labels(proxy: QSortFilterProxyModel) -> list[str]:
    return [proxy.index(r, LABEL).data() for r in range(proxy.rowCount())]


def test_a_new_listing_is_sorted_on_its_own_labels_not_the_previous_ones(qapp) -> None:
    summary = build_diagnostic()[0].summary
    model = DiagnosticTableModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    model.set_rows([replace(summary, id=1, label="Écart"), replace(summary, id=2, label="bilan")])
    proxy.sort(LABEL, Qt.SortOrder.AscendingOrder)
    assert _labels(proxy) == ["bilan", "Écart"]
    model.set_rows([replace(summary, id=1, label="zone"), replace(summary, id=2, label="audit")])
    assert _labels(proxy) == ["audit", "zone"]


def test_the_page_proxy_keeps_the_models_python_sort_and_filters_by_text(qapp) -> None:
    summary = build_diagnostic()[0].summary
    model = DiagnosticTableModel()
    proxy = DiagnosticFilter(model)
    proxy.sort(LABEL, Qt.SortOrder.DescendingOrder)
    model.set_rows(
        [replace(summary, id=n, label=label) for n, label in enumerate(("bilan", "Écart", "zone"))]
    )
    assert _labels(proxy) == ["zone", "Écart", "bilan"]
    assert (proxy.sortColumn(), proxy.sortOrder()) == (LABEL, Qt.SortOrder.DescendingOrder)
    proxy.sort(LABEL, Qt.SortOrder.AscendingOrder)
    assert _labels(proxy) == ["bilan", "Écart", "zone"]
    proxy.setFilterFixedString("ÉCA")
    assert _labels(proxy) == ["Écart"]
