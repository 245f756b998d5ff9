"""How the activity import reads a `;` file's numbers: by the stock import's rules
(number_columns.py), so a lone "1.500" is read as its column says or refused until chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospiperf_desktop.activity.catalog import shipped_catalog
from hospiperf_desktop.activity.sheets import read_activity_sheet
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.number_columns import DotChoice

DMI = "conso_dms_dmi"
DRUGS = "conso_medicaments"


def _sheet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "activite.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path, choice: DotChoice | None = None) -> dict[tuple[str, int], float | None]:
    return read_activity_sheet(path, shipped_catalog(), 2026, choice).values


def test_a_lone_1_500_is_refused_naming_file_line_and_column(tmp_path: Path) -> None:
    path = _sheet(tmp_path, f"code;valeur\n{DRUGS};12\n{DMI};1.500\n")
    with pytest.raises(FileImportError) as caught:
        _read(path)
    [issue] = caught.value.issues
    assert issue.code == "ambiguous_number"
    assert (issue.file, issue.line, issue.column) == ("activite.csv", 3, "B (valeur)")
    assert "'1.500' could be 1.5 or 1500" in str(caught.value)


@pytest.mark.parametrize(
    ("choice", "read"), [(DotChoice.DECIMAL, 1.5), (DotChoice.THOUSANDS, 1500)]
)
def test_the_choice_says_what_a_lone_dot_means(
    tmp_path: Path, choice: DotChoice, read: float
) -> None:
    path = _sheet(tmp_path, f"code;valeur\n{DMI};1.500\n{DRUGS};12\n")
    assert _read(path, choice) == {(DMI, 0): read, (DRUGS, 0): 12.0}


def test_dots_grouping_thousands_elsewhere_in_the_column_make_1_500_one_thousand_five_hundred(
    tmp_path: Path,
) -> None:
    """The file of the issue: "2.500.000" in the same column says the dots group thousands."""
    path = _sheet(tmp_path, f"code;valeur\n{DMI};1.500\n{DRUGS};2.500.000\n")
    assert _read(path) == {(DMI, 0): 1500.0, (DRUGS, 0): 2_500_000.0}


def test_a_decimal_point_elsewhere_in_the_column_makes_1_500_one_and_a_half(
    tmp_path: Path,
) -> None:
    path = _sheet(tmp_path, f"code;valeur\n{DMI};1.500\n{DRUGS};2.25\n")
    assert _read(path) == {(DMI, 0): 1.5, (DRUGS, 0): 2.25}


def test_each_column_is_judged_on_its_own_and_the_refusal_names_the_month(
    tmp_path: Path,
) -> None:
    path = _sheet(tmp_path, f"code;valeur;mars\n{DMI};2.500.000;1.500\n{DRUGS};1.500;\n")
    with pytest.raises(FileImportError) as caught:
        _read(path)
    assert [(i.line, i.column) for i in caught.value.issues] == [(2, "C (mars)")]
    values = _read(path, DotChoice.DECIMAL)  # the choice applies to the ambiguous column only
    assert values == {(DMI, 0): 2_500_000.0, (DMI, 3): 1.5, (DRUGS, 0): 1500.0, (DRUGS, 3): None}


def test_in_a_comma_separated_file_a_dot_is_a_decimal_point(tmp_path: Path) -> None:
    path = _sheet(tmp_path, f'code,valeur\n{DMI},1.500\n{DRUGS},"2,500,000"\n')
    assert _read(path) == {(DMI, 0): 1.5, (DRUGS, 0): 2_500_000.0}


def test_a_decimal_comma_elsewhere_in_the_column_makes_1_500_one_thousand_five_hundred(
    tmp_path: Path,
) -> None:
    path = _sheet(tmp_path, f"code;valeur\n{DMI};1.500\n{DRUGS};12,5\n")
    assert _read(path) == {(DMI, 0): 1500.0, (DRUGS, 0): 12.5}
