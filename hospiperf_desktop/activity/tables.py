"""Work-unit tables: the shipped ones (read-only files) and the user's local copies."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hospiperf_desktop.activity.catalog import LOCAL_FAMILY, Measure, MeasureCatalog
from hospiperf_desktop.activity.uo_tables import (
    UoItem,
    UoTable,
    local_copy,
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


class UoTableStore:
    """Shipped tables plus local copies; a shipped table is never changed."""

    def __init__(
        self,
        database: Database,
        audit: AuditService,
        catalog: MeasureCatalog,
        shipped: tuple[UoTable, ...] | None = None,
    ) -> None:
        self._db = database
        self._audit = audit
        self._catalog = catalog
        self._shipped = shipped if shipped is not None else shipped_tables()

    @property
    def shipped(self) -> tuple[UoTable, ...]:
        return self._shipped

    def all(self) -> list[UoTable]:
        with self._db.read() as session:
            rows = session.scalars(select(UoLocalTable).order_by(UoLocalTable.table_id)).all()
            local = [table_from_dict(json.loads(r.content), r.table_id) for r in rows]
        return [*self._shipped, *local]

    def get(self, table_id: str) -> UoTable:
        for table in self._shipped:
            if table.id == table_id:
                return table
        with self._db.read() as session:
            row = session.scalar(select(UoLocalTable).where(UoLocalTable.table_id == table_id))
            if row is None:
                known = ", ".join(t.id for t in self.all())
                raise NotFoundError(f"no work-unit table {table_id!r} (known: {known})")
            return table_from_dict(json.loads(row.content), row.table_id)

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
            raise ConflictError(
                f"{table_id!r} is a shipped table and is never edited; copy it first"
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
