"""The documents of a diagnostic: the PDF report and the Excel workbook (one use case for the
CLI and the UI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hospiperf_desktop.diagnostics.plan_service import PlanService
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
    ) -> None:
        self._diagnostics = diagnostics
        self._plans = plans
        self._profiles = profiles
        self._benchmarks = benchmarks

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
            profile = self._profiles.current()
            author = profile.name if profile else system_user()
            generated_at = datetime.now(UTC)
            summary = detail.summary
            placed = (
                self._benchmarks(
                    summary.establishment_id,
                    summary.template_id,
                    report,
                    (summary.validated_at or summary.created_at).year,
                )
                if self._benchmarks is not None
                else []
            )
            write_report(
                detail,
                report,
                plan,
                pdf,
                generated_at=generated_at,
                author=author,
                progress=progress,
                comments=comments,
                benchmarks=placed,
            )
