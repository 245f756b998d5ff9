"""The window words a refused hostile file in French: which limit, the value, what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.tabular import read_grid
from ui.messages import error_text

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile" / "stock"


def french_refusal(name: str) -> str:
    with pytest.raises(FileImportError) as caught:
        read_grid(HOSTILE / name)
    return error_text(caught.value)


def test_a_far_cell_workbook_is_refused_in_french_with_the_limit(qtbot: QtBot) -> None:
    assert french_refusal("far-cell-xfd1048576.xlsx") == (
        "Le fichier est refusé, rien n'a été enregistré :\n"
        "far-cell-xfd1048576.xlsx, xl/worksheets/sheet1.xml : nombre de colonnes : "
        "16\u202f384, au-delà de la limite de 1\u202f024 ; gardez seulement les colonnes à "
        "importer"
    )


def test_a_nul_in_a_csv_cell_is_refused_in_french_with_line_and_column(qtbot: QtBot) -> None:
    assert french_refusal("nul-in-cell.csv").endswith(
        "nul-in-cell.csv, ligne 3, colonne A : le texte contient un caractère nul ou un "
        "caractère de contrôle ; supprimez-le"
    )


def test_a_zip_bomb_is_refused_in_french_with_the_advice_to_save_again(qtbot: QtBot) -> None:
    text = french_refusal("zip-bomb-ratio.xlsx")
    assert "taux de compression : 866, au-delà de la limite de 100" in text
    assert "\x00" not in text


def test_a_bundle_the_ars_would_refuse_is_worded_in_french_with_each_place(qtbot: QtBot) -> None:
    from hospiperf_desktop.bundles.service import BundleWouldBeRefused

    err = BundleWouldBeRefused(
        (("bad_payload", "data/stock/indicators.json: at /unusual_values/0/value: 2e12"),)
    )
    assert error_text(err) == (
        "L'ARS refuserait ce paquet : son contenu sort de ce que le format des paquets accepte "
        "(détail ci-dessous). Corrigez-le avant d'envoyer le paquet (rien n'a été signé ni "
        "écrit).\n"
        "• data/stock/indicators.json: at /unusual_values/0/value: 2e12"
    )
