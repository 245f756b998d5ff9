"""The activity module's services on one database, as `Services.activity`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hospiperf_desktop.activity.catalog import MeasureCatalog, shipped_catalog
from hospiperf_desktop.activity.dashboard import DashboardService
from hospiperf_desktop.activity.service import ActivityService
from hospiperf_desktop.activity.tables import PackagedTables, UoTableStore
from hospiperf_desktop.activity.uo_tables import UoTable
from hospiperf_desktop.activity.work_units import WorkUnitService
from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.storage.database import Database

if TYPE_CHECKING:
    from hospiperf_desktop.stock.service import StockService


@dataclass(frozen=True)
class ActivityModule:
    tables: UoTableStore
    values: ActivityService
    work_units: WorkUnitService
    dashboard: DashboardService


def activity_module(
    database: Database,
    audit: AuditService,
    stock: Callable[[], StockService] | None = None,
    *,
    catalog: MeasureCatalog | None = None,
    tables: tuple[UoTable, ...] | None = None,
    packaged: PackagedTables | None = None,
) -> ActivityModule:
    store = UoTableStore(database, audit, catalog or shipped_catalog(), tables, packaged)
    values = ActivityService(database, audit, store, stock)
    return ActivityModule(
        tables=store,
        values=values,
        work_units=WorkUnitService(database, audit, store, values),
        dashboard=DashboardService(database, values),
    )
