"""Import stock snapshots and movements: all rows or none, in one transaction, in bulk.

`StockImports.run()` reads and checks the whole file first (no database work), then, in one
write transaction: refuses a file already imported (same SHA-256) unless asked, refuses or
replaces what overlaps earlier imports, creates the new products and suppliers, and inserts
the rows with the driver's `executemany` (the ORM is far too slow for 200,000 rows). A
cancel or any error rolls the transaction back: the database is exactly as before.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.bulk import paused_gc
from hospiperf_desktop.errors import ConflictError, FileImportError, NotFoundError, SourceIssue
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.stock.bounds import UnusualValuesError
from hospiperf_desktop.stock.mapping import ColumnMapping, ImportKind
from hospiperf_desktop.stock.parameters import StockParameters
from hospiperf_desktop.stock.reading import (
    KnownIds,
    ParsedFile,
    Preview,
    file_sha256,
    preview,
    read_export,
)
from hospiperf_desktop.stock.records import (
    ImportOptions,
    ImportResult,
    MappingRecord,
    OnOverlap,
    StockImportRecord,
)
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import FRENCH, Database

INSERT_CHUNK = 50_000

# The import and establishment ids are integers we hold, written into the statement once
# rather than into each of 200,000 parameter tuples.
_INSERT_LINES = (
    "INSERT INTO stock_lines (import_id, establishment_id, product_id, location, location_kind,"
    " location_key, quantity, unit_price, value, lot, expiry_date, snapshot_date)"
    " VALUES ({import_id:d}, {establishment_id:d}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_MOVEMENTS = (
    "INSERT INTO stock_movements (import_id, establishment_id, product_id, day, quantity_in,"
    " quantity_out, value_in, value_out, care_unit_id, supplier_id, lot)"
    " VALUES ({import_id:d}, {establishment_id:d}, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _driver(session: Session) -> Any:
    """The sqlite3 connection under the session's transaction (for bulk inserts)."""
    return session.connection().connection.driver_connection


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


AUDITED_UNUSUAL = 100  # unusual values listed one by one in the audit entry (all are counted)
KEPT_UNUSUAL = 10_000  # ... and kept with the import for the bundle (as many as it lists)


def _confirmed(parsed: ParsedFile, options: ImportOptions) -> dict[str, Any] | None:
    """What the audit entry keeps of the unusual values the user confirmed, and why."""
    if not parsed.unusual:
        return None
    return {
        "justification": options.confirm_unusual.strip(),
        "count": len(parsed.unusual),
        "values": [
            {
                "line": i.line,
                "column": i.column,
                "field": i.params["field"],
                "value": i.params["value"],
            }
            for i in parsed.unusual[:AUDITED_UNUSUAL]
        ],
    }


def _kept_unusual(parsed: ParsedFile) -> list[dict[str, Any]]:
    """The confirmed unusual values as the import keeps them for the bundle: product code,
    day, place in the file, value and bound (no patient data is ever in a stock file)."""
    keys = ("product_code", "day", "field", "value", "low", "high")
    return [
        {"line": i.line, "column": i.column, **{k: i.params.get(k) for k in keys}}
        for i in parsed.unusual[:KEPT_UNUSUAL]
    ]


