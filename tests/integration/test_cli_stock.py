"""`hospiperf stock …` end to end, as a script would drive it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import Cli, make_finess

FINESS = make_finess(7)
FIXTURES = Path(__file__).parent.parent / "fixtures" / "stock"


@pytest.fixture
def ready(cli: Cli, tmp_path: Path) -> Path:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Test",
                       "--kind", "ch", "--beds", "120")  # fmt: skip
    assert code == 0, err
    movements = tmp_path / "mouvements.csv"
    rows = ["Date;Code UCD;Qté sortie;PU HT;UF"]
    rows += [f"{d:02d}/09/2025;3400930000001;{10 + d % 3};0,05;UF Cardio" for d in range(1, 31)]
    movements.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return movements


def test_import_indicators_and_reorder_as_json(cli: Cli, ready: Path, tmp_path: Path) -> None:
    code, out, err = cli("stock", "import", str(FIXTURES / "snapshot.xls"), "--establishment",
                         FINESS, "--kind", "snapshot", "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert (result["imported"], result["rejected"], result["products_created"]) == (3, 0, 3)
    code, out, err = cli("stock", "import", str(ready), "--establishment", FINESS,
                         "--kind", "movements", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["imported"] == 30

    code, out, err = cli("stock", "indicators", "--establishment", FINESS, "--at", "01/10/2025",
                         "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    coverage = {(c["category"], c["location"]): c for c in data["coverage"]}
    central = coverage[("medicament", "central")]
    assert set(central) >= {"category", "location", "stock_value", "weekly_consumption_value",
                            "coverage_weeks", "target_weeks"}  # fmt: skip
    assert central["stock_value"] == pytest.approx(60.0)
    assert central["target_weeks"] == 4
    # Movements start on 01/09: the 13-week window is cut to the 30 days they cover.
    consumed = sum(10 + d % 3 for d in range(1, 31)) * 0.05
    assert data["consumption_weeks"] == pytest.approx(30 / 7)
    assert central["weekly_consumption_value"] == pytest.approx(consumed / (30 / 7))
    assert central["coverage_weeks"] == pytest.approx(60.0 / (consumed / (30 / 7)))

    code, out, err = cli("stock", "reorder", "--establishment", FINESS, "--json")
    assert code == 0, err
    report = json.loads(out)
    # The third product is only held in a care unit and never delivered: nothing to order.
    assert {line["code"] for line in report["lines"]} == {"3400930000001", "3400930000002"}
    assert all("reorder_point" in line and "at_risk" in line for line in report["lines"])

    book = tmp_path / "indicateurs.xlsx"
    code, _, err = cli("stock", "indicators", "--establishment", FINESS, "--xlsx", str(book))
    assert code == 0, err
    from openpyxl import load_workbook

    sheets = load_workbook(book, read_only=True).sheetnames
    assert sheets == ["Synthèse", "Couverture", "Lieux", "Dormant", "Péremptions", "Par lit"]


def test_a_refused_file_prints_counts_and_errors_as_json(
    cli: Cli, ready: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Date;Code;Sortie;PU\n01/09/2025;A;deux;1\n31/09/2025;B;1;1\n02/09/2025;C;1;1\n")
    code, out, _ = cli("stock", "import", str(bad), "--establishment", FINESS,
                       "--kind", "movements", "--json")  # fmt: skip
    assert code == 2
    data = json.loads(out)
    assert (data["imported"], data["rejected"]) == (0, 2)
    assert [(e["line"], e["column"], e["code"]) for e in data["errors"]] == [
        (2, "C (Sortie)", "not_a_number"), (3, "A (Date)", "impossible_date"),
    ]  # fmt: skip
    code, _, err = cli("stock", "import", str(bad), "--establishment", FINESS, "--kind",
                       "movements")  # fmt: skip
    assert code == 2 and "bad.csv, line 2, column C (Sortie)" in err


def test_mappings_preview_duplicates_and_shortages(cli: Cli, ready: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Réf;Nb;Montant\nR1;4;10\n", encoding="utf-8")
    code, out, _ = cli("stock", "preview", str(export), "--kind", "snapshot", "--json")
    # "Réf" and "Montant" are recognised; "Nb" is not, and there is no date.
    assert json.loads(out)["missing"] == ["quantity", "snapshot_date"]
    mapping = tmp_path / "logiciel-x.json"
    columns = {"product_code": "Réf", "quantity": "Nb", "value": "Montant"}
    mapping.write_text(json.dumps({"kind": "snapshot", "columns": columns}), encoding="utf-8")
    args = ("stock", "import", str(export), "--establishment", FINESS, "--kind", "snapshot",
            "--date", "30/09/2025", "--category", "dmi")  # fmt: skip
    code, out, err = cli(*args, "--mapping", str(mapping), "--save-mapping", "Logiciel X")
    assert code == 0, err
    assert "1 rows imported, 0 rejected" in out and "filed as 'dmi'" in out
    code, out, _ = cli("stock", "mappings", "--json")
    assert [m["name"] for m in json.loads(out)] == ["Logiciel X"]
    code, _, err = cli(*args, "--mapping", "Logiciel X")
    assert code == 2 and "already imported" in err
    code, out, err = cli("stock", "shortage", "--establishment", FINESS, "--product", "R1",
                         "--from", "01/03/2025", "--supplier-changed")  # fmt: skip
    assert code == 0, err
    code, out, _ = cli("stock", "shortages", "--establishment", FINESS, "--year", "2025",
                       "--json")  # fmt: skip
    assert json.loads(out)["supplier_changes"] == 1
    code, out, _ = cli("stock", "products", "--establishment", FINESS, "--category", "dmi",
                       "--json")  # fmt: skip
    assert [p["code"] for p in json.loads(out)] == ["R1"]


def test_purge_lets_the_establishment_be_deleted_and_bad_windows_are_refused(
    cli: Cli, ready: Path
) -> None:
    assert cli("stock", "import", str(ready), "--establishment", FINESS, "--kind",
               "movements")[0] == 0  # fmt: skip
    code, _, err = cli("stock", "indicators", "--establishment", FINESS, "--window", "-1")
    assert code == 2 and "at least 1" in err
    code, _, err = cli("establishment", "delete", FINESS, "--yes")
    assert code == 2 and "stock purge" in err
    assert cli("stock", "purge", "--establishment", FINESS)[0] == 2  # needs --yes
    code, out, err = cli("stock", "purge", "--establishment", FINESS, "--yes")
    assert code == 0, err
    # 30 movements, their import, the product and the care unit
    assert out.strip() == "33 stock rows removed"
    assert cli("establishment", "delete", FINESS, "--yes")[0] == 0
