"""The diagnostic PDF report, read back as text the way a user would read it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.report_pdf import write_report
from hospiperf_desktop.progress import CancellableProgress, Cancelled
from tests.diagnostics_support import ESTABLISHMENT, build_diagnostic

# 16:40 on the computer running the tests, whatever its time zone (the report shows local time).
GENERATED = datetime(2026, 5, 6, 16, 40).astimezone()
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


def _pdf_text(path: Path) -> str:
    """The PDF's text, with non-breaking spaces read as spaces."""
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.replace("\u00a0", " ")


def _write(path: Path, items: int = 30, actions: int = 6, **kwargs) -> None:
    detail, report, plan = build_diagnostic(items=items, actions=actions)
    write_report(detail, report, plan, path, generated_at=GENERATED, author="Mme Roux", **kwargs)


def test_report_shows_establishment_scores_critical_items_and_plan(tmp_path):
    path = tmp_path / "rapport.pdf"
    _write(path)
    text = _pdf_text(path)
    pages = text.count("\f")
    assert ESTABLISHMENT in text
    assert "FINESS : 450000088" in text
    assert "essai-rapport@1.2" in text
    assert "75,0 %" in text
    assert "A.04" in text  # a critical item in failure
    assert "Réviser la procédure n°3" in text
    assert "31/12/2026" in text
    assert "Page 1 / " in text
    assert f"Page {pages} / {pages}" in text
    assert "Rapport généré le 06/05/2026 à 16:40" in text


def test_plan_header_repeats_on_every_page_of_a_long_plan(tmp_path):
    path = tmp_path / "rapport.pdf"
    _write(path, actions=80)
    text = _pdf_text(path)
    plan_pages = [page for page in text.split("\f") if "Réviser la procédure" in page]
    assert len(plan_pages) > 1
    assert all("Responsable" in page and "Échéance" in page for page in plan_pages)


def test_report_without_critical_failure_says_so(tmp_path):
    detail, report, plan = build_diagnostic()
    report = report.__class__(**{**vars(report), "critical_failures": ()})
    path = tmp_path / "rapport.pdf"
    write_report(detail, report, plan, path, generated_at=GENERATED, author="Mme Roux")
    assert "Aucun item critique n’est en échec." in _pdf_text(path)


def test_cancelled_report_leaves_no_file(tmp_path):
    progress = CancellableProgress()
    progress.cancel()
    with pytest.raises(Cancelled):
        _write(tmp_path / "rapport.pdf", progress=progress)
    assert list(tmp_path.iterdir()) == []


class _CancelWhileLayingOut(CancellableProgress):
    """Cancels when the page layout starts, after every section was built."""

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        if message == "Mise en page":
            self.cancel()


def test_cancelling_during_layout_keeps_the_previous_report(tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(b"previous report")
    with pytest.raises(Cancelled):
        _write(path, progress=_CancelWhileLayingOut())
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() == b"previous report"


def test_characters_outside_the_pdf_font_are_replaced_not_lost(tmp_path):
    detail, report, plan = build_diagnostic()
    label = "Atteindre ≥ 95\u202f% de conformité (cible → 2027)"
    detail = replace(detail, summary=replace(detail.summary, label=label))
    path = tmp_path / "rapport.pdf"
    write_report(detail, report, plan, path, generated_at=GENERATED, author="Mme Roux")
    assert "Atteindre >= 95 % de conformité (cible -> 2027)" in " ".join(_pdf_text(path).split())