class StockImports:
    def __init__(self, database: Database, audit: AuditService, params: StockParameters) -> None:
        self._db = database
        self._audit = audit
        self._params = params

    # --- mappings -------------------------------------------------------------------------

    def mappings(self, kind: ImportKind | None = None) -> list[MappingRecord]:
        with self._db.read() as session:
            query = select(models.ImportMapping).order_by(models.ImportMapping.name.collate(FRENCH))
            if kind is not None:
                query = query.where(models.ImportMapping.kind == kind.value)
            return [self._mapping_record(row) for row in session.scalars(query)]

    @staticmethod
    def _mapping_record(row: models.ImportMapping) -> MappingRecord:
        return MappingRecord(row.name, row.kind, json.loads(row.columns), row.updated_at)

    def mapping(self, name: str) -> ColumnMapping:
        with self._db.read() as session:
            row = session.scalar(
                select(models.ImportMapping).where(models.ImportMapping.name == name.strip())
            )
            if row is None:
                raise NotFoundError(f"no saved column mapping named '{name}'")
            return ColumnMapping(ImportKind(row.kind), json.loads(row.columns))

    def load_mapping(self, name_or_file: str) -> ColumnMapping:
        """A saved mapping by name, or a mapping JSON file (`{"kind": …, "columns": {…}}`)."""
        path = Path(name_or_file)
        if path.suffix.lower() == ".json" or path.is_file():
            if not path.is_file():
                raise FileImportError(
                    [SourceIssue(str(path), None, None, "file not found", "file_not_found")]
                )
            return ColumnMapping.from_file(path)
        return self.mapping(name_or_file)

    def save_mapping(self, name: str, mapping: ColumnMapping) -> MappingRecord:
        name = name.strip()
        if not name:
            raise ConflictError("a mapping needs a name", "mapping_name_empty")
        with self._db.write() as session:
            row = session.scalar(
                select(models.ImportMapping).where(models.ImportMapping.name == name)
            )
            before = None if row is None else {"kind": row.kind, "columns": row.columns}
            if row is None:
                row = models.ImportMapping(name=name)
                session.add(row)
            row.kind = mapping.kind.value
            row.columns = json.dumps(mapping.columns, ensure_ascii=False, sort_keys=True)
            row.updated_at = _now()
            session.flush()
            self._audit.record(
                session,
                action="save",
                entity="import_mapping",
                entity_id=name,
                before=before,
                after={"kind": row.kind, "columns": row.columns},
            )
            return self._mapping_record(row)

    def delete_mapping(self, name: str) -> None:
        with self._db.write() as session:
            row = session.scalar(
                select(models.ImportMapping).where(models.ImportMapping.name == name)
            )
            if row is None:
                raise NotFoundError(f"no saved column mapping named '{name}'")
            session.delete(row)
            self._audit.record(
                session,
                action="delete",
                entity="import_mapping",
                entity_id=name,
                before={"kind": row.kind, "columns": row.columns},
            )

    # --- reading --------------------------------------------------------------------------

    def preview(
        self, path: Path, kind: ImportKind, mapping: ColumnMapping | None = None
    ) -> Preview:
        return preview(path, kind, self._params, mapping)

    def check(
        self,
        establishment_id: int,
        path: Path,
        mapping: ColumnMapping,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> ParsedFile:
        """Read and check every row without writing anything (the wizard's validation step)."""
        options = options or ImportOptions()
        with self._db.read() as session:
            return self._parse(session, establishment_id, path, mapping, options, progress)

    def _parse(
        self,
        session: Session,
        establishment_id: int,
        path: Path,
        mapping: ColumnMapping,
        options: ImportOptions,
        progress: Progress | None,
    ) -> ParsedFile:
        self._establishment(session, establishment_id)
        known = self._known_ids(session, establishment_id)
        with paused_gc():
            return read_export(
                path,
                mapping,
                self._params,
                snapshot_date=options.snapshot_date,
                known=known,
                progress=progress,
                single_dot=options.single_dot,
            )

    @staticmethod
    def _establishment(session: Session, establishment_id: int) -> models.Establishment:
        row = session.get(models.Establishment, establishment_id)
        if row is None:
            raise NotFoundError(f"no establishment with id {establishment_id}")
        return row

    @staticmethod
    def _known_ids(session: Session, establishment_id: int) -> KnownIds:
        product, unit, supplier = models.Product, models.CareUnit, models.Supplier
        known = KnownIds()
        for code, product_id, price in session.execute(
            select(product.code, product.id, product.unit_price).where(
                product.establishment_id == establishment_id
            )
        ):
            known.products[code] = product_id
            if price is not None:
                known.prices[code] = price
        for table, key_column, mapping in (
            (unit, unit.key, known.care_units),
            (supplier, supplier.name_key, known.suppliers),
        ):
            mapping.update(
                {
                    key: row_id
                    for key, row_id in session.execute(
                        select(key_column, table.id).where(
                            table.establishment_id == establishment_id
                        )
                    )
                }
            )
        known.next_product = (session.scalar(select(func.max(product.id))) or 0) + 1
        known.next_care_unit = (session.scalar(select(func.max(unit.id))) or 0) + 1
        known.next_supplier = (session.scalar(select(func.max(supplier.id))) or 0) + 1
        return known

    # --- importing ------------------------------------------------------------------------

    def run(
        self,
        establishment_id: int,
        path: Path,
        mapping: ColumnMapping,
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import `path` whole or not at all. Raises FileImportError listing every bad cell.

        The file is read inside the write transaction: the ids the reader gives new
        products, care units and suppliers stay free until the rows are inserted.
        """
        options = options or ImportOptions()
        progress = progress or NullProgress()
        if options.default_category not in self._params.category_ids:
            raise ConflictError(
                f"unknown category '{options.default_category}'",
                "unknown_category",
                value=options.default_category,
            )
        with paused_gc(), self._db.write() as session:
            self._refuse_duplicate(session, establishment_id, path, options)
            parsed = self._parse(session, establishment_id, path, mapping, options, progress)
            parsed.raise_if_refused()
            if parsed.unusual and not options.confirm_unusual.strip():
                raise UnusualValuesError(parsed.unusual)
            progress.check_cancelled()
            return self._write(session, establishment_id, parsed, mapping, options, progress)

    def _write(
        self,
        session: Session,
        establishment_id: int,
        parsed: ParsedFile,
        mapping: ColumnMapping,
        options: ImportOptions,
        progress: Progress,
    ) -> ImportResult:
        replaced = self._handle_overlap(session, establishment_id, parsed, options)
        created, defaulted = self._upsert_products(session, establishment_id, parsed, options)
        if parsed.kind is ImportKind.MOVEMENTS:
            self._add_named(session, establishment_id, parsed)
        read = {"name": options.mapping_name, **mapping.to_json()}
        if options.single_dot is not None:
            read["single_dot"] = options.single_dot.value
        confirmed = _confirmed(parsed, options)
        if confirmed:
            # stock_imports has no column of its own for them: the JSON of how the file was read
            # keeps them, next to the mapping (no schema change); the bundle carries them.
            read["unusual_justification"] = confirmed["justification"]
            read["unusual_count"] = confirmed["count"]
            read["unusual_values"] = _kept_unusual(parsed)
        record = models.StockImport(
            establishment_id=establishment_id,
            kind=parsed.kind.value,
            file_name=parsed.file,
            sha256=parsed.sha256,
            row_count=len(parsed.records),
            first_date=parsed.first_date,
            last_date=parsed.last_date,
            mapping=json.dumps(read, ensure_ascii=False),
            imported_by=self._audit.actor(session),
            imported_at=_now(),
        )
        session.add(record)
        session.flush()
        self._insert_rows(session, record.id, establishment_id, parsed, progress)
        progress.check_cancelled()
        self._audit.record(
            session,
            action="import",
            entity="stock_import",
            entity_id=str(record.id),
            after={
                "establishment_id": establishment_id,
                "file": parsed.file,
                "kind": parsed.kind.value,
                "sha256": parsed.sha256,
                "rows": len(parsed.records),
                "replaced": replaced,
                "products_created": created,
                **({"single_dot": options.single_dot.value} if options.single_dot else {}),
                **({"unusual": confirmed} if confirmed else {}),
            },
        )
        return ImportResult(
            import_id=record.id,
            file=parsed.file,
            kind=parsed.kind.value,
            imported=len(parsed.records),
            rejected=0,
            replaced=replaced,
            products_created=created,
            products_defaulted=defaulted,
            first_date=parsed.first_date,
            last_date=parsed.last_date,
            sha256=parsed.sha256,
            unusual_confirmed=len(parsed.unusual),
        )

    def _refuse_duplicate(
        self, session: Session, establishment_id: int, path: Path, options: ImportOptions
    ) -> None:
        if options.allow_duplicate or not path.is_file():
            return
        sha256 = file_sha256(path)
        earlier = session.scalar(
            select(models.StockImport).where(
                models.StockImport.establishment_id == establishment_id,
                models.StockImport.sha256 == sha256,
            )
        )
        if earlier is not None:
            raise ConflictError(
                f"{path.name}: this exact file was already imported on "
                f"{earlier.imported_at:%Y-%m-%d %H:%M} (as '{earlier.file_name}')",
                "duplicate_file",
                file=path.name,
                earlier=earlier.file_name,
                imported_at=earlier.imported_at,
            )

    def _handle_overlap(
        self, session: Session, establishment_id: int, parsed: ParsedFile, options: ImportOptions
    ) -> int:
        if options.on_overlap is OnOverlap.APPEND or parsed.first_date is None:
            return 0
        assert parsed.last_date is not None
        if parsed.kind is ImportKind.SNAPSHOT:
            table = models.StockLine
            keys = {(r[9], r[3]) for r in parsed.records}
            dates = sorted({d for d, _ in keys})
            where = [
                table.establishment_id == establishment_id,
                table.snapshot_date.in_([datetime.fromisoformat(d).date() for d in dates]),
            ]
            candidates = session.execute(
                select(table.id, table.import_id, table.snapshot_date, table.location_key).where(
                    *where
                )
            )
            found = [
                (i, import_id)
                for i, import_id, day, key in candidates
                if (day.isoformat(), key) in keys
            ]
            what = "stock lines for the same dates and locations"
        else:
            movement = models.StockMovement
            query = select(movement.id, movement.import_id).where(
                movement.establishment_id == establishment_id,
                movement.day >= parsed.first_date,
                movement.day <= parsed.last_date,
            )
            found = [(i, import_id) for i, import_id in session.execute(query)]
            what = "movements in the same period"
        ids = [i for i, _ in found]
        if not ids:
            return 0
        if options.on_overlap is OnOverlap.REFUSE:
            raise ConflictError(
                f"{parsed.file}: {len(ids)} {what} ({parsed.first_date} to {parsed.last_date}) "
                "were already imported; choose to replace them or to add to them",
                "stock_overlap",
                file=parsed.file,
                count=len(ids),
                first=parsed.first_date,
                last=parsed.last_date,
                kind=parsed.kind.value,
            )
        table_cls: Any = (
            models.StockLine if parsed.kind is ImportKind.SNAPSHOT else models.StockMovement
        )
        for chunk in _chunks(ids, 5_000):
            session.execute(delete(table_cls).where(table_cls.id.in_(chunk)))
        # The earlier imports now hold fewer rows.
        removed = Counter(import_id for _, import_id in found)
        for import_id, count in removed.items():
            earlier = session.get(models.StockImport, import_id)
            if earlier is not None:
                earlier.row_count -= count
        session.flush()
        return len(ids)

    def _upsert_products(
        self, session: Session, establishment_id: int, parsed: ParsedFile, options: ImportOptions
    ) -> tuple[int, int]:
        """Insert the new products (with the ids the reader gave them), update the others."""
        product = models.Product
        existing = {
            row.code: row
            for row in session.scalars(
                select(product).where(product.establishment_id == establishment_id)
            )
        }
        now = _now()
        stamp = now.isoformat(sep=" ")
        new_rows = []
        defaulted = 0
        for code, seen in parsed.products.items():
            row = existing.get(code)
            if row is None:
                defaulted += seen.category is None
                new_rows.append(
                    (
                        seen.id, establishment_id, code, seen.label[:300],
                        # No substitute until the pharmacist says there is one: a file that
                        # names none must not make a product look safer than it is.
                        seen.category or options.default_category, bool(seen.mitm), False,
                        seen.unit_price, stamp, stamp,
                    )
                )  # fmt: skip
                continue
            # A known product keeps its label, category and MITM flag (they may have been
            # corrected in the application); files fill only what is missing.
            changes: dict[str, Any] = {}
            if seen.label and not row.label:
                changes["label"] = seen.label[:300]
            # A count gives the current price; movements only fill a missing one.
            price_news = parsed.kind is ImportKind.SNAPSHOT or row.unit_price is None
            if seen.unit_price is not None and seen.unit_price != row.unit_price and price_news:
                changes["unit_price"] = seen.unit_price
            if changes:
                for name, value in changes.items():
                    setattr(row, name, value)
                row.updated_at = now
        session.flush()
        if new_rows:
            _driver(session).executemany(
                "INSERT INTO products (id, establishment_id, code, label, category, mitm,"
                " has_substitute, unit_price, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                new_rows,
            )
        return len(new_rows), defaulted

    def _add_named(self, session: Session, establishment_id: int, parsed: ParsedFile) -> None:
        """The new care units and suppliers, and which supplier delivered which product."""
        driver = _driver(session)
        driver.executemany(
            "INSERT INTO care_units (id, establishment_id, name, key) VALUES (?, ?, ?, ?)",
            [
                (unit_id, establishment_id, name[:120], key[:120])
                for unit_id, (key, name) in parsed.new_care_units.items()
            ],
        )
        driver.executemany(
            "INSERT INTO suppliers (id, establishment_id, name, name_key, lead_time_profile)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (supplier_id, establishment_id, name[:200], key[:200],
                 self._params.default_lead_time_profile)
                for supplier_id, (key, name) in parsed.new_suppliers.items()
            ],
        )  # fmt: skip
        driver.executemany(
            "INSERT OR IGNORE INTO product_suppliers (product_id, supplier_id) VALUES (?, ?)",
            sorted(
                (seen.id, supplier_id)
                for seen in parsed.products.values()
                for supplier_id in seen.suppliers
            ),
        )

    def _insert_rows(
        self,
        session: Session,
        import_id: int,
        establishment_id: int,
        parsed: ParsedFile,
        progress: Progress,
    ) -> None:
        """The rows come out of the reader ready to insert: no per-row work is left here."""
        records = parsed.records
        if parsed.kind is ImportKind.SNAPSHOT:
            sql = _INSERT_LINES
        else:
            sql = _INSERT_MOVEMENTS
            # In date order, the (establishment, day) index grows at its end: far cheaper.
            if not parsed.in_date_order:
                records = sorted(records, key=itemgetter(1))
        sql = sql.format(import_id=import_id, establishment_id=establishment_id)
        cursor = _driver(session).cursor()
        total = len(records)
        try:
            for start in range(0, total, INSERT_CHUNK):
                progress.check_cancelled()
                cursor.executemany(sql, records[start : start + INSERT_CHUNK])
                progress.report(min(total, start + INSERT_CHUNK), total, "inserted")
        finally:
            cursor.close()

    # --- history --------------------------------------------------------------------------

    def imports(self, establishment_id: int) -> list[StockImportRecord]:
        with self._db.read() as session:
            rows = session.scalars(
                select(models.StockImport)
                .where(models.StockImport.establishment_id == establishment_id)
                .order_by(models.StockImport.imported_at.desc(), models.StockImport.id.desc())
            )
            return [
                StockImportRecord(
                    r.id,
                    r.kind,
                    r.file_name,
                    r.sha256,
                    r.row_count,
                    r.first_date,
                    r.last_date,
                    r.imported_by,
                    r.imported_at,
                )
                for r in rows
            ]

    def delete_import(self, import_id: int) -> int:
        """Remove an import and every row it brought; products stay. Returns rows removed."""
        with self._db.write() as session:
            row = session.get(models.StockImport, import_id)
            if row is None:
                raise NotFoundError(f"no stock import with id {import_id}")
            table: Any = models.StockLine if row.kind == "snapshot" else models.StockMovement
            count = (
                session.scalar(
                    select(func.count()).select_from(table).where(table.import_id == import_id)
                )
                or 0
            )
            session.delete(row)
            session.flush()
            self._audit.record(
                session,
                action="delete",
                entity="stock_import",
                entity_id=str(import_id),
                before={"file": row.file_name, "kind": row.kind, "rows": count},
            )
            return count
