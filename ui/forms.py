"""The layout every small form dialog shares: a form above OK and Annuler."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout


def form_dialog(dialog: QDialog, form: QFormLayout, width: int) -> QDialogButtonBox:
    """Lay `form` out in `dialog` above OK/Annuler (wired to accept/reject); returns them."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    dialog.resize(width, dialog.sizeHint().height())
    return buttons
