"""Recognising the columns of pharmacy-software exports."""

from __future__ import annotations

import pytest

from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.stock.mapping import (
    ColumnMapping,
    ImportKind,
    find_header_row,
    guess_mapping,
    missing_fields,
    resolve,
    unique_headings,
)
from hospiperf_desktop.stock.parameters import shipped_parameters

PARAMS = shipped_parameters()


def test_french_snapshot_headings_are_recognised() -> None:
    headers = ["Code UCD", "Libellé", "Famille", "Emplacement", "Qté", "PU HT", "N° de lot",
               "Date de péremption", "Date"]  # fmt: skip
    mapping = guess_mapping(headers, ImportKind.SNAPSHOT, PARAMS)
    assert mapping.columns == {
        "product_code": "Code UCD",
        "label": "Libellé",
        "category": "Famille",
        "location": "Emplacement",
        "quantity": "Qté",
        "unit_price": "PU HT",
        "lot": "N° de lot",
        "expiry_date": "Date de péremption",
        "snapshot_date": "Date",  # "Date" in a stock file is the date of the count
    }
    assert missing_fields(mapping) == []


def test_movement_headings_with_units_in_them() -> None:
    headers = ["Date mouvement", "CIP13", "Désignation", "Qté entrée (UCD)", "Qté sortie (UCD)",
               "Valeur HT", "UF destinataire", "Fournisseur", "Code UF"]  # fmt: skip
    mapping = guess_mapping(headers, ImportKind.MOVEMENTS, PARAMS)
    assert mapping.columns["date"] == "Date mouvement"
    assert mapping.columns["product_code"] == "CIP13"
    assert mapping.columns["quantity_in"] == "Qté entrée (UCD)"
    assert mapping.columns["quantity_out"] == "Qté sortie (UCD)"
    assert mapping.columns["value"] == "Valeur HT"
    assert mapping.columns["care_unit"] == "UF destinataire"
    assert mapping.columns["supplier"] == "Fournisseur"
    assert missing_fields(mapping) == []


def test_missing_required_fields_are_listed() -> None:
    mapping = guess_mapping(["Libellé", "Emplacement"], ImportKind.SNAPSHOT, PARAMS)
    assert missing_fields(mapping) == [
        "product_code", "quantity", "unit_price|value", "snapshot_date",
    ]  # fmt: skip
    assert "snapshot_date" not in missing_fields(mapping, has_snapshot_date=True)
    movements = guess_mapping(["Date", "Code"], ImportKind.MOVEMENTS, PARAMS)
    assert missing_fields(movements) == ["quantity|quantity_in|quantity_out"]


def test_the_heading_row_is_found_below_a_title_block() -> None:
    rows = [
        ["Extraction du stock", "", ""],
        ["Édité le 01/10/2025", "", ""],
        ["", "", ""],
        ["Code", "Libellé", "Quantité"],
        ["001", "Produit", "3"],
    ]
    assert find_header_row(rows, PARAMS) == 3


def test_resolve_names_the_missing_heading_and_the_headings_present() -> None:
    mapping = ColumnMapping(ImportKind.SNAPSHOT, {"product_code": "Code", "quantity": "Stock"})
    assert resolve(mapping, ["code", "Qté", "STOCK "], "f.csv", 1) == {
        "product_code": 0, "quantity": 2,
    }  # fmt: skip
    with pytest.raises(FileImportError) as caught:
        resolve(mapping, ["Code", "Qté"], "f.csv", 1)
    (issue,) = caught.value.issues
    assert issue.code == "missing_column"
    assert "'Stock'" in issue.message and "B 'Qté'" in issue.message


def test_mapping_json_round_trip_and_validation() -> None:
    mapping = ColumnMapping(ImportKind.MOVEMENTS, {"date": "Jour", "product_code": "Code"})
    assert ColumnMapping.from_json(mapping.to_json(), "m.json") == mapping
    for bad in (
        [],
        {"kind": "stock", "columns": {}},
        {"kind": "movements", "columns": {"colour": "X"}},
        {"kind": "movements", "columns": {"date": ""}},
    ):
        with pytest.raises(FileImportError) as caught:
            ColumnMapping.from_json(bad, "m.json")
        assert caught.value.issues[0].code == "bad_mapping"


def test_headings_naming_another_field_are_not_guessed_by_their_start() -> None:
    headers = ["Date péremption", "Date mvt", "Code", "Code UF", "Libellé UF", "Sortie",
               "Prix total", "Type mouvement"]  # fmt: skip
    columns = guess_mapping(headers, ImportKind.MOVEMENTS, PARAMS).columns
    assert columns == {
        "date": "Date mvt", "product_code": "Code", "care_unit": "Code UF",
        "quantity_out": "Sortie",
    }  # fmt: skip


def test_repeated_headings_are_numbered_and_one_column_feeds_one_field() -> None:
    assert unique_headings(["Date", "Quantité", "quantite", "", "Quantité"]) == [
        "Date", "Quantité", "quantite (2)", "", "Quantité (3)",
    ]  # fmt: skip
    mapping = ColumnMapping(
        ImportKind.MOVEMENTS,
        {"date": "Date", "product_code": "Code", "quantity_in": "Qté", "quantity_out": "Qté"},
    )
    with pytest.raises(FileImportError) as caught:
        resolve(mapping, ["Date", "Code", "Qté"], "m.csv", 1)
    (issue,) = caught.value.issues
    assert (issue.code, issue.column) == ("shared_column", "C (Qté)")


@pytest.mark.parametrize(
    ("location", "kind_cell", "expected"),
    [
        ("", "", "central"),
        ("PUI", "", "central"),
        ("Pharmacie centrale", "", "central"),
        ("Magasin général", "", "central"),
        ("Armoire pharmacie Cardiologie", "", "care_unit"),
        ("Dotation pharmacie UF Neuro", "", "care_unit"),
        ("Réserve Urgences", "", "central"),
        ("Urgences", "", "care_unit"),
        ("Puits", "", "care_unit"),  # "pui" inside a word does not count
        ("Stock A", "Pharmacie", "central"),
        ("Stock A", "Stock central", "central"),
        ("Pharmacie", "UF", "care_unit"),
        ("Stock A", "Vestiaire", None),
    ],
)
def test_central_store_or_care_unit(location: str, kind_cell: str, expected: str | None) -> None:
    assert PARAMS.location_kind_for(location, kind_cell) == expected
