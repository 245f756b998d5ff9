"""Stock imports: every file flavour, every kind of bad input, all or nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from integration_support import make_input

from hospiperf_desktop.errors import ConflictError, FileImportError
from hospiperf_desktop.progress import CancellableProgress, Cancelled
from hospiperf_desktop.services import Services
from hospiperf_desktop.stock import importer
from hospiperf_desktop.stock.mapping import ColumnMapping, ImportKind
from hospiperf_desktop.stock.records import ImportOptions, OnOverlap

FIXTURES = Path(__file__).parent.parent / "fixtures" / "stock"
SNAPSHOT_HEADER = "Code UCD;Désignation;Catégorie;Emplacement;Qté;PU HT;Lot;Péremption\n"
TABLES = ("products", "suppliers", "care_units", "stock_imports", "stock_lines",
          "stock_movements", "product_suppliers", "audit_entries")  # fmt: skip


@pytest.fixture
def establishment_id(services: Services) -> int:
    return services.establishments.add(make_input(1)).id


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def counts(services: Services) -> dict[str, int]:
    with closing(sqlite3.connect(services.database_path)) as raw:
        return {t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def import_file(
    services: Services, establishment_id: int, path: Path, kind: ImportKind, **options: Any
) -> Any:
    mapping = services.stock.imports.preview(path, kind).mapping
    return services.stock.imports.run(establishment_id, path, mapping, ImportOptions(**options))


def refused(
    services: Services, establishment_id: int, path: Path, kind: ImportKind, **options: Any
) -> list[Any]:
    before = counts(services)
    with pytest.raises(FileImportError) as caught:
        import_file(services, establishment_id, path, kind, **options)
    assert counts(services) == before, "a refused file must leave the database unchanged"
    return list(caught.value.issues)


def stock_lines(services: Services) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(services.database_path)) as raw:
        return raw.execute(
            "SELECT p.code, p.category, l.location, l.location_kind, l.quantity, l.unit_price,"
            " l.value, l.lot, l.expiry_date, l.snapshot_date FROM stock_lines l"
            " JOIN products p ON p.id = l.product_id ORDER BY l.id"
        ).fetchall()


# --- flavours ---------------------------------------------------------------------------


def test_semicolon_csv_utf8_bom_decimal_comma_thousands_and_french_dates(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "stock.csv",
        "\ufeff" + SNAPSHOT_HEADER
        + "3400930000001;Paracétamol 1 g;Médicament;PUI;1 200;0,05;L1;31/12/2027\n"
        + '3400930000002;"Sérum phy; 100 ml";Soluté;UF 1201 Cardio;1\u00a0500,5;"1,20";L2;\n',
        "utf-8",
    )  # fmt: skip
    result = import_file(
        services, establishment_id, path, ImportKind.SNAPSHOT, snapshot_date=date(2025, 10, 1)
    )
    assert (result.imported, result.rejected, result.products_created) == (2, 0, 2)
    assert stock_lines(services) == [
        ("3400930000001", "medicament", "PUI", "central", 1200.0, 0.05, 60.0, "L1",
         "2027-12-31", "2025-10-01"),
        ("3400930000002", "solute", "UF 1201 Cardio", "care_unit", 1500.5, 1.2,
         pytest.approx(1800.6), "L2", None, "2025-10-01"),
    ]  # fmt: skip
    product = services.stock.catalog.product_by_code(establishment_id, "3400930000002")
    assert product.label == "Sérum phy; 100 ml"


def test_comma_csv_in_windows_1252(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "stock-win.csv",
        "Code,Libellé,Quantité,Valeur,Date inventaire\n"
        "A1,Compresse stérile,10,25.50,01/10/2025\n"
        'A2,Gant d\'examen,"1,000","1,200.00",01/10/2025\n',
        "cp1252",
    )
    result = import_file(
        services, establishment_id, path, ImportKind.SNAPSHOT, default_category="dms"
    )
    assert result.imported == 2 and result.products_defaulted == 2
    rows = stock_lines(services)
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("A1", "dms", 10.0, 2.55, 25.5),
        ("A2", "dms", 1000.0, 1.2, 1200.0),
    ]
    assert services.stock.catalog.product_by_code(establishment_id, "A2").label == "Gant d'examen"


def test_xlsx_with_a_title_block_above_the_headings(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Extraction stock PUI"])
    sheet.append([])
    sheet.append(["Code", "Libellé", "Famille", "Quantité", "Prix unitaire HT", "DLU",
                  "Date du stock"])  # fmt: skip
    sheet.append([3400930000001, "Paracétamol", "MED", 12, 0.5, date(2026, 1, 31),
                  date(2025, 10, 1)])  # fmt: skip
    path = tmp_path / "stock.xlsx"
    book.save(path)
    result = import_file(services, establishment_id, path, ImportKind.SNAPSHOT)
    assert result.imported == 1
    assert stock_lines(services)[0][:2] == ("3400930000001", "medicament")
    assert stock_lines(services)[0][8:] == ("2026-01-31", "2025-10-01")


@pytest.mark.parametrize("name", ["snapshot.xls", "snapshot.ods"])
def test_xls_and_ods(services: Services, establishment_id: int, name: str) -> None:
    result = import_file(services, establishment_id, FIXTURES / name, ImportKind.SNAPSHOT)
    assert result.imported == 3
    rows = stock_lines(services)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("3400930000001", "medicament", "central", 1200.0),
        ("3400930000002", "solute", "central", 500.0),
        ("3400930000003", "dms", "care_unit", 40.0),
    ]
    assert rows[0][8:] == ("2027-12-31", "2025-10-01")
    assert rows[2][6] == pytest.approx(50.0)


def test_movements_with_in_and_out_columns_create_suppliers_and_care_units(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "mouvements.csv",
        "Date;Code;Libellé;Entrée;Sortie;PU;UF;Fournisseur\n"
        "02/09/2025;P1;Héparine;100;;3,10;;Laboratoire Alpha\n"
        "03/09/2025;P1;Héparine;;20;3,10;UF Réanimation;\n"
        "01/09/2025;P2;Pansement;;5;;UF Réanimation;\n",
    )
    with services.database.write() as session:  # P2's price is known from an earlier count
        session.execute(
            importer.models.Product.__table__.insert(),
            [{"establishment_id": establishment_id, "code": "P2", "label": "Pansement",
              "category": "dms", "mitm": False, "has_substitute": True, "unit_price": 0.4,
              "created_at": date(2025, 1, 1), "updated_at": date(2025, 1, 1)}],
        )  # fmt: skip
    result = import_file(services, establishment_id, path, ImportKind.MOVEMENTS)
    assert (result.imported, result.first_date, result.last_date) == (
        3, date(2025, 9, 1), date(2025, 9, 3),
    )  # fmt: skip
    with closing(sqlite3.connect(services.database_path)) as raw:
        moves = raw.execute(
            "SELECT p.code, m.day, m.quantity_in, m.quantity_out, m.value_in, m.value_out,"
            " u.name, s.name FROM stock_movements m JOIN products p ON p.id = m.product_id"
            " LEFT JOIN care_units u ON u.id = m.care_unit_id"
            " LEFT JOIN suppliers s ON s.id = m.supplier_id ORDER BY m.id"
        ).fetchall()
    # Stored in date order; P2 valued at its known price.
    assert moves == [
        ("P2", "2025-09-01", 0.0, 5.0, 0.0, pytest.approx(2.0), "UF Réanimation", None),
        ("P1", "2025-09-02", 100.0, 0.0, pytest.approx(310.0), 0.0, None, "Laboratoire Alpha"),
        ("P1", "2025-09-03", 0.0, 20.0, 0.0, pytest.approx(62.0), "UF Réanimation", None),
    ]
    p1 = services.stock.catalog.product_by_code(establishment_id, "P1")
    assert p1.suppliers == ("Laboratoire Alpha",)


def test_a_signed_quantity_column_splits_into_in_and_out(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "signed.csv",
        "Date;Code;Quantité;Valeur\n01/09/2025;P1;-4;-8,00\n02/09/2025;P1;10;20\n",
    )
    import_file(services, establishment_id, path, ImportKind.MOVEMENTS)
    with closing(sqlite3.connect(services.database_path)) as raw:
        assert raw.execute(
            "SELECT quantity_in, quantity_out, value_in, value_out FROM stock_movements"
            " ORDER BY day"
        ).fetchall() == [(0.0, 4.0, 0.0, 8.0), (10.0, 0.0, 20.0, 0.0)]


# --- bad input ----------------------------------------------------------------------------


def test_wrong_columns_name_what_is_missing_and_what_is_there(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(tmp_path / "wrong.csv", "Article;Couleur;Taille\nA;rouge;M\n")
    (issue,) = refused(services, establishment_id, path, ImportKind.SNAPSHOT)
    assert issue.code == "missing_field"
    assert issue.params["fields"] == ["quantity", "unit_price|value", "snapshot_date"]
    assert "B 'Couleur'" in issue.message and issue.line == 1


def test_text_in_numbers_negative_quantities_and_impossible_dates_are_all_reported(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "bad.csv",
        SNAPSHOT_HEADER
        + "A1;Un;Médicament;PUI;douze;1,00;L;31/12/2027\n"
        + "A2;Deux;Médicament;PUI;-3;1,00;L;31/12/2027\n"
        + "A3;Trois;Médicament;PUI;3;1,00;L;31/02/2027\n"
        + "A4;Quatre;Vaccin;PUI;3;abc;L;01/01/2027\n"
        + ";Cinq;Médicament;PUI;3;1,00;L;01/01/2027\n"
        + "A6;Six;Médicament;PUI;3;1,00;L;01/01/2027\n",
    )  # fmt: skip
    issues = refused(
        services, establishment_id, path, ImportKind.SNAPSHOT, snapshot_date=date(2025, 10, 1)
    )
    found = [(i.line, i.column, i.code) for i in issues]
    assert found == [
        (2, "E (Qté)", "not_a_number"),
        (3, "E (Qté)", "negative"),
        (4, "H (Péremption)", "impossible_date"),
        (5, "C (Catégorie)", "unknown_category"),
        (5, "F (PU HT)", "not_a_number"),
        (6, "A (Code UCD)", "missing_value"),
    ]
    assert str(issues[0]) == "bad.csv, line 2, column E (Qté): 'douze' is not a number"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (SNAPSHOT_HEADER.encode(), "empty_file"),
        (b"\n;;\n", "empty_file"),
    ],
)
def test_empty_files(
    services: Services, establishment_id: int, tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    issues = refused(
        services, establishment_id, path, ImportKind.SNAPSHOT, snapshot_date=date(2025, 1, 1)
    )
    assert [i.code for i in issues] == [code]


def test_a_zero_byte_file_says_so(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "rien.xlsx"
    path.write_bytes(b"")
    with pytest.raises(FileImportError) as caught:
        services.stock.imports.preview(path, ImportKind.SNAPSHOT)
    assert caught.value.issues[0].code == "empty_file"
    assert "0 bytes" in str(caught.value)


def test_password_protected_and_corrupt_workbooks(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    with pytest.raises(FileImportError) as caught:
        services.stock.imports.preview(FIXTURES / "protected.xlsx", ImportKind.SNAPSHOT)
    assert caught.value.issues[0].code == "password"
    corrupt = tmp_path / "abime.xlsx"
    corrupt.write_bytes((FIXTURES / "snapshot.ods").read_bytes()[:700])
    with pytest.raises(FileImportError) as caught:
        services.stock.imports.preview(corrupt, ImportKind.SNAPSHOT)
    assert caught.value.issues[0].code == "unreadable"
    text = tmp_path / "notes.txt"
    text.write_text("bonjour")
    with pytest.raises(FileImportError) as caught:
        services.stock.imports.preview(text, ImportKind.SNAPSHOT)
    assert caught.value.issues[0].code == "file_type"


def big_movements(path: Path, rows: int) -> Path:
    lines = ["Date;Code;Sortie;PU;UF"]
    lines += [
        f"{1 + i % 28:02d}/09/2025;P{i % 50};{1 + i % 7};1,50;UF {i % 5}" for i in range(rows)
    ]
    return write(path, "\n".join(lines) + "\n")


def test_a_failure_in_the_middle_of_the_insert_leaves_the_database_unchanged(
    services: Services, establishment_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(services, establishment_id, FIXTURES / "snapshot.xls", ImportKind.SNAPSHOT)
    path = big_movements(tmp_path / "gros.csv", 1_000)
    monkeypatch.setattr(importer, "INSERT_CHUNK", 100)

    class DiskFull(CancellableProgress):
        def report(self, done: int, total: int | None = None, message: str = "") -> None:
            if message == "inserted" and done >= 300:
                raise OSError("disk full")

    before = counts(services)
    mapping = services.stock.imports.preview(path, ImportKind.MOVEMENTS).mapping
    with pytest.raises(OSError, match="disk full"):
        services.stock.imports.run(establishment_id, path, mapping, progress=DiskFull())
    assert counts(services) == before
    # The same file then imports cleanly: nothing of the failed attempt was kept.
    result = services.stock.imports.run(establishment_id, path, mapping)
    assert result.imported == 1_000


def test_cancel_during_the_insert_leaves_the_database_unchanged(
    services: Services, establishment_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_movements(tmp_path / "gros.csv", 1_000)
    monkeypatch.setattr(importer, "INSERT_CHUNK", 100)

    class CancelHalfWay(CancellableProgress):
        def report(self, done: int, total: int | None = None, message: str = "") -> None:
            if message == "inserted" and done >= 500:
                self.cancel()

    before = counts(services)
    mapping = services.stock.imports.preview(path, ImportKind.MOVEMENTS).mapping
    with pytest.raises(Cancelled):
        services.stock.imports.run(establishment_id, path, mapping, progress=CancelHalfWay())
    assert counts(services) == before


# --- duplicates, overlaps, mappings -------------------------------------------------------


def test_the_same_file_twice_is_refused_unless_asked(
    services: Services, establishment_id: int
) -> None:
    path = FIXTURES / "snapshot.ods"
    import_file(services, establishment_id, path, ImportKind.SNAPSHOT)
    before = counts(services)
    with pytest.raises(ConflictError) as caught:
        import_file(services, establishment_id, path, ImportKind.SNAPSHOT)
    assert caught.value.reason == "duplicate_file"
    assert counts(services) == before
    # Asked to, it imports; the same dates and locations then still need a choice.
    with pytest.raises(ConflictError) as caught:
        import_file(services, establishment_id, path, ImportKind.SNAPSHOT, allow_duplicate=True)
    assert caught.value.reason == "stock_overlap" and caught.value.params["count"] == 3
    result = import_file(
        services, establishment_id, path, ImportKind.SNAPSHOT,
        allow_duplicate=True, on_overlap=OnOverlap.REPLACE,
    )  # fmt: skip
    assert result.replaced == 3 and len(stock_lines(services)) == 3


def test_overlapping_movements_are_refused_replaced_or_added(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "sept.csv", "Date;Code;Sortie;PU\n01/09/2025;P1;2;1\n30/09/2025;P1;3;1\n"
    )
    corrected = write(
        tmp_path / "sept-v2.csv", "Date;Code;Sortie;PU\n01/09/2025;P1;7;1\n29/09/2025;P1;1;1\n"
    )
    import_file(services, establishment_id, first, ImportKind.MOVEMENTS)
    with pytest.raises(ConflictError) as caught:
        import_file(services, establishment_id, corrected, ImportKind.MOVEMENTS)
    assert caught.value.reason == "stock_overlap"
    result = import_file(
        services, establishment_id, corrected, ImportKind.MOVEMENTS, on_overlap=OnOverlap.REPLACE
    )
    assert result.replaced == 1  # the movement of 30/09 is outside the new file's period
    rows = {i.file_name: i.row_count for i in services.stock.imports.imports(establishment_id)}
    assert rows == {"sept.csv": 1, "sept-v2.csv": 2}
    extra = write(tmp_path / "extra.csv", "Date;Code;Sortie;PU\n15/09/2025;P1;1;1\n")
    assert (
        import_file(
            services, establishment_id, extra, ImportKind.MOVEMENTS, on_overlap=OnOverlap.APPEND
        ).replaced
        == 0
    )
    assert counts(services)["stock_movements"] == 4


def test_saved_mappings_by_name_and_from_a_file(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    imports = services.stock.imports
    mapping = ColumnMapping(
        ImportKind.SNAPSHOT,
        {"product_code": "Réf", "quantity": "Nb", "value": "Montant", "snapshot_date": "Au"},
    )
    imports.save_mapping("Logiciel X", mapping)
    assert imports.mapping("Logiciel X") == mapping
    assert [m.name for m in imports.mappings(ImportKind.SNAPSHOT)] == ["Logiciel X"]
    assert imports.mappings(ImportKind.MOVEMENTS) == []
    path = write(tmp_path / "x.csv", "Réf;Nb;Montant;Au\nR1;4;10;01/10/2025\n")
    result = imports.run(establishment_id, path, imports.load_mapping("Logiciel X"))
    assert result.imported == 1
    file = tmp_path / "mapping.json"
    file.write_text(
        '{"kind": "snapshot", "columns": {"product_code": "Réf", "quantity": "Nb",'
        ' "value": "Montant", "snapshot_date": "Au"}}',
        encoding="utf-8",
    )
    assert imports.load_mapping(str(file)) == mapping
    imports.delete_mapping("Logiciel X")
    assert imports.mappings() == []


def test_undoing_an_import_removes_its_rows(services: Services, establishment_id: int) -> None:
    result = import_file(services, establishment_id, FIXTURES / "snapshot.xls", ImportKind.SNAPSHOT)
    assert services.stock.imports.delete_import(result.import_id) == 3
    assert stock_lines(services) == []
    assert services.stock.imports.imports(establishment_id) == []


def test_an_establishment_with_stock_data_cannot_be_deleted(
    services: Services, establishment_id: int
) -> None:
    import_file(services, establishment_id, FIXTURES / "snapshot.xls", ImportKind.SNAPSHOT)
    with pytest.raises(ConflictError) as caught:
        services.establishments.delete(establishment_id)
    assert caught.value.reason == "establishment_has_stock"


def test_a_count_line_without_price_or_value_needs_a_known_price(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "sans-prix.csv",
        "Code;Qté;PU;Valeur;Date\nK1;4;;;01/10/2025\nK2;0;;12;01/10/2025\nK3;2;;10;01/10/2025\n",
    )
    issues = refused(services, establishment_id, path, ImportKind.SNAPSHOT)
    # K2 counts nothing: it needs no price.
    assert [(i.line, i.code) for i in issues] == [(2, "missing_price")]
    known = write(
        tmp_path / "prix.csv", "Code;Qté;PU;Date\nK1;1;2,50;01/09/2025\nK2;1;3;01/09/2025\n"
    )
    import_file(services, establishment_id, known, ImportKind.SNAPSHOT)
    import_file(services, establishment_id, path, ImportKind.SNAPSHOT)
    lines = [(r[0], r[4], r[5], r[6]) for r in stock_lines(services) if r[9] == "2025-10-01"]
    # K1 takes its known price; K2's value with no quantity keeps the known price; K3: 10 / 2.
    assert lines == [("K1", 4.0, 2.5, 10.0), ("K2", 0.0, 3.0, 12.0), ("K3", 2.0, 5.0, 10.0)]


def test_blank_quantities_and_blank_dates_are_refused_not_read_as_zero(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    count = write(
        tmp_path / "court.csv",
        "Code;Qté;PU;Date\nA;3;1;01/10/2025\nB\nC;;1;01/10/2025\nD;2;1;\n",
    )
    issues = refused(
        services, establishment_id, count, ImportKind.SNAPSHOT, snapshot_date=date(2025, 1, 1)
    )
    assert [(i.line, i.column, i.code) for i in issues] == [
        (3, "B (Qté)", "missing_value"),
        (4, "B (Qté)", "missing_value"),
        (5, "D (Date)", "missing_value"),  # a date column decides; no fallback to the option
    ]
    moves = write(tmp_path / "m.csv", "Date;Code;Entrée;Sortie;PU\n01/09/2025;A;;;1\n")
    (issue,) = refused(services, establishment_id, moves, ImportKind.MOVEMENTS)
    assert (issue.line, issue.code) == (2, "missing_value")


def test_a_signed_quantity_column_without_any_negative_is_refused(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "qte.csv",
        "Date;Code;Désignation;Qté;PU HT;UF destinataire\n"
        "01/12/2025;A;a;10;2;Cardio\n02/12/2025;A;a;12;2;Neuro\n",
    )
    (issue,) = refused(services, establishment_id, path, ImportKind.MOVEMENTS)
    assert (issue.code, issue.column) == ("unsigned_quantity", "D (Qté)")


def test_repeated_headings_reach_their_own_column(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "deux.csv",
        "Date;Code;PU;Quantité;Quantité\n01/12/2025;A;2;10;\n02/12/2025;A;2;;3\n",
    )
    mapping = ColumnMapping(
        ImportKind.MOVEMENTS,
        {"date": "Date", "product_code": "Code", "unit_price": "PU",
         "quantity_in": "Quantité", "quantity_out": "Quantité (2)"},
    )  # fmt: skip
    services.stock.imports.run(establishment_id, path, mapping)
    with closing(sqlite3.connect(services.database_path)) as raw:
        assert raw.execute(
            "SELECT quantity_in, quantity_out FROM stock_movements ORDER BY day"
        ).fetchall() == [(10.0, 0.0), (0.0, 3.0)]


def test_a_quoted_cell_over_several_lines_keeps_line_numbers_right(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "multi.csv",
        'Code;Libellé;Qté;PU;Date\nA;"sur\ntrois\nlignes";douze;1;01/10/2025\nB;b;x;1;01/10/2025\n',
    )
    issues = refused(services, establishment_id, path, ImportKind.SNAPSHOT)
    assert [i.line for i in issues] == [2, 5]


def test_a_title_line_with_a_comma_above_a_semicolon_table(
    services: Services, establishment_id: int, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "titre.csv",
        "Inventaire PUI, arrêté au 01/10/2025\nCode;Qté;PU;Date\nA;3;1,5;01/10/2025\n",
    )
    assert import_file(services, establishment_id, path, ImportKind.SNAPSHOT).imported == 1
    assert stock_lines(services)[0][4:7] == (3.0, 1.5, 4.5)
