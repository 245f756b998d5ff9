"""The application's services, wired on one database. The CLI and the UI both start here.

Each later module (diagnostics, stock, activity, calculators, bundles) adds its service as a
field of `Services` and builds it in `open_services()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.content_cache import ContentCache, cache_folder
from hospiperf_desktop.diagnostics.library import QuestionnaireLibrary
from hospiperf_desktop.diagnostics.loader import TemplateLibrary, shipped_library
from hospiperf_desktop.diagnostics.outputs import Benchmarks, DiagnosticReports
from hospiperf_desktop.diagnostics.plan_service import PlanService
from hospiperf_desktop.diagnostics.service import DiagnosticService
from hospiperf_desktop.establishments.service import EstablishmentService
from hospiperf_desktop.faults import DatabaseDamaged
from hospiperf_desktop.profiles.service import ProfileService
from hospiperf_desktop.settings import SettingsService
from hospiperf_desktop.storage.database import Database, open_database

if TYPE_CHECKING:
    from hospiperf_desktop.activity.module import ActivityModule
    from hospiperf_desktop.audit.journal import AuditJournal
    from hospiperf_desktop.backup.service import BackupService
    from hospiperf_desktop.bundles.service import BundleService
    from hospiperf_desktop.calculators.service import CalculatorService
    from hospiperf_desktop.calculators.sterilisation_tables import SterilisationTables
    from hospiperf_desktop.diagnostics.scoring import ScoreReport
    from hospiperf_desktop.library.package import SignerKey
    from hospiperf_desktop.library.service import ReferenceLibrary
    from hospiperf_desktop.stock.service import StockService


@dataclass(frozen=True)
class Services:
    database: Database
    audit: AuditService
    profiles: ProfileService
    establishments: EstablishmentService
    settings: SettingsService
    diagnostics: DiagnosticService
    plans: PlanService
    reports: DiagnosticReports
    questionnaires: QuestionnaireLibrary  # shipped + installed (docs/questionnaire-workbook.md)

    @cached_property
    def stock(self) -> StockService:
        """Built on first use: start-up does not need the stock module or its parameters.

        Lead-time profiles from reference packages replace or add to the shipped ones; it is
        built again after a package is installed (`library`)."""
        from hospiperf_desktop.stock.parameters import shipped_parameters, with_lead_times
        from hospiperf_desktop.stock.service import stock_service

        params = with_lead_times(shipped_parameters(), self.library.lead_time_profiles())
        return stock_service(self.database, self.audit, params)

    @cached_property
    def library(self) -> ReferenceLibrary:
        """Reference packages from the ARS (library/service.py), checked against the ARS key
        trusted with `keys trust-ars` (bundles/authority.py), and any `keys/ars-*.pub.json`."""
        from hospiperf_desktop.bundles.authority import trusted_ars_key
        from hospiperf_desktop.library.service import ReferenceLibrary
        from hospiperf_desktop.library.trust import trusted_ars_keys

        folder = self.database.path.parent / "keys"

        def trusted() -> list[SignerKey]:
            key = trusted_ars_key(self)
            return [*([key] if key is not None else []), *trusted_ars_keys(folder)]

        def installed() -> None:
            """Lead-time profiles may have changed: a stock service already built is built
            again here, in the installing (worker) thread, not on the next use."""
            if self.__dict__.pop("stock", None) is not None:
                _ = self.stock

        return ReferenceLibrary(self.database, self.audit, self.questionnaires, trusted, installed)

    @cached_property
    def bundles(self) -> BundleService:
        """Keys and signed export bundles; keys live in `keys/` beside the database."""
        from hospiperf_desktop.bundles.keys import KeyStore
        from hospiperf_desktop.bundles.service import BundleService

        return BundleService(self, KeyStore(self.database.path.parent / "keys"))

    @cached_property
    def calculators(self) -> CalculatorService:
        """Saved calculator scenarios, built on first use."""
        from hospiperf_desktop.calculators.service import CalculatorService

        return CalculatorService(self.database, self.audit)

    @cached_property
    def sterilisation_tables(self) -> SterilisationTables:
        """The sterilisation category table in force: ARS package, local copy or shipped."""
        from hospiperf_desktop.calculators.sterilisation_tables import SterilisationTables

        return SterilisationTables(self.database, self.audit)

    @cached_property
    def activity(self) -> ActivityModule:
        """Activity values, work units and the dashboard, built on first use; the work-unit
        tables include those installed from reference packages."""
        from hospiperf_desktop.activity.module import activity_module

        return activity_module(self.database, self.audit, lambda: self.stock, packaged=self.library)

    @cached_property
    def journal(self) -> AuditJournal:
        """The audit trail filtered and paged for people (Journal d'audit)."""
        from hospiperf_desktop.audit.journal import AuditJournal

        return AuditJournal(self.database)

    @cached_property
    def backups(self) -> BackupService:
        """Checked backups in `backups/` beside the database (docs/backups.md)."""
        from hospiperf_desktop.backup.service import BackupService

        return BackupService(self.database, self.audit)

    @property
    def database_path(self) -> Path:
        return self.database.path

    def close(self) -> None:
        self.database.close()


def open_services(database_path: Path, library: TemplateLibrary | None = None) -> Services:
    """Open (and migrate) the database at `database_path` and build every service on it.

    `library` replaces the shipped questionnaires (tests use small ones); questionnaires
    installed by users come from the database (`diagnostics/library.py`).
    """
    try:
        database = open_database(database_path)
    except DatabaseDamaged as err:
        from hospiperf_desktop.backup.service import last_good_backup

        raise DatabaseDamaged(err.path, err.detail, last_good_backup(err.path)) from err
    audit = AuditService(database, ProfileService.actor_name)
    questionnaires = QuestionnaireLibrary(database, audit, library or shipped_library())
    diagnostics = DiagnosticService(database, audit, questionnaires)
    profiles = ProfileService(database, audit)
    plans = PlanService(database, audit, diagnostics)
    establishments = EstablishmentService(database, audit)
    return Services(
        database=database,
        audit=audit,
        profiles=profiles,
        establishments=establishments,
        settings=SettingsService(database),
        diagnostics=diagnostics,
        plans=plans,
        reports=DiagnosticReports(
            diagnostics,
            plans,
            profiles,
            _report_benchmarks(database, establishments),
            ContentCache(cache_folder(database.path)),
        ),
        questionnaires=questionnaires,
    )


def _report_benchmarks(database: Database, establishments: EstablishmentService) -> Benchmarks:
    """The regional positions a diagnostic report prints (library/positions.py)."""

    def placed(
        establishment_id: int, template_id: str, report: ScoreReport, year: int
    ) -> list[tuple[str, str]]:
        from hospiperf_desktop.library.positions import diagnostic_positions
        from hospiperf_desktop.library.service import installed_benchmarks

        items = installed_benchmarks(database)
        if not items:
            return []
        establishment = establishments.get(establishment_id)
        found = diagnostic_positions(
            items,
            template_id,
            report,
            kind=establishment.kind,
            finess=establishment.finess,
            year=year,
        )
        return [(p.label, p.position.text) for p in found]

    return placed
