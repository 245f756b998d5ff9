"""Products, suppliers (with their lead times) and the shortage log of an establishment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.stock.bounds import StockBounds, check_entry, shipped_bounds
from hospiperf_desktop.stock.parameters import StockParameters
from hospiperf_desktop.stock.records import (
    HistoryPoint,
    ProductHistory,
    ProductRecord,
    ShortageRecord,
    StockPoint,
    SupplierRecord,
)
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import FRENCH, Database

MAX_LEAD_TIME_DAYS = 365


@dataclass(frozen=True)
class ShortageInput:
    product_id: int
    started_on: date
    ended_on: date | None = None
    cause: str = ""
    substitute: str = ""
    supplier_changed: bool = False
    notes: str = ""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class StockCatalog:
    def __init__(self, database: Database, audit: AuditService, params: StockParameters) -> None:
        self._db = database
        self._audit = audit
        self._params = params
        self.bounds: StockBounds = shipped_bounds()

    # --- products -------------------------------------------------------------------------

    def _suppliers_of(self, session: Session, product_ids: list[int]) -> dict[int, list[str]]:
        names: dict[int, list[str]] = {}
        if not product_ids:
            return names
        # In slices: SQLite caps the number of bound parameters of one statement.
        for start in range(0, len(product_ids), 900):
            rows = session.execute(
                select(models.ProductSupplier.product_id, models.Supplier.name)
                .join(models.Supplier, models.Supplier.id == models.ProductSupplier.supplier_id)
                .where(models.ProductSupplier.product_id.in_(product_ids[start : start + 900]))
                .order_by(models.Supplier.name.collate(FRENCH))
            )
            for pid, name in rows:
                names.setdefault(pid, []).append(name)
        return names

    def _record(self, row: models.Product, suppliers: list[str]) -> ProductRecord:
        return ProductRecord(
            row.id,
            row.code,
            row.label,
            row.category,
            row.mitm,
            row.has_substitute,
            row.unit_price,
            tuple(suppliers),
        )

    def products(
        self, establishment_id: int, *, category: str | None = None, search: str = ""
    ) -> list[ProductRecord]:
        with self._db.read() as session:
            query = select(models.Product).where(
                models.Product.establishment_id == establishment_id
            )
            if category:
                query = query.where(models.Product.category == category)
            if search.strip():
                pattern = f"%{search.strip()}%"
                query = query.where(
                    models.Product.code.ilike(pattern) | models.Product.label.ilike(pattern)
                )
            rows = list(
                session.scalars(
                    query.order_by(models.Product.label.collate(FRENCH), models.Product.code)
                )
            )
            suppliers = self._suppliers_of(session, [r.id for r in rows])
            return [self._record(r, suppliers.get(r.id, [])) for r in rows]

    def product(self, product_id: int) -> ProductRecord:
        with self._db.read() as session:
            row = self._product(session, product_id)
            return self._record(row, self._suppliers_of(session, [row.id]).get(row.id, []))

    def product_by_code(self, establishment_id: int, code: str) -> ProductRecord:
        with self._db.read() as session:
            row = session.scalar(
                select(models.Product).where(
                    models.Product.establishment_id == establishment_id,
                    models.Product.code == code.strip(),
                )
            )
            if row is None:
                raise NotFoundError(f"no product with code '{code}'")
            return self._record(row, self._suppliers_of(session, [row.id]).get(row.id, []))

    @staticmethod
    def _product(session: Session, product_id: int) -> models.Product:
        row = session.get(models.Product, product_id)
        if row is None:
            raise NotFoundError(f"no product with id {product_id}")
        return row

    def update_product(
        self,
        product_id: int,
        *,
        category: str | None = None,
        mitm: bool | None = None,
        has_substitute: bool | None = None,
        label: str | None = None,
        unit_price: float | None = None,
        justification: str = "",
    ) -> ProductRecord:
        """Change a product's facts; a unit price outside its plausible bound needs a
        `justification` (else `UnusualEntryError`), kept in the audit entry."""
        if category is not None and category not in self._params.category_ids:
            raise ValidationError(
                [FieldIssue("category", "unknown_category", f"unknown category '{category}'")]
            )
        if unit_price is not None:
            check_entry("unit_price", unit_price, self.bounds.unit_price, justification)
            if self.bounds.unit_price.contains(unit_price):
                justification = ""  # nothing unusual to justify
        with self._db.write() as session:
            row = self._product(session, product_id)
            before = self._record(row, [])
            if category is not None:
                row.category = category
            if mitm is not None:
                row.mitm = mitm
            if has_substitute is not None:
                row.has_substitute = has_substitute
            if label is not None and label.strip():
                row.label = label.strip()[:300]
            if unit_price is not None:
                row.unit_price = unit_price
            row.updated_at = _now()
            session.flush()
            after = self._record(row, [])
            self._audit.record(
                session,
                action="update",
                entity="product",
                entity_id=str(row.id),
                before=asdict(before),
                after=asdict(after) | ({"justification": justification} if justification else {}),
            )
            return self._record(row, self._suppliers_of(session, [row.id]).get(row.id, []))

    def update_products(
        self,
        product_ids: Sequence[int],
        *,
        category: str | None = None,
        mitm: bool | None = None,
        has_substitute: bool | None = None,
    ) -> list[ProductRecord]:
        """The same change on many products, in one transaction (all or none), each product's
        change audited."""
        with self._db.write():
            return [
                self.update_product(
                    product_id, category=category, mitm=mitm, has_substitute=has_substitute
                )
                for product_id in product_ids
            ]

    def history(self, product_id: int) -> ProductHistory:
        """Monthly movements, every counted stock and the shortages of one product."""
        with self._db.read() as session:
            row = self._product(session, product_id)
            record = self._record(row, self._suppliers_of(session, [row.id]).get(row.id, []))
            months = [
                HistoryPoint(month, q_in or 0.0, q_out or 0.0, v_out or 0.0)
                for month, q_in, q_out, v_out in session.execute(
                    text(
                        "SELECT substr(day, 1, 7), SUM(quantity_in), SUM(quantity_out),"
                        " SUM(value_out) FROM stock_movements WHERE product_id = :p"
                        " GROUP BY 1 ORDER BY 1"
                    ),
                    {"p": product_id},
                )
            ]
            stock = [
                StockPoint(date.fromisoformat(str(day)), location, qty or 0.0, value or 0.0)
                for day, location, qty, value in session.execute(
                    text(
                        "SELECT snapshot_date, location, SUM(quantity), SUM(value)"
                        " FROM stock_lines WHERE product_id = :p"
                        " GROUP BY snapshot_date, location_key"
                        " ORDER BY snapshot_date, location COLLATE french"
                    ),
                    {"p": product_id},
                )
            ]
            shortages = [
                self._shortage_record(s, row)
                for s in session.scalars(
                    select(models.Shortage)
                    .where(models.Shortage.product_id == product_id)
                    .order_by(models.Shortage.started_on.desc())
                )
            ]
            return ProductHistory(record, tuple(months), tuple(stock), tuple(shortages))

    def delete_all(self, establishment_id: int) -> int:
        """Remove every stock row of an establishment (imports, counts, movements, products,
        suppliers, care units, shortages), so that it can be deleted. Returns rows removed."""
        tables = (
            "stock_movements", "stock_lines", "stock_imports", "shortages", "product_suppliers",
            "products", "suppliers", "care_units",
        )  # fmt: skip
        removed = 0
        with self._db.write() as session:
            for table in tables:
                if table == "product_suppliers":
                    sql = (
                        "DELETE FROM product_suppliers WHERE product_id IN"
                        " (SELECT id FROM products WHERE establishment_id = :e)"
                    )
                else:
                    sql = f"DELETE FROM {table} WHERE establishment_id = :e"
                result = session.execute(text(sql), {"e": establishment_id})
                removed += getattr(result, "rowcount", 0) or 0
            self._audit.record(
                session, action="delete_all", entity="stock", entity_id=str(establishment_id),
                before={"rows": removed},
            )  # fmt: skip
        return removed

    # --- suppliers ------------------------------------------------------------------------

    def suppliers(self, establishment_id: int) -> list[SupplierRecord]:
        with self._db.read() as session:
            counts = dict(
                session.execute(
                    select(models.ProductSupplier.supplier_id, func.count()).group_by(
                        models.ProductSupplier.supplier_id
                    )
                ).all()
            )
            rows = session.scalars(
                select(models.Supplier)
                .where(models.Supplier.establishment_id == establishment_id)
                .order_by(models.Supplier.name.collate(FRENCH))
            )
            return [self._supplier_record(r, counts.get(r.id, 0)) for r in rows]

    def _supplier_record(self, row: models.Supplier, products: int) -> SupplierRecord:
        profile = self._params.lead_time_profile(row.lead_time_profile)
        overridden = row.lead_time_days is not None or row.lead_time_sd_days is not None
        return SupplierRecord(
            row.id,
            row.name,
            row.lead_time_profile,
            profile.mean_days if row.lead_time_days is None else row.lead_time_days,
            profile.sd_days if row.lead_time_sd_days is None else row.lead_time_sd_days,
            overridden,
            products,
        )

    def update_supplier(
        self,
        supplier_id: int,
        *,
        profile: str,
        lead_time_days: float | None = None,
        lead_time_sd_days: float | None = None,
    ) -> SupplierRecord:
        """Choose the supplier's lead-time profile; days given override the profile's."""
        issues = []
        if profile not in {p.id for p in self._params.lead_time_profiles}:
            issues.append(FieldIssue("profile", "unknown_profile", f"unknown profile '{profile}'"))
        for name, value in (
            ("lead_time_days", lead_time_days),
            ("lead_time_sd_days", lead_time_sd_days),
        ):
            if value is not None and not 0 <= value <= MAX_LEAD_TIME_DAYS:
                issues.append(
                    FieldIssue(
                        name,
                        "out_of_range",
                        f"must be between 0 and {MAX_LEAD_TIME_DAYS} days",
                        {"min": 0, "max": MAX_LEAD_TIME_DAYS},
                    )
                )
        if issues:
            raise ValidationError(issues)
        with self._db.write() as session:
            row = session.get(models.Supplier, supplier_id)
            if row is None:
                raise NotFoundError(f"no supplier with id {supplier_id}")
            before = self._supplier_record(row, 0)
            row.lead_time_profile = profile
            row.lead_time_days = lead_time_days
            row.lead_time_sd_days = lead_time_sd_days
            session.flush()
            products = session.scalar(
                select(func.count()).where(models.ProductSupplier.supplier_id == row.id)
            )
            after = self._supplier_record(row, products or 0)
            self._audit.record(
                session,
                action="update",
                entity="supplier",
                entity_id=str(row.id),
                before=asdict(before),
                after=asdict(after),
            )
            return after

    # --- shortages ------------------------------------------------------------------------

    @staticmethod
    def _shortage_record(row: models.Shortage, product: models.Product) -> ShortageRecord:
        return ShortageRecord(
            row.id,
            product.id,
            product.code,
            product.label,
            row.started_on,
            row.ended_on,
            row.cause,
            row.substitute,
            row.supplier_changed,
            row.notes,
            row.recorded_by,
        )

    def shortages(self, establishment_id: int, year: int | None = None) -> list[ShortageRecord]:
        with self._db.read() as session:
            query = (
                select(models.Shortage, models.Product)
                .join(models.Product, models.Product.id == models.Shortage.product_id)
                .where(models.Shortage.establishment_id == establishment_id)
                .order_by(models.Shortage.started_on.desc(), models.Shortage.id.desc())
            )
            if year is not None:
                query = query.where(
                    models.Shortage.started_on >= date(year, 1, 1),
                    models.Shortage.started_on <= date(year, 12, 31),
                )
            return [self._shortage_record(s, p) for s, p in session.execute(query)]

    def supplier_change_count(self, establishment_id: int, year: int) -> int:
        """Shortages of the year that forced a product or supplier change (UO Pharma item 5)."""
        return sum(1 for s in self.shortages(establishment_id, year) if s.supplier_changed)

    def _checked(self, data: ShortageInput) -> None:
        if data.ended_on is not None and data.ended_on < data.started_on:
            raise ValidationError(
                [FieldIssue("ended_on", "before_start", "the end comes before the start")]
            )

    def record_shortage(self, establishment_id: int, data: ShortageInput) -> ShortageRecord:
        self._checked(data)
        with self._db.write() as session:
            product = self._product(session, data.product_id)
            if product.establishment_id != establishment_id:
                raise NotFoundError(f"no product with id {data.product_id} in this establishment")
            row = models.Shortage(
                establishment_id=establishment_id,
                recorded_by=self._audit.actor(session),
                recorded_at=_now(),
                **self._fields(data),
            )
            session.add(row)
            session.flush()
            record = self._shortage_record(row, product)
            self._audit.record(
                session,
                action="create",
                entity="shortage",
                entity_id=str(row.id),
                after=asdict(record),
            )
            return record

    @staticmethod
    def _fields(data: ShortageInput) -> dict[str, Any]:
        return {
            "product_id": data.product_id,
            "started_on": data.started_on,
            "ended_on": data.ended_on,
            "cause": data.cause.strip(),
            "substitute": data.substitute.strip(),
            "supplier_changed": data.supplier_changed,
            "notes": data.notes.strip(),
        }

    def update_shortage(self, shortage_id: int, data: ShortageInput) -> ShortageRecord:
        self._checked(data)
        with self._db.write() as session:
            row = session.get(models.Shortage, shortage_id)
            if row is None:
                raise NotFoundError(f"no shortage with id {shortage_id}")
            product = self._product(session, data.product_id)
            if product.establishment_id != row.establishment_id:
                raise NotFoundError(f"no product with id {data.product_id} in this establishment")
            before = self._shortage_record(row, self._product(session, row.product_id))
            for name, value in self._fields(data).items():
                setattr(row, name, value)
            session.flush()
            after = self._shortage_record(row, product)
            self._audit.record(
                session,
                action="update",
                entity="shortage",
                entity_id=str(row.id),
                before=asdict(before),
                after=asdict(after),
            )
            return after

    def delete_shortage(self, shortage_id: int) -> None:
        with self._db.write() as session:
            row = session.get(models.Shortage, shortage_id)
            if row is None:
                raise NotFoundError(f"no shortage with id {shortage_id}")
            before = self._shortage_record(row, self._product(session, row.product_id))
            session.delete(row)
            self._audit.record(
                session,
                action="delete",
                entity="shortage",
                entity_id=str(shortage_id),
                before=asdict(before),
            )
