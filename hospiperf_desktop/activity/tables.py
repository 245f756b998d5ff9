"""Work-unit tables: the shipped ones (read-only files), those of reference packages from the
ARS (read-only, every version kept) and the user's local copies.

One table per id is in force for new computations: the shipped one, or a packaged one of the
same id in a newer version; a local copy keeps its id even if a package later brings a table
of that id (the user's own table wins). Any version a result names can be read back.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select

from hospiperf_desktop.activity.catalog import LOCAL_FAMILY, Measure, MeasureCatalog
from hospiperf_desktop.activity.uo_tables import (
    UoItem,
    UoTable,
    local_copy,
    newer,
    next_revision,
    shipped_tables,
    table_from_dict,
)
from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import ConflictError, FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import UoLocalTable, UoResultRecord

_TABLE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")


def local_measure_id(table_id: str, item_id: str) -> str:
    return f"local.{table_id}.{item_id}"


class PackagedTables(Protocol):
    """The tables installed from reference packages (library/service.py)."""

    def uo_tables(self) -> list[UoTable]: ...

    def uo_table_version(self, table_id: str, version: str) -> UoTable | None: ...


class UoTableStore:
    """Shipped and packaged tables plus local copies; only local copies change."""

    def __init__(
        self,
        database: Database,
        audit: AuditService,
        catalog: MeasureCatalog,
        shipped: tuple[UoTable, ...] | None = None,
        packaged: PackagedTables | None = None,
    ) -> None:
        self._db = database
        self._audit = audit
        self._catalog = catalog
        self._shipped = shipped if shipped is not None else shipped_tables()
        self._packaged = packaged

    @property
    def shipped(self) -> tuple[UoTable, ...]:
        return self._shipped

    def in_force(self) -> list[UoTable]:
        """Shipped and packaged tables, one per id: a packaged one replaces a shipped one of
        the same id only when its version is newer."""
        tables = {t.id: t for t in self._shipped}
        for table in self._packaged.uo_tables() if self._packaged else []:
            shipped = tables.get(table.id)
            if shipped is None or shipped.packaged or newer(table.version, shipped.version):
                tables[table.id] = table
        return list(tables.values())

    def all(self) -> list[UoTable]:
        with self._db.read() as session:
            rows = session.scalars(select(UoLocalTable).order_by(UoLocalTable.table_id)).all()
            local = [table_from_dict(json.loads(r.content), r.table_id) for r in rows]
        ids = {t.id for t in local}
        return [*(t for t in self.in_force() if t.id not in ids), *local]

    def get(self, table_id: str, version: str | None = None) -> UoTable:
        """The table in force under `table_id`, or the exact `version` a result names."""
        tables = self.all()
        found = next((t for t in tables if t.id == table_id), None)
        if version is not None and (found is None or found.version != version):
            found = self._version(table_id, version)
            if found is None:
                raise NotFoundError(
                    f"work-unit table {table_id!r} version {version!r} is not on this computer"
                )
        if found is None:
            known = ", ".join(t.id for t in tables)
            raise NotFoundError(f"no work-unit table {table_id!r} (known: {known})")
        return found

    def _version(self, table_id: str, version: str) -> UoTable | None:
        for table in self._shipped:
            if (table.id, table.version) == (table_id, version):
                return table
        if self._packaged is None:
            return None
        return self._packaged.uo_table_version(table_id, version)

    def catalog(self, tables: list[UoTable] | None = None) -> MeasureCatalog:
        """The activity measures, plus one per local line that counts something new.

        `tables`: the tables already read (`all()`), to read them once.
        """
        known = self._catalog.measures
        extra: dict[str, Measure] = {}
        for table in self.all() if tables is None else tables:
            for item in table.items:
                if item.measure not in known and item.measure not in extra:
                    extra[item.measure] = Measure(
                        item.measure,
                        f"{item.label} ({table.title})",
                        "count",
                        "neutral",
                        LOCAL_FAMILY,
                        local=True,
                        plausible=self._catalog.local_plausible,
                    )
        return self._catalog.with_local(list(extra.values()))

    # --- changes: local copies only -------------------------------------------------------

    def copy(self, base_id: str, new_id: str, title: str) -> UoTable:
        base = self.get(base_id)
        issues = []
        if not _TABLE_ID.match(new_id):
            issues.append(
                FieldIssue(
                    "table_id",
                    "bad_table_id",
                    "use 2 to 60 lower-case letters, digits, '.', '_' or '-'",
                )
            )
        if not title.strip():
            issues.append(FieldIssue("title", "required", "a title is required"))
        if issues:
            raise ValidationError(issues)
        if new_id in {t.id for t in self.all()}:
            raise ConflictError(f"a table {new_id!r} exists already", "table_exists", id=new_id)
        table = local_copy(base, new_id, title.strip())
        now = datetime.now(UTC)
        with self._db.write() as session:
            session.add(
                UoLocalTable(
                    table_id=new_id,
                    content=json.dumps(table.to_dict(), ensure_ascii=False),
                    created_by=self._audit.actor(session),
                    created_at=now,
                    updated_at=now,
                )
            )
            self._audit.record(
                session,
                action="create",
                entity="uo_table",
                entity_id=new_id,
                after={"base": base.id, "base_version": base.version, "version": table.version},
            )
        return table

    def set_line(
        self,
        table_id: str,
        item_id: str,
        *,
        label: str | None = None,
        coefficient: float | None = None,
        group: str | None = None,
        measure: str | None = None,
    ) -> UoTable:
        """Change a line of a local table, or add it when `item_id` is new."""
        table = self._local(table_id)
        issues = []
        if coefficient is not None and not (coefficient >= 0 and coefficient < float("inf")):
            issues.append(
                FieldIssue("coefficient", "bad_coefficient", "must be a number of 0 or more")
            )
        if group is not None and group not in {g.id for g in table.groups}:
            groups = ", ".join(g.id for g in table.groups)
            issues.append(FieldIssue("group", "unknown_group", f"unknown group (known: {groups})"))
        if measure is not None and measure not in self._catalog.measures:
            issues.append(FieldIssue("measure", "unknown_measure", f"unknown measure {measure!r}"))
        try:
            existing: UoItem | None = table.item(item_id)
        except KeyError:
            existing = None
            if not _ITEM_ID.match(item_id):
                issues.append(
                    FieldIssue("item_id", "bad_item_id", "use up to 20 letters or digits")
                )
            if not (label or "").strip():
                issues.append(FieldIssue("label", "required", "a new line needs a label"))
            if coefficient is None:
                issues.append(FieldIssue("coefficient", "required", "a new line needs one"))
        if issues:
            raise ValidationError(issues)
        if existing is None:
            line = UoItem(
                item_id,
                group or table.groups[-1].id,
                (label or "").strip(),
                float(coefficient or 0.0),
                measure or local_measure_id(table_id, item_id),
            )
            items = (*table.items, line)
        else:
            line = replace(
                existing,
                label=(label or "").strip() or existing.label,
                coefficient=existing.coefficient if coefficient is None else float(coefficient),
                group=group or existing.group,
                measure=measure or existing.measure,
            )
            items = tuple(line if i.id == item_id else i for i in table.items)
        changed = replace(table, items=items, version=next_revision(table))
        self._save(
            changed, before=None if existing is None else asdict(existing), after=asdict(line)
        )
        return changed

    def remove_line(self, table_id: str, item_id: str) -> UoTable:
        table = self._local(table_id)
        try:
            line = table.item(item_id)
        except KeyError:
            raise NotFoundError(f"table {table_id!r} has no line {item_id!r}") from None
        changed = replace(
            table,
            items=tuple(i for i in table.items if i.id != item_id),
            version=next_revision(table),
        )
        self._save(changed, before=asdict(line), after=None)
        return changed

    def delete(self, table_id: str) -> None:
        self._local(table_id)
        with self._db.write() as session:
            row = session.scalar(select(UoLocalTable).where(UoLocalTable.table_id == table_id))
            assert row is not None
            kept = session.scalar(
                select(UoResultRecord.id).where(UoResultRecord.table_id == table_id).limit(1)
            )
            if kept is not None:
                raise ConflictError(
                    f"results recorded with table {table_id!r} refer to it; it is kept",
                    "table_in_use",
                    id=table_id,
                )
            session.delete(row)
            self._audit.record(
                session, action="delete", entity="uo_table", entity_id=table_id, before=None
            )

    def _local(self, table_id: str) -> UoTable:
        table = self.get(table_id)
        if not table.local:
            what = f"a table from {table.origin.publisher}" if table.origin else "a shipped table"
            raise ConflictError(
                f"{table_id!r} is {what} and is never edited; copy it first"
                f" ('hospiperf uo copy {table_id} NEW_ID')",
                "shipped_table",
                id=table_id,
            )
        return table

    def _save(
        self, table: UoTable, *, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        line = (after or before or {}).get("id", "")
        with self._db.write() as session:
            row = session.scalar(select(UoLocalTable).where(UoLocalTable.table_id == table.id))
            assert row is not None
            row.content = json.dumps(table.to_dict(), ensure_ascii=False)
            row.updated_at = datetime.now(UTC)
            self._audit.record(
                session,
                action="update",
                entity="uo_table",
                entity_id=f"{table.id}/{line}",
                before=before,
                after={**after, "version": table.version} if after else {"version": table.version},
            )
