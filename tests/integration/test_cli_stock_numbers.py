"""`hospiperf stock import/preview` with absurd, unusual and ambiguous numbers (issue 12 § 4).

Reproduced first: a stock quantity of 999 999 999 999 (65 billion euros of stock) was
imported without a word, and in a `;` file "1.500" was read as 1,5 next to "1.500,00" read
as 1 500.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_support import Cli, make_finess, raw_rows
from openpyxl import Workbook

FINESS = make_finess(12)
HEADINGS = "Code;Désignation;Emplacement;Quantité;Prix unitaire\n"


def _csv(path: Path, *lines: str) -> Path:
    path.write_text(HEADINGS + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def establishment(cli: Cli) -> str:
    code, _, err = cli("establishment", "add", "--finess", FINESS, "--name", "CH Nombres",
                       "--kind", "ch", "--beds", "120")  # fmt: skip
    assert code == 0, err
    return FINESS


def _import(cli: Cli, path: Path, *extra: str) -> tuple[int, str, str]:
    return cli("stock", "import", str(path), "--establishment", FINESS, "--kind", "snapshot",
               "--date", "31/03/2026", *extra)  # fmt: skip


def _stock(db: Path) -> dict[str, float]:
    return dict(
        raw_rows(
            db,
            "SELECT p.code, l.quantity FROM stock_lines l JOIN products p ON p.id = l.product_id",
        )
    )


def _nothing_written(db: Path) -> bool:
    return not raw_rows(db, "SELECT id FROM stock_imports") and not raw_rows(
        db, "SELECT id FROM products"
    )


def test_a_quantity_of_999_999_999_999_is_refused_naming_its_bound_and_nothing_is_written(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(
        tmp_path / "inventaire.csv", "3400930000080;Gants nitrile;Pharmacie;999999999999;0,065"
    )
    code, out, err = _import(cli, path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1  # one line
    assert (
        "inventaire.csv, line 2, column D (Quantité): 999,999,999,999 is outside the plausible "
        "range of quantity (0 to 1,000,000, hypothèse HospiPerf)"
    ) in err
    assert '--confirm-unusual "JUSTIFICATION"' in err
    assert _nothing_written(db)


def test_confirmed_unusual_values_are_imported_and_the_justification_is_audited(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(
        tmp_path / "inventaire.csv",
        "3400930000011;Paracétamol;Pharmacie;1 200;0,05",
        "3400930000080;Gants nitrile;Pharmacie;999999999999;0,065",
    )
    code, out, err = _import(cli, path, "--confirm-unusual", "gants comptés à l'unité")
    assert code == 0, err
    assert "2 unusual values imported as confirmed (audited)" in out
    assert _stock(db) == {"3400930000011": 1200.0, "3400930000080": 999_999_999_999.0}
    [(after,)] = raw_rows(db, "SELECT after FROM audit_entries WHERE entity = 'stock_import'")
    unusual = json.loads(after)["unusual"]
    assert unusual["justification"] == "gants comptés à l'unité"
    assert unusual["count"] == 2
    assert unusual["values"][0] == {
        "line": 3, "column": "D (Quantité)", "field": "quantity", "value": 999_999_999_999.0,
    }  # fmt: skip
    [(read,)] = raw_rows(db, "SELECT mapping FROM stock_imports")
    assert json.loads(read)["unusual_justification"] == "gants comptés à l'unité"
    code, out, _ = cli("audit", "verify")
    assert code == 0


def test_a_blank_justification_confirms_nothing(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", "3400930000080;Gants;Pharmacie;2 000 000;0,065")
    code, _, err = _import(cli, path, "--confirm-unusual", "   ")
    assert code == 2 and "plausible range" in err
    assert _nothing_written(db)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1e16", "'1e16' is too large (more than 1,000,000,000,000,000 in size)"),
        ("1e400", "'1e400' is too large"),
        ("inf", "'inf' is not a number"),
        ("NaN", "'NaN' is not a number"),
        ("9" * 5000, "is too large"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused_with_line_and_column(
    cli: Cli, db: Path, tmp_path: Path, establishment: str, cell: str, message: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", f"3400930000011;Paracétamol;Pharmacie;{cell};0,05")
    code, _, err = _import(cli, path, "--confirm-unusual", "even confirmed")
    assert code == 2
    assert "inventaire.csv, line 2, column D (Quantité): " in err and message in err
    assert len(err) < 1024
    assert _nothing_written(db)


def test_a_computed_line_value_past_the_magnitude_limit_is_refused(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", "3400930000011;X;Pharmacie;900000000000;2000000")
    code, _, err = _import(cli, path, "--confirm-unusual", "sure")
    assert code == 2
    assert (
        "inventaire.csv, line 2: the line's value (quantity × unit price) 1.8e+18 is too large"
        in err
    )
    assert _nothing_written(db)


def test_an_ambiguous_column_is_refused_naming_the_column_and_a_line_until_the_dot_is_said(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(
        tmp_path / "inventaire.csv",
        "3400930000011;Paracétamol;Pharmacie;1.500;0,05",
        "3400930000042;Chlorure de sodium;Pharmacie;12;0,92",
    )
    for command in ("import", "preview"):
        args = ["stock", command, str(path), "--kind", "snapshot"]
        if command == "import":
            args += ["--establishment", FINESS, "--date", "31/03/2026"]
        code, out, err = cli(*args)
        assert code == 2 and out == ""
        assert err.startswith(
            "hospiperf: error: ambiguous numbers: (say what a dot means with --decimal-point or "
            "--thousands-point) inventaire.csv, line 2, column D (Quantité): "
            "'1.500' could be 1.5 or 1500"
        )
        assert "--decimal-point or --thousands-point" in err
    assert _nothing_written(db)

    code, out, err = cli("stock", "preview", str(path), "--kind", "snapshot", "--thousands-point")
    assert code == 0, err
    assert "numbers of D (Quantité): '1.500' → 1500, '12' → 12" in out
    code, _, err = _import(cli, path, "--thousands-point")
    assert code == 0, err
    assert _stock(db) == {"3400930000011": 1500.0, "3400930000042": 12.0}
    [(read,)] = raw_rows(db, "SELECT mapping FROM stock_imports")
    assert json.loads(read)["single_dot"] == "thousands"


def test_the_decimal_point_flag_reads_a_lone_dot_as_decimal(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", "3400930000011;Paracétamol;Pharmacie;1.500;0,05")
    code, _, err = _import(cli, path, "--decimal-point")
    assert code == 0, err
    assert _stock(db) == {"3400930000011": 1.5}


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("1.500,00", 1500.0),  # a dot before a decimal comma groups thousands
        ("2,5", 1500.0),  # a decimal comma: the dot cannot be decimal
        ("1.234.567", 1500.0),  # several dots group thousands
        ("2.5", 1.5),  # a dot followed by one digit is a decimal point
        ("0.125", 1.5),  # "0.125" cannot be a thousand-and-something
    ],
)
def test_a_column_whose_other_cells_tell_needs_no_choice(
    cli: Cli, db: Path, tmp_path: Path, establishment: str, other: str, expected: float
) -> None:
    path = _csv(
        tmp_path / "inventaire.csv",
        "3400930000011;Paracétamol;Pharmacie;1.500;0,05",
        f"3400930000042;Chlorure de sodium;Pharmacie;{other};0,92",
    )
    code, _, err = _import(cli, path, "--confirm-unusual", "1 234 567 is past the bound")
    assert code == 0, err
    assert _stock(db)["3400930000011"] == expected


def test_contradicting_cells_leave_the_column_ambiguous(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(
        tmp_path / "inventaire.csv",
        "3400930000011;A;Pharmacie;1.500;0,05",
        "3400930000042;B;Pharmacie;2.5;0,92",
        "3400930000043;C;Pharmacie;1.500,00;0,92",
    )
    code, _, err = _import(cli, path)
    assert code == 2 and "ambiguous numbers" in err


def test_comma_separated_files_keep_the_dot_as_decimal_point(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(
        "Code,Label,Location,Quantity,Unit price\n3400930000011,A,Pharmacie,1.500,0.05\n"
    )
    code, _, err = _import(cli, path)
    assert code == 0, err
    assert _stock(db) == {"3400930000011": 1.5}


def test_typed_spreadsheet_numbers_take_the_same_checks(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    """Typed cells of a movements workbook skip text parsing: not the bounds."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Code", "Qté sortie", "PU HT"])
    sheet.append(["01/03/2026", "3400930000011", 40.0, 0.05])
    sheet.append(["02/03/2026", "3400930000011", 5_000_000.0, 0.05])
    sheet.append(["03/03/2026", "3400930000011", 10.0, 1e300])
    path = tmp_path / "mouvements.xlsx"
    book.save(path)
    code, _, err = cli("stock", "import", str(path), "--establishment", FINESS,
                       "--kind", "movements")  # fmt: skip
    assert code == 2
    assert "mouvements.xlsx, line 4, column D (PU HT): '1e+300' is too large" in err
    sheet.delete_rows(4)
    book.save(path)
    code, _, err = cli("stock", "import", str(path), "--establishment", FINESS,
                       "--kind", "movements")  # fmt: skip
    assert code == 2
    assert "mouvements.xlsx, line 3, column C (Qté sortie): 5,000,000 is outside" in err
    code, _, err = cli("stock", "import", str(path), "--establishment", FINESS,
                       "--kind", "movements", "--confirm-unusual", "annual delivery")  # fmt: skip
    assert code == 0, err
    assert sorted(q for (q,) in raw_rows(db, "SELECT quantity_out FROM stock_movements")) == [
        40.0, 5_000_000.0
    ]  # fmt: skip


