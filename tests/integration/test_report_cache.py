"""A validated diagnostic's PDF report is made once per content for exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from integration_support import make_input

from hospiperf_desktop.content_cache import cache_folder
from hospiperf_desktop.diagnostics import report_pdf
from hospiperf_desktop.diagnostics.planning import ActionStatus
from hospiperf_desktop.diagnostics.records import PlanEntryChange
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.services import Services


def test_the_report_is_written_again_only_when_what_it_prints_changed(
    diag_services: Services, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    establishment = diag_services.establishments.add(make_input(1))
    diag = diag_services.diagnostics.create("test-mini", establishment.id, "Campagne").id
    diag_services.diagnostics.answer(diag, "C.03", AnswerCode.NO)
    diag_services.diagnostics.validate(diag)
    written: list[Path] = []
    write = report_pdf.write_report
    monkeypatch.setattr(
        report_pdf, "write_report", lambda *a, **k: (written.append(a[3]), write(*a, **k))
    )
    first = diag_services.reports.pdf_bytes(diag)
    assert first.startswith(b"%PDF") and len(written) == 1
    assert diag_services.reports.pdf_bytes(diag) == first and len(written) == 1
    assert list(cache_folder(db_file).glob("*.pdf")), "kept beside the database"

    (entry, *_rest) = diag_services.plans.plan(diag)
    diag_services.plans.update(entry.id, PlanEntryChange("Mme Roux", None, ActionStatus.DONE, None))
    assert diag_services.reports.pdf_bytes(diag) != first and len(written) == 2


def test_a_second_export_reads_the_dashboard_workbook_made_by_the_first(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hospiperf_desktop.activity import dashboard_outputs
    from hospiperf_desktop.bundles.contents import Selection

    establishment = services.establishments.add(make_input(1, beds=120))
    values = services.activity.values
    values.set_values(establishment.id, 2026, {("commandes_medicaments", 0): 1000.0})
    written: list[Path] = []
    write = dashboard_outputs.write_dashboard_workbook
    monkeypatch.setattr(
        dashboard_outputs,
        "write_dashboard_workbook",
        lambda dashboard, path, *a: (written.append(path), write(dashboard, path, *a)),
    )

    def workbook() -> bytes:
        prepared = services.bundles.prepare(Selection(establishment.id, years=(2026,)))
        return next(f.content for f in prepared.files if f.path.endswith(".xlsx"))

    first = workbook()
    assert workbook() == first and len(written) == 1
    values.set_values(establishment.id, 2026, {("commandes_medicaments", 0): 1200.0})
    assert workbook() != first and len(written) == 2


def test_deleting_an_establishment_or_the_demo_forgets_every_kept_document(
    diag_services: Services, db_file: Path
) -> None:
    establishment = diag_services.establishments.add(make_input(1))
    diag = diag_services.diagnostics.create("test-mini", establishment.id, "Campagne").id
    diag_services.diagnostics.answer(diag, "C.03", AnswerCode.NO, "vu en reunion")
    diag_services.diagnostics.validate(diag)
    diag_services.reports.pdf_bytes(diag)
    assert list(cache_folder(db_file).glob("*.pdf"))
    diag_services.establishments.delete_with_data(
        establishment.id, establishment.name, backup=False
    )
    assert not cache_folder(db_file).exists(), "no report outlives its establishment"

    from hospiperf_desktop.demo.removal import remove_demo

    (cache_folder(db_file) / "x.pdf").parent.mkdir(parents=True)
    (cache_folder(db_file) / "x.pdf").write_bytes(b"%PDF")
    remove_demo(diag_services)
    assert not cache_folder(db_file).exists()
