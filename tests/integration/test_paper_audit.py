"""Paper audits: the blank grid (PDF) and the empty answer sheet of a questionnaire."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from integration_support import Cli, make_input

from hospiperf_desktop.diagnostics.loader import shipped_library
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.services import Services


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_blank_grid_lists_every_item_with_its_boxes_and_numbered_pages(
    cli: Cli, tmp_path: Path
) -> None:
    pdf = tmp_path / "grille.pdf"
    code, _out, err = cli("diag", "blank", "sterilisation", "--pdf", str(pdf))
    assert code == 0, err
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    template = shipped_library().get("sterilisation")
    # 100 items in 2.1; 2.2 (issue 20 review) split A.02 and C.07, hence 102.
    assert template is not None and len(template.items) == 102
    for item in template.items:
        assert item.id in text
    assert text.count("Commentaire") == len(template.items)
    assert "Établissement" in text and "Auditeur" in text and "Date" in text
    assert f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text
    assert "595.276 x 841.89 pts (A4)" in info.stdout


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_the_blank_grid_renders_in_black_and_white(cli: Cli, tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "grille.pdf"
    assert cli("diag", "blank", "radiopharmacie", "--pdf", str(pdf))[0] == 0
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    found = image.getcolors(maxcolors=1 << 24) or []
    colours = {rgb for _count, rgb in found if max(rgb) - min(rgb) > 12}
    assert not colours  # greys only


def test_the_empty_answer_sheet_imports_back_once_filled(
    services: Services, tmp_path: Path, cli: Cli
) -> None:
    from openpyxl import load_workbook

    from hospiperf_desktop.diagnostics.sheets import write_answer_template
    from hospiperf_desktop.safe_cells import save_workbook

    template = services.diagnostics.template("cooperation-pui")
    sheet = tmp_path / "feuille.xlsx"
    write_answer_template(template, sheet)
    wb = load_workbook(sheet)
    ws = wb["Réponses"]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [i.id for i in template.items]
    assert all(ws.cell(r, 8).value is None for r in range(2, ws.max_row + 1))
    ws["H2"], ws["I2"] = "Oui", "Vu sur place"
    save_workbook(wb, sheet)
    establishment = services.establishments.add(make_input(1)).id
    diag = services.diagnostics.create("cooperation-pui", establishment).id
    assert services.diagnostics.import_answer_file(diag, sheet) == 1
    answer = services.diagnostics.get(diag).answers[template.items[0].id]
    assert (answer.code, answer.comment) == (AnswerCode.YES, "Vu sur place")
