"""The audit journal: filters by period, profile, kind and establishment, documents in French.

Runs on the demonstration data (four establishments, diagnostics, stock, activity, scenarios):
every entry that belongs to an establishment is found by the SQL filter and by the owner
shown on each row, and the two agree."""

from __future__ import annotations

import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hospiperf_desktop.audit.exports import changes
from hospiperf_desktop.audit.journal import JournalFilter
from hospiperf_desktop.cli import main
from hospiperf_desktop.demo import run_demo
from hospiperf_desktop.services import Services, open_services


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("journal") / "demo.sqlite"
    services = open_services(path)
    try:
        run_demo(services)
    finally:
        services.close()
    return path


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Services]:
    services = open_services(demo_db)
    yield services
    services.close()


def test_every_entry_of_an_establishment_is_found_and_shown_as_its_own(demo: Services) -> None:
    everything = demo.journal.page(JournalFilter(), limit=None)
    assert everything.total == len(everything.entries) > 500
    owners = Counter(entry.finess for entry in everything.entries)
    for establishment in demo.establishments.list():
        found = demo.journal.page(JournalFilter(establishment=establishment.finess), limit=None)
        assert found.total == owners[establishment.finess] > 0
        assert {e.finess for e in found.entries} == {establishment.finess}
    kinds = {e.entity for e in everything.entries if e.finess is None}
    assert kinds <= {"profile", "supplier", "import_mapping"}  # they belong to no one


def test_the_hospital_s_trail_holds_its_diagnostics_stock_activity_and_scenarios(
    demo: Services,
) -> None:
    hospital = next(e for e in demo.establishments.list() if e.finess == "690990015")
    found = demo.journal.page(JournalFilter(establishment=hospital.finess), limit=None)
    kinds = Counter(entry.entity for entry in found.entries)
    assert {"establishment", "diagnostic", "plan_action", "stock_import", "product",
            "shortage", "activity_value", "calculator_scenario"} <= set(kinds)  # fmt: skip


def test_profile_kind_and_period_filters_combine(demo: Services) -> None:
    # The demo writes under whoever works (here the system login): the name as recorded.
    names, _kinds = demo.journal.choices()
    name = names[0]
    claire = demo.journal.page(JournalFilter(profile=name), limit=None)
    assert claire.total > 0 and all(e.actor.startswith(f"{name} (") for e in claire.entries)
    assert demo.journal.page(JournalFilter(profile=name[:-1]), limit=None).total == 0
    answers = demo.journal.page(JournalFilter(entity="diagnostic"), limit=None)
    assert answers.total > 0 and {e.entity for e in answers.entries} == {"diagnostic"}
    everything = demo.journal.page(JournalFilter(), limit=1).total
    today = date.today()  # the demonstration data was all recorded today (UTC, give or take)
    assert demo.journal.page(JournalFilter(since=today - timedelta(days=1)), limit=1).total == (
        everything
    )
    both = JournalFilter(profile=name, entity="diagnostic")
    assert 0 < demo.journal.page(both, limit=1).total < min(claire.total, answers.total + 1)
    tomorrow = today + timedelta(days=2)
    assert demo.journal.page(JournalFilter(since=tomorrow), limit=None).total == 0
    assert demo.journal.page(JournalFilter(until=today - timedelta(days=2)), limit=None).total == 0


def test_pages_follow_each_other_newest_first_without_gap(demo: Services) -> None:
    first = demo.journal.page(JournalFilter(), offset=0, limit=100)
    second = demo.journal.page(JournalFilter(), offset=100, limit=100)
    ids = [e.id for e in first.entries + second.entries]
    assert ids == sorted(ids, reverse=True)
    assert ids[0] - ids[-1] == 199


def test_changes_name_each_field_before_and_after(demo: Services) -> None:
    updates = demo.journal.page(JournalFilter(entity="plan_action"), limit=None).entries
    changed = next(e for e in updates if e.before and e.after)
    assert changed.before is not None and changed.after is not None
    text = changes(changed)
    labels = {"todo": "À faire", "in_progress": "En cours", "done": "Fait"}
    status = f"Statut : {labels[changed.before['status']]} → {labels[changed.after['status']]}"
    assert status in text  # each field and coded value by its French name
    assert "status" not in text and "Item" not in text  # unchanged fields are not repeated


def test_cli_lists_as_json_and_exports_pdf_and_excel(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert main(["--db", str(demo_db), "audit", "list", "--kind", "stock_import", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == len(listed["entries"]) == 6
    assert all(e["finess"] for e in listed["entries"])

    pdf, xlsx = tmp_path / "journal.pdf", tmp_path / "journal.xlsx"
    assert main(["--db", str(demo_db), "audit", "export", "--establishment", "690990015",
                 "--pdf", str(pdf)]) == 0  # fmt: skip
    assert main(["--db", str(demo_db), "audit", "export", "--xlsx", str(xlsx)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Journal d'audit" in text and "établissement 690990015" in text
    assert "Chaîne vérifiée : intacte" in text
    assert "Page 1 /" in text
    with zipfile.ZipFile(xlsx) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    workbook = load_workbook(xlsx)
    rows = list(workbook["Journal d'audit"].iter_rows(values_only=True))
    assert rows[3][:5] == ("N°", "Date et heure", "Profil", "Établissement (FINESS)",
                           "Type de modification")  # fmt: skip
    services = open_services(demo_db)
    total = services.journal.page(JournalFilter(), limit=1).total
    services.close()
    assert len(rows) == 4 + total  # title, filters, verification, headings, then every entry
    assert any(row[4] == "Import de stock" for row in rows[4:])


def test_cli_refuses_a_period_upside_down_or_a_date_that_is_not_one(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--db", str(demo_db), "audit", "list", "--since", "2026-13-01"])
    assert refused.value.code == 2
    assert "is not a date" in capsys.readouterr().err
    with pytest.raises(SystemExit) as upside_down:
        main(["--db", str(demo_db), "audit", "list", "--since", "2026-02-01",
              "--until", "2026-01-01"])  # fmt: skip
    assert upside_down.value.code == 2
    assert "is after --until" in capsys.readouterr().err
