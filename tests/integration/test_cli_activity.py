"""`hospiperf activity …`, `uo …` and `dashboard` end to end, as a script would drive them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import Cli, make_finess

FINESS = make_finess(11)


@pytest.fixture
def ready(cli: Cli) -> None:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Activité",
                       "--kind", "ch", "--beds", "250")  # fmt: skip
    assert code == 0, err


def test_import_export_and_work_units_from_the_command_line(
    cli: Cli, ready: None, tmp_path: Path
) -> None:
    sheet = tmp_path / "activite-2025.csv"
    sheet.write_text(
        "code;valeur\nlignes_cmd_medicaments;1 000\nlignes_cmd_dms;500\netp_pui;12,5\n",
        encoding="utf-8",
    )
    code, out, err = cli("activity", "import", str(sheet), "--establishment", FINESS,
                         "--year", "2025", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {
        "file": "activite-2025.csv",
        "rows": 3,
        "changed": 3,
        "cleared": 0,
        "unchanged": 0,
        "justified": 0,
        "skipped": 0,
    }
    code, out, err = cli("activity", "set", "--establishment", FINESS, "--year", "2026",
                         "lignes_cmd_medicaments", "1100")  # fmt: skip
    assert code == 0, err

    code, out, err = cli("uo", "compute", "--establishment", FINESS, "--year", "2026", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["table_id"], data["table_version"]) == ("uo-pharma", "2022.1")
    assert data["total"] == pytest.approx(1100 * 10.6)
    first = data["lines"][0]
    assert (first["item_id"], first["count"], first["coefficient"]) == ("1", 1100, 10.6)
    assert first["uo"] == pytest.approx(11_660)
    # 2025: 1 000 × 10,6 + 500 × 12,4 = 16 800.
    assert data["previous_total"] == pytest.approx(16_800)
    assert data["per_bed"] == pytest.approx(11_660 / 250)

    out_xlsx = tmp_path / "export.xlsx"
    code, out, err = cli("activity", "export", "--establishment", FINESS, "--year", "2025",
                         "--xlsx", str(out_xlsx))  # fmt: skip
    assert code == 0, err
    code, out, err = cli("activity", "import", str(out_xlsx), "--establishment", FINESS,
                         "--year", "2025", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["changed"] == 0, "the export is the import layout"


def test_uo_tables_and_a_counts_file(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("uo", "tables", "--json")
    assert code == 0, err
    tables = {t["id"]: t for t in json.loads(out)}
    assert set(tables) == {"uo-pharma", "uo-sterilisation"}
    items = tables["uo-pharma"]["items"]
    assert {"id", "label", "coefficient"} <= set(items[0])
    assert [i["coefficient"] for i in items] == [10.6, 12.4, 8.3, 4.6, 223.9, 15.1, 1]
    counts = tmp_path / "counts.csv"
    counts.write_text("item_id,count\n1,100\n5,2\n7,1000\n", encoding="utf-8")
    code, out, err = cli("uo", "compute", "--counts", str(counts), "--table", "uo-pharma",
                         "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] == pytest.approx(100 * 10.6 + 2 * 223.9 + 1000)  # 2 507,8
    assert data["table_version"] == "2022.1"
    assert data["missing"] == ["2", "3", "4", "6"]

    counts.write_text("item_id,count\n1,cent\n99,2\n7,-5\n", encoding="utf-8")
    code, out, err = cli("uo", "compute", "--counts", str(counts), "--table", "uo-pharma")
    assert code == 2
    assert "counts.csv, line 2, column B (count): 'cent' is not a number" in err
    assert "counts.csv, line 3, column A (item_id): table uo-pharma has no item '99'" in err
    assert "counts.csv, line 4, column B (count): -5 is negative" in err
    code, out, err = cli("uo", "compute", "--counts", str(counts))
    assert code == 2 and "--table" in err


def test_local_table_from_the_command_line(cli: Cli, ready: None) -> None:
    code, out, err = cli("uo", "set-line", "uo-pharma", "1", "--coefficient", "11")
    assert code == 2 and "shipped table" in err
    assert cli("uo", "copy", "uo-pharma", "uo-chx", "--title", "UO du CHX")[0] == 0
    code, out, err = cli("uo", "set-line", "uo-chx", "1", "--coefficient", "11,5")
    assert code == 0, err
    assert "2022.1+local.2" in out
    cli("activity", "set", "--establishment", FINESS, "--year", "2026",
        "lignes_cmd_medicaments", "10")  # fmt: skip
    code, out, err = cli("uo", "compute", "--establishment", FINESS, "--year", "2026",
                         "--table", "uo-chx", "--save", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["total"] == pytest.approx(115)
    assert data["recorded_id"] == 1
    code, out, err = cli("uo", "results", "--establishment", FINESS, "--json")
    assert json.loads(out)[0]["table_version"] == "2022.1+local.2"


def test_the_demo_dashboard_as_json_pdf_and_workbook(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo")[0] == 0
    pdf, xlsx = tmp_path / "tdb.pdf", tmp_path / "tdb.xlsx"
    code, out, err = cli("dashboard", "--establishment", "690990015", "--year", "2026",
                         "--json", "--pdf", str(pdf), "--xlsx", str(xlsx))  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["year"] == 2026
    lines = {line["measure_id"]: line for f in data["families"] for line in f["lines"]}
    days = lines["jours_stock_medicaments"]
    assert days["computed"] and days["origin"].startswith("Calculé depuis le module Stock")
    assert days["previous"] == 42, "2025 has no stock data: the typed value"
    assert lines["pct_ei_analyses"]["status"] == "better"
    assert lines["pct_commandes_urgentes"]["status"] == "worse"
    assert lines["solde_recettes_consommations"]["computed"]
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 10_000
    code, out, err = cli("uo", "peers", "--year", "2026", "--json")
    assert [row["finess"] for row in json.loads(out)] == ["690990015", "970109609", "690990023"]


def test_an_unknown_establishment_or_bad_year_is_one_line(cli: Cli) -> None:
    code, _, err = cli("dashboard", "--establishment", "000000000", "--year", "2026")
    assert code == 2 and err.count("\n") == 1
    code, _, err = cli("uo", "compute", "--year", "2026")
    assert code == 2 and "--establishment" in err
