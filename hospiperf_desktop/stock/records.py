"""What the stock services hand out: plain frozen records, no database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from hospiperf_desktop.number_columns import DotChoice


class OnOverlap(StrEnum):
    """What to do when the file covers dates (and locations) already imported."""

    REFUSE = "refuse"
    REPLACE = "replace"
    APPEND = "append"


@dataclass(frozen=True)
class ImportOptions:
    snapshot_date: date | None = None  # for snapshot files with no date column
    default_category: str = "medicament"  # for new products when the file names none
    allow_duplicate: bool = False  # import a file whose exact content was imported before
    on_overlap: OnOverlap = OnOverlap.REFUSE
    mapping_name: str | None = None  # recorded with the import
    # What "1.500" means in the columns that cannot tell (see number_columns.py).
    single_dot: DotChoice | None = None
    # Why the values outside their plausible bounds are right: without it they are refused.
    confirm_unusual: str = ""


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    file: str
    kind: str
    imported: int
    rejected: int
    replaced: int
    products_created: int
    products_defaulted: int  # new products filed under the default category
    first_date: date | None
    last_date: date | None
    sha256: str
    unusual_confirmed: int = 0  # values outside their plausible bounds, imported as confirmed


@dataclass(frozen=True)
class StockImportRecord:
    id: int
    kind: str
    file_name: str
    sha256: str
    row_count: int
    first_date: date | None
    last_date: date | None
    imported_by: str
    imported_at: datetime


@dataclass(frozen=True)
class MappingRecord:
    name: str
    kind: str
    columns: dict[str, str]
    updated_at: datetime


@dataclass(frozen=True)
class ProductRecord:
    id: int
    code: str
    label: str
    category: str
    mitm: bool
    has_substitute: bool
    unit_price: float | None
    suppliers: tuple[str, ...]


@dataclass(frozen=True)
class SupplierRecord:
    id: int
    name: str
    lead_time_profile: str
    lead_time_days: float  # effective: the override, else the profile's
    lead_time_sd_days: float
    overridden: bool
    product_count: int


@dataclass(frozen=True)
class ShortageRecord:
    id: int
    product_id: int
    product_code: str
    product_label: str
    started_on: date
    ended_on: date | None
    cause: str
    substitute: str
    supplier_changed: bool
    notes: str
    recorded_by: str


@dataclass(frozen=True)
class CoverageRow:
    category: str
    location: str  # central | care_unit
    stock_value: float
    weekly_consumption_value: float
    coverage_weeks: float | None
    target_weeks: float
    benchmark_weeks: float | None
    rotation_per_year: float | None
    cash_freed: float | None  # None: no consumption over the window, nothing to compare with

    @property
    def above_target(self) -> bool:
        return (self.coverage_weeks is None and self.stock_value > 0) or (
            self.coverage_weeks is not None and self.coverage_weeks > self.target_weeks
        )


@dataclass(frozen=True)
class LocationRow:
    location: str
    kind: str
    snapshot_date: date
    stock_value: float
    weekly_consumption_value: float | None  # None for the central store (see coverage)
    coverage_weeks: float | None


@dataclass(frozen=True)
class StockItem:
    """A product's stock at a location, for the dormant and expiring lists."""

    product_id: int
    code: str
    label: str
    category: str
    location: str
    lot: str
    quantity: float
    value: float
    expiry_date: date | None


@dataclass(frozen=True)
class PerBed:
    scope: str  # pui | general_store
    stock_value: float
    beds: int | None
    value_per_bed: float | None
    benchmark: float


@dataclass(frozen=True)
class StockIndicators:
    at: date
    window_weeks: int
    window_start: date
    dormant_months: int
    expiring_days: int
    mco: bool
    coverage: tuple[CoverageRow, ...]
    totals: tuple[CoverageRow, ...]  # all categories, per location kind
    locations: tuple[LocationRow, ...]
    dormant_value: float
    dormant: tuple[StockItem, ...]
    expiring_value: float
    expired_value: float
    expiring: tuple[StockItem, ...]
    per_bed: tuple[PerBed, ...]
    movement_count: int
    warnings: tuple[str, ...] = field(default=())
    # Weeks of consumption the averages divide by: the window, or the movement history
    # when it is shorter (warning "short_history").
    consumption_weeks: float = 0.0


@dataclass(frozen=True)
class ReorderLine:
    product_id: int
    code: str
    label: str
    category: str
    mitm: bool
    on_hand: float
    mean_weekly: float
    sd_weekly: float
    lead_days: float
    safety_stock: float
    reorder_point: float
    order_quantity: int
    days_left: float | None
    at_risk: bool
    abc_class: str
    criticality_score: int
    criticality_level: str
    criticality_reasons: tuple[str, ...]
    suppliers: tuple[str, ...]


@dataclass(frozen=True)
class ReorderReport:
    at: date
    snapshot_date: date | None
    window_weeks: int
    service_level: float
    review_weeks: float
    criticality_maximum: int
    lines: tuple[ReorderLine, ...]


@dataclass(frozen=True)
class HistoryPoint:
    month: str  # YYYY-MM
    quantity_in: float
    quantity_out: float
    value_out: float


@dataclass(frozen=True)
class StockPoint:
    snapshot_date: date
    location: str
    quantity: float
    value: float


@dataclass(frozen=True)
class ProductHistory:
    product: ProductRecord
    months: tuple[HistoryPoint, ...]
    stock: tuple[StockPoint, ...]
    shortages: tuple[ShortageRecord, ...]
