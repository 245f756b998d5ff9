"""The documents of a diagnostic: the PDF report and the Excel workbook (one use case for the
CLI and the UI)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hospiperf_desktop import __version__
from hospiperf_desktop.diagnostics.plan_service import PlanService
from hospiperf_desktop.diagnostics.records import DiagnosticDetail, PlanEntry
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.service import DiagnosticService
from hospiperf_desktop.profiles.service import ProfileService, system_user
from hospiperf_desktop.progress import NullProgress, Progress

CACHED_REPORTS = 200  # the newest are kept: a region's export is a few dozen


def report_cache(database: Path) -> Path:
    """Reports made for exports, beside the database they were made from."""
    return database.with_name(database.name + ".cache") / "reports"


class DiagnosticReports:
    def __init__(
        self,
        diagnostics: DiagnosticService,
        plans: PlanService,
        profiles: ProfileService,
        cache: Path | None = None,
    ) -> None:
        self._diagnostics = diagnostics
        self._plans = plans
        self._profiles = profiles
        self._cache = cache

    def pdf_bytes(self, diagnostic_id: int) -> bytes:
        """The PDF report, made once per content: an export of many validated diagnostics
        reuses the report written for the same diagnostic, plan, author and version of the
        application (the hash of all it prints but the moment, which stays that of the first
        writing). Without a cache folder, or when it cannot be written, a report is made."""
        detail = self._diagnostics.get(diagnostic_id)
        report = score(detail.template, detail.codes())
        plan = self._plans.plan(diagnostic_id)
        author = self._author()
        content = repr((__version__, detail, report, plan, author)).encode("utf-8")
        key = hashlib.sha256(content).hexdigest()
        cached = self._cache / f"{key}.pdf" if self._cache is not None else None
        if cached is not None and cached.is_file():
            os.utime(cached)  # recently used: kept when the oldest are dropped
            return cached.read_bytes()
        return self._write_cached(detail, report, plan, author, cached)

    def _write_cached(
        self,
        detail: DiagnosticDetail,
        report: ScoreReport,
        plan: list[PlanEntry],
        author: str,
        cached: Path | None,
    ) -> bytes:
        from hospiperf_desktop.diagnostics.report_pdf import write_report
        from hospiperf_desktop.files import write_bytes_atomically

        folder = Path(tempfile.mkdtemp(prefix="hospiperf-report-"))
        try:
            path = folder / "report.pdf"
            write_report(detail, report, plan, path, generated_at=datetime.now(UTC), author=author)
            data = path.read_bytes()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if cached is not None:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomically(cached, data)
                _drop_oldest(cached.parent, CACHED_REPORTS)
            except OSError:
                pass  # a read-only folder: the report is made again next time
        return data

    def _author(self) -> str:
        profile = self._profiles.current()
        return profile.name if profile else system_user()

    def write(
        self,
        diagnostic_id: int,
        *,
        pdf: Path | None = None,
        xlsx: Path | None = None,
        progress: Progress | None = None,
        comments: bool = True,
    ) -> None:
        from hospiperf_desktop.diagnostics.report_pdf import write_report
        from hospiperf_desktop.diagnostics.sheets import write_workbook

        progress = progress or NullProgress()
        detail = self._diagnostics.get(diagnostic_id)
        report = score(detail.template, detail.codes())
        plan = self._plans.plan(diagnostic_id)
        if xlsx is not None:
            progress.check_cancelled()
            write_workbook(detail, report, plan, xlsx)
        if pdf is not None:
            author = self._author()
            generated_at = datetime.now(UTC)
            write_report(
                detail,
                report,
                plan,
                pdf,
                generated_at=generated_at,
                author=author,
                progress=progress,
                comments=comments,
            )


def _drop_oldest(folder: Path, keep: int) -> None:
    reports = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in reports[keep:]:
        old.unlink(missing_ok=True)
