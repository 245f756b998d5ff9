"""The documents of a diagnostic: the PDF report and the Excel workbook (one use case for the
CLI and the UI)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hospiperf_desktop.content_cache import ContentCache
from hospiperf_desktop.diagnostics.plan_service import PlanService
from hospiperf_desktop.diagnostics.records import DiagnosticDetail
from hospiperf_desktop.diagnostics.scoring import ScoreReport, score
from hospiperf_desktop.diagnostics.service import DiagnosticService
from hospiperf_desktop.profiles.service import ProfileService, system_user
from hospiperf_desktop.progress import NullProgress, Progress

# (establishment id, template id, report, year) → (score or axis label, regional position)
Benchmarks = Callable[[int, str, ScoreReport, int], list[tuple[str, str]]]


class DiagnosticReports:
    def __init__(
        self,
        diagnostics: DiagnosticService,
        plans: PlanService,
        profiles: ProfileService,
        benchmarks: Benchmarks | None = None,
        cache: ContentCache | None = None,
    ) -> None:
        self._diagnostics = diagnostics
        self._plans = plans
        self._profiles = profiles
        self._benchmarks = benchmarks
        self._cache = cache or ContentCache(None)

    def pdf_bytes(self, diagnostic_id: int) -> bytes:
        """The PDF report, made once per content (`ContentCache`): an export of many
        validated diagnostics reuses the report written for the same diagnostic, plan,
        author and regional positions; it keeps the moment of its first writing."""
        from hospiperf_desktop.diagnostics.report_pdf import write_report

        detail = self._diagnostics.get(diagnostic_id)
        report = score(detail.template, detail.codes())
        plan = self._plans.plan(diagnostic_id)
        author = self._author()
        placed = self._placed(detail, report)

        def make() -> bytes:
            with tempfile.TemporaryDirectory(prefix="hospiperf-report-") as folder:
                path = Path(folder) / "report.pdf"
                write_report(
                    detail,
                    report,
                    plan,
                    path,
                    generated_at=datetime.now(UTC),
                    author=author,
                    benchmarks=placed,
                )
                return path.read_bytes()

        shown = ("report", detail, report, plan, author, placed)
        return self._cache.bytes_for(shown, ".pdf", make)

    def _author(self) -> str:
        profile = self._profiles.current()
        return profile.name if profile else system_user()

    def _placed(self, detail: DiagnosticDetail, report: ScoreReport) -> list[tuple[str, str]]:
        """The regional positions the report prints (none without a benchmark file)."""
        if self._benchmarks is None:
            return []
        summary = detail.summary
        year = (summary.validated_at or summary.created_at).year
        return self._benchmarks(summary.establishment_id, summary.template_id, report, year)

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
            write_report(
                detail,
                report,
                plan,
                pdf,
                generated_at=datetime.now(UTC),
                author=self._author(),
                progress=progress,
                comments=comments,
                benchmarks=self._placed(detail, report),
            )
