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
    assert "version 1.2" in text and "essai-rapport@1.2" not in text  # written for people
    assert "Score global" in text and "provisoire" not in text  # every item is answered
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


def _partial(answered: int) -> tuple:
    """The support diagnostic with only its first `answered` items answered."""
    from hospiperf_desktop.diagnostics.scoring import score

    detail, _report, plan = build_diagnostic()
    kept = dict(list(detail.answers.items())[:answered])
    detail = replace(detail, answers=kept)
    return detail, score(detail.template, detail.codes()), plan


def test_a_score_on_part_of_the_items_is_printed_as_provisional_in_ordinary_type(tmp_path):
    detail, report, plan = _partial(answered=3)
    path = tmp_path / "rapport.pdf"
    write_report(detail, report, plan, path, generated_at=GENERATED, author="Mme Roux")
    cover = _pdf_text(path).split("\f")[0]
    assert "Score global" not in cover
    assert "Score provisoire" in cover
    assert "provisoire : 10,0 % des items sont répondus" in cover
    assert "(3 / 30 items répondus)" in cover


def test_comments_of_answered_items_are_in_the_report_unless_left_out(tmp_path):
    detail, report, plan = build_diagnostic()
    first = next(iter(detail.answers))
    answers = dict(detail.answers)
    comment = "Seulement 2 réunions en 2025, charte à signer"
    answers[first] = replace(answers[first], comment=comment)
    detail = replace(detail, answers=answers)
    path = tmp_path / "rapport.pdf"
    write_report(detail, report, plan, path, generated_at=GENERATED, author="Mme Roux")
    text = _pdf_text(path)
    assert "Commentaires" in text and "30 item(s) commenté(s)" in text
    flowing = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    assert comment in " ".join(flowing.split())
    without = tmp_path / "sans.pdf"
    write_report(detail, report, plan, without, generated_at=GENERATED, author="Mme Roux",
                 comments=False)  # fmt: skip
    assert "Seulement 2 réunions" not in _pdf_text(without)
    assert "commenté(s)" not in _pdf_text(without)


@pytest.mark.parametrize("items", [10, 30, 60])
def test_no_page_holds_only_a_lone_line_or_sentence(tmp_path, items):
    path = tmp_path / "rapport.pdf"
    _write(path, items=items, actions=4)
    pages = _pdf_text(path).split("\f")[:-1]
    for number, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if "Page " not in line and "Rapport généré" not in line]
        if body in (["Scores par axe"], ["Scores par thème"]):
            continue  # a whole-page chart: its words are drawn in the picture
        assert len(body) >= 6, f"page {number} of {len(pages)} holds only: {body}"


def test_regional_positions_are_printed_under_the_scores_in_winansi(tmp_path):
    path = tmp_path / "rapport.pdf"
    line = "3ᵉ quartile régional des EHPAD, 38 établissements, données 2026"
    _write(path, benchmarks=[("Ensemble du questionnaire", line)])
    text = " ".join(_pdf_text(path).split())
    assert "Repères régionaux" in text
    assert "3e quartile régional des EHPAD, 38 établissements, données 2026" in text
    _write(path)
    assert "Repères régionaux" not in _pdf_text(path)
