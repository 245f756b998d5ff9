"""The stock module's services on one database, as `Services.stock`."""

from __future__ import annotations

from dataclasses import dataclass

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.stock.analysis import StockAnalysis
from hospiperf_desktop.stock.catalog import StockCatalog
from hospiperf_desktop.stock.importer import StockImports
from hospiperf_desktop.stock.parameters import StockParameters, shipped_parameters
from hospiperf_desktop.stock.unusual import StockUnusual
from hospiperf_desktop.storage.database import Database


@dataclass(frozen=True)
class StockService:
    params: StockParameters
    imports: StockImports
    catalog: StockCatalog
    analysis: StockAnalysis
    unusual: StockUnusual  # the values confirmed outside their bounds, for the bundle


def stock_service(
    database: Database, audit: AuditService, params: StockParameters | None = None
) -> StockService:
    params = params or shipped_parameters()
    return StockService(
        params=params,
        imports=StockImports(database, audit, params),
        catalog=StockCatalog(database, audit, params),
        analysis=StockAnalysis(database, params),
        unusual=StockUnusual(database),
    )
