"""Activity values, their import and export, work units and the dashboard, on a real database."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from integration_support import make_input, raw_rows
from openpyxl import load_workbook

from hospiperf_desktop.errors import (
    ConflictError,
    FileImportError,
    NotFoundError,
    ValidationError,
)
from hospiperf_desktop.services import Services
from hospiperf_desktop.stock.catalog import ShortageInput
from hospiperf_desktop.stock.mapping import ImportKind
from hospiperf_desktop.stock.records import ImportOptions


@pytest.fixture
def est(services: Services) -> int:
    return services.establishments.add(make_input(1, beds=200)).id


def _count(db: Path, sql: str = "SELECT COUNT(*) FROM activity_values") -> int:
    return int(raw_rows(db, sql)[0][0])


def test_values_are_stored_per_month_and_every_change_is_audited(
    services: Services, est: int, db_file: Path
) -> None:
    values = services.activity.values
    audit_before = _count(db_file, "SELECT COUNT(*) FROM audit_entries")
    assert values.set_values(est, 2026, {("prep_cytotoxiques", 1): 80, ("etp_pui", 0): 12.5}) == 2
    assert values.set_values(est, 2026, {("prep_cytotoxiques", 1): 80}) == 0, "unchanged"
    assert values.set_values(est, 2026, {("prep_cytotoxiques", 1): None}) == 1, "cleared"
    assert values.entered(est, 2026) == {"etp_pui": {0: 12.5}}
    rows = raw_rows(
        db_file,
        "SELECT action, entity_id, before, after FROM audit_entries ORDER BY id DESC LIMIT 3",
    )
    assert [r[0] for r in rows] == ["set", "set", "set"]
    assert rows[0][1].endswith("/2026/01/prep_cytotoxiques")
    assert rows[0][3] is None and '"value": 80.0' in rows[0][2]
    assert _count(db_file, "SELECT COUNT(*) FROM audit_entries") == audit_before + 3
    assert services.audit.verify().ok


def test_one_bad_value_refuses_the_whole_change(
    services: Services, est: int, db_file: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.activity.values.set_values(
            est,
            2026,
            {
                ("prep_cytotoxiques", 0): 10,
                ("pct_ei_analyses", 0): 120,
                ("ei_signales", 0): -2,
                ("nope", 0): 1,
                ("etp_pui", 13): 1,
            },
        )
    fields = {i.field for i in caught.value.issues}
    assert fields == {"pct_ei_analyses/0", "ei_signales/0", "nope/0", "etp_pui/13"}
    assert _count(db_file) == 0
    with pytest.raises(ValidationError, match="between 2000 and 2100"):
        services.activity.values.set_values(est, 1999, {("etp_pui", 0): 1})


def _write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_a_french_csv_with_code_and_value_is_imported(
    services: Services, est: int, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "activite.csv",
        "Code;Valeur\nprep_cytotoxiques;1 234\npct_ei_analyses;72,5 %\nachats_total;1 234 567,89\n",
        "cp1252",
    )
    result = services.activity.values.import_file(path, est, 2025)
    assert (result.rows, result.changed, result.cleared) == (3, 3, 0)
    assert services.activity.values.entered(est, 2025) == {
        "prep_cytotoxiques": {0: 1234.0},
        "pct_ei_analyses": {0: 72.5},
        "achats_total": {0: 1234567.89},
    }


def test_every_problem_of_a_sheet_is_reported_with_line_and_column_and_nothing_is_written(
    services: Services, est: int, tmp_path: Path, db_file: Path
) -> None:
    services.activity.values.set_values(est, 2025, {("etp_pui", 0): 10})
    path = _write_csv(
        tmp_path / "bad.csv",
        "code;année;janv.\n"
        "etp_pui;11;\n"
        "prep_cytotoxiques;douze;\n"
        "inconnu;1;\n"
        "pct_ei_analyses;101;\n"
        "prep_cytotoxiques;1;\n"
        "ei_signales;;-4\n",
    )
    with pytest.raises(FileImportError) as caught:
        services.activity.values.import_file(path, est, 2025)
    shown = [str(i) for i in caught.value.issues]
    assert shown == [
        "bad.csv, line 3, column B (année): 'douze' is not a number",
        "bad.csv, line 4, column A (code): unknown measure code 'inconnu'",
        "bad.csv, line 5, column B (année): 101 is not a percentage between 0 and 100",
        "bad.csv, line 6, column A (code): 'prep_cytotoxiques' is listed twice (first on line 3)",
        "bad.csv, line 7, column C (janv.): -4 is not a whole number of 0 or more",
    ]
    assert services.activity.values.entered(est, 2025) == {"etp_pui": {0: 10.0}}, "unchanged"


def test_a_sheet_without_code_column_or_for_another_year_is_refused(
    services: Services, est: int, tmp_path: Path
) -> None:
    no_code = _write_csv(tmp_path / "a.csv", "libellé;valeur\nx;1\n")
    with pytest.raises(FileImportError, match="no 'Code' column"):
        services.activity.values.import_file(no_code, est, 2025)
    empty = _write_csv(tmp_path / "empty.csv", "")
    with pytest.raises(FileImportError, match="empty"):
        services.activity.values.import_file(empty, est, 2025)
    services.activity.values.set_values(est, 2024, {("etp_pui", 0): 3})
    other = tmp_path / "2024.xlsx"
    services.activity.values.export_workbook(est, 2024, other)
    with pytest.raises(FileImportError, match="the sheet is for 2024, not 2025"):
        services.activity.values.import_file(other, est, 2025)


def test_the_workbook_round_trips_and_a_blank_cell_clears(
    services: Services, est: int, tmp_path: Path
) -> None:
    values = services.activity.values
    values.set_values(
        est,
        2025,
        {("prep_cytotoxiques", 0): 900, ("etp_pui", 0): 12.5, ("retraits_lots", 3): 4},
    )
    out = tmp_path / "activite.xlsx"
    values.export_workbook(est, 2025, out)
    book = load_workbook(out)
    sheet = book["Activité"]
    headings = [c.value for c in sheet[5]]
    assert headings[:6] == ["Famille", "Code", "Indicateur", "Unité", "Année", "janv."]
    assert headings[-2:] == ["Valeur retenue", "Origine"]
    line = {sheet.cell(r, 2).value: r for r in range(6, sheet.max_row + 1)}
    assert sheet.cell(line["etp_pui"], 5).value == 12.5
    assert sheet.cell(line["retraits_lots"], 8).value == 4, "March is column H"
    # A person edits the sheet: changes one value, clears another, fills a month.
    sheet.cell(line["prep_cytotoxiques"], 5).value = 950
    sheet.cell(line["etp_pui"], 5).value = None
    sheet.cell(line["avis_pharmaceutiques"], 6).value = 300
    book.save(out)
    result = values.import_file(out, est, 2025)
    assert (result.changed, result.cleared) == (2, 1)
    assert values.entered(est, 2025) == {
        "prep_cytotoxiques": {0: 950.0},
        "retraits_lots": {3: 4.0},
        "avis_pharmaceutiques": {1: 300.0},
    }
    unchanged = values.import_file(out, est, 2025)
    assert (unchanged.changed, unchanged.cleared) == (0, 0), "importing twice changes nothing"


def test_work_units_of_a_year_with_ratios_and_the_variance_to_n_minus_1(
    services: Services, est: int
) -> None:
    values = services.activity.values
    values.set_values(est, 2025, {("lignes_cmd_medicaments", 0): 1000})
    values.set_values(
        est,
        2026,
        {
            ("lignes_cmd_medicaments", 0): 1200,
            ("lignes_dispensation_globale", 0): 5000,
            ("etp_pui", 0): 8,
        },
    )
    report = services.activity.work_units.compute(est, 2026)
    # 1 200 × 10,6 + 5 000 × 1 = 17 720 against 1 000 × 10,6 = 10 600.
    assert report.result.total == pytest.approx(17_720)
    assert report.previous_total == pytest.approx(10_600)
    assert report.delta == pytest.approx(7_120)
    assert report.delta_pct == pytest.approx(7_120 / 10_600 * 100)
    assert report.per_fte == pytest.approx(17_720 / 8)
    assert report.per_bed == pytest.approx(17_720 / 200)
    assert report.result.missing == ("2", "3", "4", "5", "6")


def test_supplier_changes_come_from_the_shortage_log(
    services: Services, est: int, tmp_path: Path
) -> None:
    services.activity.values.set_values(est, 2026, {("changements_rupture", 0): 99})
    assert services.activity.work_units.compute(est, 2026).result.lines[4].count == 99, (
        "no shortage recorded: the typed count stands"
    )
    catalog = services.stock.catalog
    product = _product(services, est, tmp_path)
    for day, changed in (
        (date(2026, 2, 1), True),
        (date(2026, 5, 1), True),
        (date(2026, 7, 1), False),
    ):
        catalog.record_shortage(
            est,
            ShortageInput(product_id=product, started_on=day, supplier_changed=changed),
        )
    line = services.activity.work_units.compute(est, 2026).result.lines[4]
    assert line.count == 2
    resolved = services.activity.values.resolved(est, 2026, with_stock=False)
    assert resolved["changements_rupture"].computed


def _product(services: Services, est: int, folder: Path) -> int:
    """One product, brought in by a one-line snapshot through the real importer."""
    path = folder / "inventaire.csv"
    path.write_text("Code;Libellé;Quantité;PU\nP1;Produit 1;10;2,5\n", encoding="utf-8")
    imports = services.stock.imports
    mapping = imports.preview(path, ImportKind.SNAPSHOT).mapping
    imports.run(est, path, mapping, ImportOptions(snapshot_date=date(2026, 1, 15)))
    return services.stock.catalog.product_by_code(est, "P1").id


def test_local_tables_change_coefficients_and_add_lines_never_the_shipped_one(
    services: Services, est: int, db_file: Path
) -> None:
    tables = services.activity.tables
    with pytest.raises(ConflictError, match="shipped table"):
        tables.set_line("uo-pharma", "1", coefficient=11)
    copy = tables.copy("uo-pharma", "uo-pharma-local", "UO Pharma locale")
    assert copy.version == "2022.1+local.1"
    changed = tables.set_line("uo-pharma-local", "1", coefficient=11)
    assert changed.version == "2022.1+local.2"
    added = tables.set_line(
        "uo-pharma-local", "L1", label="Préparations de doses à administrer", coefficient=2,
        group="delivrance_globale",
    )  # fmt: skip
    assert added.item("L1").measure == "local.uo-pharma-local.L1"
    assert "local.uo-pharma-local.L1" in services.activity.values.catalog().measures
    services.activity.values.set_values(
        est, 2026, {("lignes_cmd_medicaments", 0): 100, ("local.uo-pharma-local.L1", 0): 50}
    )
    shipped = services.activity.work_units.compute(est, 2026, "uo-pharma")
    local = services.activity.work_units.compute(est, 2026, "uo-pharma-local")
    assert shipped.result.total == pytest.approx(1060)
    assert local.result.total == pytest.approx(100 * 11 + 50 * 2)
    assert tables.get("uo-pharma").item("1").coefficient == 10.6, "the shipped file is unchanged"
    recorded = services.activity.work_units.record(local)
    assert (recorded.table_id, recorded.table_version) == ("uo-pharma-local", "2022.1+local.3")
    with pytest.raises(ConflictError, match="results recorded"):
        tables.delete("uo-pharma-local")
    removed = tables.remove_line("uo-pharma-local", "L1")
    assert removed.version == "2022.1+local.4"
    with pytest.raises(ValidationError) as caught:
        tables.set_line("uo-pharma-local", "L2", coefficient=-1, group="nope")
    assert {i.field for i in caught.value.issues} == {"coefficient", "group", "label"}
    with pytest.raises(NotFoundError):
        tables.get("nope")


def test_peers_compare_the_establishments_of_the_database(services: Services) -> None:
    first = services.establishments.add(make_input(1, beds=100)).id
    second = services.establishments.add(make_input(2, beds=400)).id
    services.establishments.add(make_input(3))  # no activity: not listed
    values = services.activity.values
    values.set_values(first, 2026, {("lignes_cmd_medicaments", 0): 100, ("etp_pui", 0): 2})
    values.set_values(second, 2026, {("lignes_cmd_medicaments", 0): 300})
    rows = services.activity.work_units.peers(2026)
    assert [(r.establishment_id, r.total) for r in rows] == [(second, 3180.0), (first, 1060.0)]
    assert rows[1].per_fte == pytest.approx(530) and rows[0].per_fte is None
    assert rows[0].per_bed == pytest.approx(3180 / 400)


def test_an_establishment_with_activity_is_kept_until_purged(services: Services, est: int) -> None:
    services.activity.values.set_values(est, 2026, {("etp_pui", 0): 1})
    with pytest.raises(ConflictError, match="activity"):
        services.establishments.delete(est)
    assert services.activity.values.purge(est) == 1
    services.establishments.delete(est)


def test_dashboard_pdf_and_workbook_say_the_trend_in_words(
    services: Services, est: int, tmp_path: Path
) -> None:
    values = services.activity.values
    values.set_values(est, 2025, {("pct_ei_analyses", 0): 60, ("pct_commandes_urgentes", 0): 4})
    values.set_values(est, 2026, {("pct_ei_analyses", 0): 75, ("pct_commandes_urgentes", 0): 6})
    dashboard = services.activity.dashboard.build(est, 2026)
    lines = {line.measure_id: line for f in dashboard.families for line in f.lines}
    assert lines["pct_ei_analyses"].status == "better"
    assert lines["pct_commandes_urgentes"].status == "worse"
    assert lines["pct_ei_analyses"].delta == pytest.approx(15)
    from hospiperf_desktop.activity.dashboard_outputs import (
        write_dashboard_pdf,
        write_dashboard_workbook,
    )

    pdf, xlsx = tmp_path / "tdb.pdf", tmp_path / "tdb.xlsx"
    write_dashboard_pdf(dashboard, pdf)
    write_dashboard_workbook(dashboard, xlsx)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Tableau de bord de pilotage de la PUI" in text
    for family in dashboard.families:
        assert family.label in text
    assert "amélioration" in text and "dégradation" in text
    assert "+15,0 pt" in text
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Tableau de bord", "Données"]
    data = {row[1]: row for row in book["Données"].iter_rows(min_row=2, values_only=True)}
    assert data["pct_commandes_urgentes"][8] == "worse"
    assert data["pct_ei_analyses"][4] == 75


def test_both_days_of_stock_measures_share_one_run_of_the_stock_indicators(
    services: Services, est: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _product(services, est, tmp_path)
    analysis = services.stock.analysis
    runs: list[date] = []
    indicators = analysis.indicators

    def counted(establishment_id: int, at: date | None = None, **options: object) -> object:
        runs.append(at)
        return indicators(establishment_id, at, **options)

    monkeypatch.setattr(analysis, "indicators", counted)
    resolved = services.activity.values.resolved(est, 2026)
    assert runs == [date(2026, 1, 15)], "one inventory, one run for both measures"
    for measure in ("jours_stock_medicaments", "jours_stock_dm"):  # read from that run
        assert resolved[measure].origin.detail == {"why_not": "no_consumption"}
