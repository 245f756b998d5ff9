"""Unités d'œuvre: a work-unit table installed from an ARS reference package is offered in the
table chooser, marked with its origin, and gives the year's work units."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_activity_screen import YEAR, _nbsp, _open, establishment  # noqa: F401
from test_reference_package_screen import _package, _trust

from hospiperf_desktop.establishments.model import Establishment
from ui.main_window import MainWindow


def test_a_packaged_table_is_offered_with_its_origin_and_gives_the_work_units(
    qtbot,
    window: MainWindow,
    services,
    establishment: Establishment,  # noqa: F811
    db_path: Path,
    tmp_path: Path,
) -> None:
    private = Ed25519PrivateKey.generate()
    _trust(db_path, private)
    services.library.install(_package(tmp_path / "paquet-ars.zip", private))
    services.activity.values.set_values(establishment.id, YEAR, {("boites_sterilisees", 0): 200.0})
    page = _open(qtbot, window)
    uo = page.work_units
    page.tabs.setCurrentWidget(uo)
    index = uo.table_choice.findData("uo-sterilisation-ars")
    assert uo.table_choice.itemText(index) == (
        "Coefficients régionaux de stérilisation — version 2027.1"
        " (ARS Occitanie, paquet de référence)"
    )
    with qtbot.waitSignal(uo.loaded, timeout=10_000):
        uo.table_choice.setCurrentIndex(index)
    assert "Table reçue de ARS Occitanie" in uo.table_label.text()
    assert "paquet-ars.zip" in uo.table_label.text()
    assert _nbsp(uo.total_label.text()) == "300 UO"  # 200 × 1,5
    assert not uo.add_line_button.isEnabled()
    assert "par l'ARS" in uo.add_line_button.toolTip()
