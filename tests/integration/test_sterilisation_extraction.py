"""Traceability exports: mapped, French formats, every bad line named, all or nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from integration_support import Cli
from openpyxl import Workbook

from hospiperf_desktop.calculators.sterilisation import ActivityLine
from hospiperf_desktop.calculators.sterilisation_extraction import (
    ExtractionMapping,
    read_extraction,
)
from hospiperf_desktop.errors import FileImportError

EXAMPLE = Path(__file__).parents[2] / "resources" / "examples" / "sterilisation-2026.json"
MAPPING = ExtractionMapping(
    compositions={"BOITE GENOU": "VS3", "Optique 30°": "BD01", "Sachet pince": "VSU"}
)


def test_a_french_csv_export_becomes_activity_by_category_process_and_month(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Date;Composition;Procédé;Quantité\n"
        "05/01/2026;BOITE GENOU;Vapeur 134°C;1\n"
        "05/01/2026;boite genou;Vapeur;2\n"
        "17/02/2026;Optique 30°;Plasma;1\n"
        "18/02/2026;VS1;vapeur;1 200\n"
        "19/02/2026;Sachet pince;Vapeur;\n",
        encoding="cp1252",
    )
    extraction = read_extraction(path, 2026, MAPPING)
    assert extraction.activity == (
        ActivityLine("BD01", "basse_temperature", 1, 2),
        ActivityLine("VS1", "vapeur", 1200, 2),
        ActivityLine("VS3", "vapeur", 3, 1),
        ActivityLine("VSU", "vapeur", 1, 2),  # a blank quantity is one composition
    )
    assert extraction.lines == 5
    assert (f"{extraction.first:%d/%m}", f"{extraction.last:%d/%m}") == ("05/01", "19/02")


def test_an_xlsx_export_with_typed_dates_and_a_mapped_heading(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Export Optim — 2026"])
    sheet.append(["Jour", "Boîte", "Mode de stérilisation", "Nb"])
    sheet.append([datetime(2026, 3, 2, 8, 30), "BOITE GENOU", "Autoclave", 4])
    path = tmp_path / "export.xlsx"
    book.save(path)
    mapping = ExtractionMapping(columns={"composition": "Boîte"}, compositions=MAPPING.compositions)
    assert read_extraction(path, 2026, mapping).activity == (ActivityLine("VS3", "vapeur", 4, 3),)


def test_every_bad_line_is_named_and_nothing_is_returned(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Date;Composition;Procédé;Quantité\n"
        "31/02/2026;BOITE GENOU;Vapeur;1\n"
        "01/03/2025;BOITE GENOU;Vapeur;1\n"
        "02/03/2026;BOITE INCONNUE;Vapeur;1\n"
        "02/03/2026;BOITE GENOU;Micro-ondes;1\n"
        "02/03/2026;BOITE GENOU;Vapeur;deux\n"
        "02/03/2026;BOITE GENOU;Vapeur;1\n",
        encoding="utf-8",
    )
    with pytest.raises(FileImportError) as caught:
        read_extraction(path, 2026, MAPPING)
    assert [str(issue) for issue in caught.value.issues] == [
        "export.csv, line 2, column A (Date): '31/02/2026' is not a real date",
        "export.csv, line 3, column A (Date): 01/03/2025 is outside the study year 2026",
        "export.csv, line 4, column B (Composition): 'BOITE INCONNUE' is neither a UO Sté"
        " category nor a composition of the mapping",
        "export.csv, line 5, column C (Procédé): 'Micro-ondes' is not a process (vapeur or"
        " basse température)",
        "export.csv, line 6, column D (Quantité): 'deux' is not a number",
    ]


def test_an_export_without_a_process_column_is_refused_naming_the_headings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Date;Composition\n01/01/2026;VS1\n", encoding="utf-8")
    with pytest.raises(FileImportError, match=r"missing column\(s\): process"):
        read_extraction(path, 2026)


def test_calc_sterilisation_takes_its_activity_from_an_export(cli: Cli, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "Date;Composition;Procédé;Quantité\n"
        "05/01/2026;BOITE GENOU;Vapeur;10 000\n"
        "06/01/2026;BS1;Basse température;500\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"compositions": {"BOITE GENOU": "VS1"}}), encoding="utf-8")
    code, text, err = cli("calc", "sterilisation", str(EXAMPLE), "--activity", str(export),
                          "--mapping", str(mapping), "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(text)
    assert result["uo_total"] == 10_000 * 1.5 + 500 * 2
    assert result["provisional"] is False
    assert result["total_cost"] == pytest.approx(720_500)
