"""The sterilisation category table in force (docs/sterilisation.md, "Coefficients").

Three tables can give the categories' coefficients, and a study takes the first there is:
the table of an ARS reference package (item kind `sterilisation`), then the user's local
copy, then the shipped provisional one. A study's own coefficients win over all three
(`sterilisation.compute`). The local copy is kept as data in the database (the `settings`
table, as one JSON document: `sterilisation.table_to_dict`); each change saves it under a
new version `<shipped version>+local.<n>`, as activity's local work-unit tables are
versioned, and is audited with the coefficients before and after.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.calculators.sterilisation import (
    CategoryTable,
    shipped_table,
    table_from_dict,
    table_to_dict,
)
from hospiperf_desktop.errors import FieldIssue, ValidationError
from hospiperf_desktop.library.service import installed_sterilisation_table
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.repositories import SettingsRepository

LOCAL_KEY = "sterilisation.local_table"
ITEM_KIND = "sterilisation"  # the reference-package item kind (library/package.py)


def next_local_version(shipped_version: str, local: CategoryTable | None) -> str:
    if local is None:
        return f"{shipped_version}+local.1"
    base, _, revision = local.version.rpartition("+local.")
    if not base or not revision.isdigit():
        return f"{shipped_version}+local.1"
    return f"{base}+local.{int(revision) + 1}"


class SterilisationTables:
    """The shipped, local and packaged category tables, and the one in force."""

    def __init__(
        self, database: Database, audit: AuditService, shipped: CategoryTable | None = None
    ) -> None:
        self._db = database
        self._audit = audit
        self._shipped = shipped or shipped_table()

    @property
    def shipped(self) -> CategoryTable:
        return self._shipped

    def local(self) -> CategoryTable | None:
        with self._db.read() as session:
            text = SettingsRepository(session).get(LOCAL_KEY)
        if text is None:
            return None
        return table_from_dict(json.loads(text), "local table", origin="local")

    def packaged(self) -> CategoryTable | None:
        """The table of the last ARS package installed with one, or None."""
        return installed_sterilisation_table(self._db)

    def in_force(self) -> CategoryTable:
        return self.packaged() or self.local() or self._shipped

    # --- the local copy: changed by the user only ---------------------------------------------

    def set_coefficients(self, values: Mapping[str, float]) -> CategoryTable:
        """Set some categories' coefficients in the local copy (made from the shipped table
        the first time); a set coefficient is no longer provisional. Saved as a new version."""
        base = self.local() or self._shipped
        known = {c.id for c in base.categories}
        issues = []
        for key, value in values.items():
            if key not in known:
                issues.append(FieldIssue(key, "unknown_category", f"unknown category {key!r}"))
            elif not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                issues.append(
                    FieldIssue(key, "bad_coefficient", "must be a finite number, 0 or more")
                )
        if not values:
            issues.append(FieldIssue("coefficients", "required", "give CATEGORY=VALUE"))
        if issues:
            raise ValidationError(issues)
        categories = tuple(
            replace(c, coefficient=float(values[c.id]), provisional=False) if c.id in values else c
            for c in base.categories
        )
        return self._save(replace(base, categories=categories))

    def import_table(self, data: Any, where: str) -> CategoryTable:
        """Take a whole table (an exported one) as the local copy's next version."""
        try:
            table = table_from_dict(data, where, origin="local")
        except ValueError as err:
            raise ValidationError([FieldIssue("file", "bad_table", str(err))]) from None
        return self._save(table)

    def _save(self, table: CategoryTable) -> CategoryTable:
        before = self.local()
        saved = replace(
            table,
            origin="local",
            publisher="",
            version=next_local_version(self._shipped.version, before),
        )
        with self._db.write() as session:
            SettingsRepository(session).set(
                LOCAL_KEY, json.dumps(table_to_dict(saved), ensure_ascii=False)
            )
            self._audit.record(
                session,
                action="update" if before else "create",
                entity="sterilisation_table",
                entity_id="local",
                before=None if before is None else _coefficients(before),
                after=_coefficients(saved),
            )
        return saved


def _coefficients(table: CategoryTable) -> dict[str, Any]:
    return {
        "version": table.version,
        "coefficients": {c.id: c.coefficient for c in table.categories},
    }