def test_product_set_price_outside_its_range_needs_a_justification(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", "3400930000011;Paracétamol;Pharmacie;12;0,05")
    assert _import(cli, path)[0] == 0

    def price() -> float:
        [(value,)] = raw_rows(db, "SELECT unit_price FROM products")
        return float(value)

    code, _, err = cli("stock", "product-set", "3400930000011", "--establishment", FINESS,
                       "--price", "5 000 000")  # fmt: skip
    assert code == 2
    assert "unit price 5,000,000 is outside the plausible range (0 to 3,000,000" in err
    assert '--confirm-unusual "JUSTIFICATION"' in err
    assert price() == 0.05
    for bad in ("1e13", "inf"):
        code, _, err = cli("stock", "product-set", "3400930000011", "--establishment", FINESS,
                           "--price", bad)  # fmt: skip
        assert code == 2 and price() == 0.05
    code, _, err = cli("stock", "product-set", "3400930000011", "--establishment", FINESS,
                       "--price", "0,0235")  # fmt: skip
    assert code == 0, err
    assert price() == 0.0235
    code, _, err = cli("stock", "product-set", "3400930000011", "--establishment", FINESS,
                       "--price", "5 000 000", "--confirm-unusual", "gene therapy")  # fmt: skip
    assert code == 0, err
    assert price() == 5_000_000.0
    [(after,)] = raw_rows(
        db, "SELECT after FROM audit_entries WHERE entity = 'product' ORDER BY id DESC LIMIT 1"
    )
    assert json.loads(after)["justification"] == "gene therapy"


def test_product_set_changes_several_products_at_once_or_none(
    cli: Cli, db: Path, tmp_path: Path, establishment: str
) -> None:
    path = _csv(tmp_path / "inventaire.csv", "3400930000011;Paracétamol;Pharmacie;12;0,05",
                "3400930000042;Chlorure de sodium;Pharmacie;30;0,92")  # fmt: skip
    assert _import(cli, path)[0] == 0
    both = ("3400930000011", "3400930000042")
    code, out, err = cli("stock", "product-set", *both, "--establishment", FINESS,
                         "--category", "solute", "--mitm", "oui")  # fmt: skip
    assert code == 0, err
    assert "2 product(s) updated" in out
    assert raw_rows(db, "SELECT category, mitm FROM products ORDER BY code") == [
        ("solute", 1), ("solute", 1)
    ]  # fmt: skip
    code, _, err = cli("stock", "product-set", "3400930000011", "9999999999999",
                       "--establishment", FINESS, "--category", "dms")  # fmt: skip
    assert code == 2  # one unknown code: nothing changes
    assert raw_rows(db, "SELECT DISTINCT category FROM products") == [("solute",)]
    code, _, err = cli("stock", "product-set", "3400930000011", "3400930000042",
                       "--establishment", FINESS, "--price", "1")  # fmt: skip
    assert code == 2 and "one product at a time" in err
