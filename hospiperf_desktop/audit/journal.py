"""The audit trail as a quality officer reads it: filtered, one page at a time, exported.

Filters run in SQL, so that a trail of 100,000 entries answers at once: the period (UTC
days), the profile (the name the trail records, whatever the role), the kind of change
(the entity) and the establishment. An entry belongs to an establishment through what it
changed: the establishment itself, one of its values, diagnostics, plan actions, products,
shortages, imports or scenarios (found through its ids or through the `finess` and
`establishment_id` of the snapshots). Suppliers, profiles and keys belong to none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import (
    AuditEntry,
    Diagnostic,
    Establishment,
    PlanAction,
    Product,
)

# French names of the kinds of change and of the actions, for people (screen and documents).
ENTITY_LABELS = {
    "establishment": "Établissement",
    "profile": "Profil",
    "diagnostic": "Diagnostic",
    "plan_action": "Action du plan",
    "activity_value": "Valeur d'activité",
    "activity": "Activité",
    "uo_table": "Table d'unités d'œuvre",
    "sterilisation_table": "Coefficients des UO de stérilisation",
    "uo_result": "Résultat d'unités d'œuvre",
    "stock": "Stock",
    "stock_import": "Import de stock",
    "import_mapping": "Profil de colonnes",
    "product": "Produit",
    "supplier": "Fournisseur",
    "shortage": "Rupture",
    "calculator_scenario": "Scénario de calculateur",
    "signing_key": "Clé de signature",
    "bundle": "Paquet signé",
    "bundle_receipt": "Accusé de réception de l'ARS",
    "backup": "Sauvegarde",
    "backup_settings": "Paramètres des sauvegardes",
    "database": "Base de données",
    "demo": "Données de démonstration",
    "ars_key": "Clé de l'ARS",
    "reference_package": "Paquet de référence",
    "questionnaire": "Questionnaire",
}
ACTION_LABELS = {
    "create": "création",
    "update": "modification",
    "delete": "suppression",
    "delete_all": "suppression de tout",
    "purge": "purge",
    "answer": "réponse",
    "answers": "réponses importées",
    "comment": "commentaire",
    "evidence": "preuve jointe",
    "validate": "validation",
    "reopen": "réouverture",
    "import": "import",
    "undo_import": "annulation d'import",
    "set": "saisie",
    "append": "ajout",
    "record": "enregistrement",
    "save": "enregistrement",
    "export": "export",
    "version": "nouvelle version",
    "restore": "restauration",
    "install": "installation",
    "remove": "retrait",
    "delete_with_data": "suppression avec ses données",
}


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " "))


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " "))


@dataclass(frozen=True)
class JournalFilter:
    since: date | None = None  # first day kept (UTC)
    until: date | None = None  # last day kept (UTC)
    profile: str | None = None  # a profile's name
    establishment: str | None = None  # a FINESS
    entity: str | None = None  # a kind of change (ENTITY_LABELS' keys)


@dataclass(frozen=True)
class JournalEntry:
    id: int
    recorded_at: str  # ISO 8601, UTC
    actor: str
    action: str
    entity: str
    entity_id: str
    finess: str | None  # the establishment the change belongs to, when it has one
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class JournalPage:
    entries: tuple[JournalEntry, ...]
    total: int  # entries matching the filter, all pages together


def _snapshot(name: str, path: str) -> ColumnElement[Any]:
    column = AuditEntry.after if name == "after" else AuditEntry.before
    return func.json_extract(column, path)


def _in_either(path: str, values: Any) -> ColumnElement[bool]:
    return or_(_snapshot("after", path).in_(values), _snapshot("before", path).in_(values))


def _establishment_condition(session: Session, finess: str) -> ColumnElement[bool]:
    establishment_id = session.scalar(
        select(Establishment.id).where(Establishment.finess == finess)
    )
    by_finess = or_(
        _snapshot("after", "$.finess") == finess, _snapshot("before", "$.finess") == finess
    )
    if establishment_id is None:  # deleted since: what the snapshots say is all we have
        return or_(
            and_(AuditEntry.entity == "establishment", AuditEntry.entity_id == finess),
            and_(AuditEntry.entity == "activity_value", AuditEntry.entity_id.like(f"{finess}/%")),
            by_finess,
        )
    diagnostics = select(Diagnostic.id).where(Diagnostic.establishment_id == establishment_id)
    products = select(Product.id).where(Product.establishment_id == establishment_id)
    as_text = {
        "diagnostic": select(cast(Diagnostic.id, String)).where(
            Diagnostic.establishment_id == establishment_id
        ),
        "product": select(cast(Product.id, String)).where(
            Product.establishment_id == establishment_id
        ),
        "plan_action": select(cast(PlanAction.id, String)).where(
            PlanAction.diagnostic_id.in_(diagnostics)
        ),
    }
    return or_(
        and_(AuditEntry.entity == "establishment", AuditEntry.entity_id == finess),
        and_(AuditEntry.entity == "activity_value", AuditEntry.entity_id.like(f"{finess}/%")),
        *(
            and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))
            for entity, ids in as_text.items()
        ),
        and_(AuditEntry.entity == "plan_action", _in_either("$.diagnostic_id", diagnostics)),
        and_(AuditEntry.entity == "shortage", _in_either("$.product_id", products)),
        _in_either("$.establishment_id", [establishment_id]),
        by_finess,
    )


def _conditions(session: Session, wanted: JournalFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.since is not None:
        conditions.append(AuditEntry.recorded_at >= wanted.since.isoformat())
    if wanted.until is not None:
        conditions.append(AuditEntry.recorded_at < (wanted.until + timedelta(days=1)).isoformat())
    if wanted.profile:
        conditions.append(
            or_(AuditEntry.actor == wanted.profile, AuditEntry.actor.like(f"{wanted.profile} (%"))
        )
    if wanted.entity:
        conditions.append(AuditEntry.entity == wanted.entity)
    if wanted.establishment:
        conditions.append(_establishment_condition(session, wanted.establishment))
    return conditions


class _Owners:
    """Which establishment (FINESS) each entry of a page belongs to."""

    def __init__(self, session: Session) -> None:
        self.finess = dict(session.execute(select(Establishment.id, Establishment.finess)).all())
        self.diagnostics = dict(
            session.execute(select(Diagnostic.id, Diagnostic.establishment_id)).all()
        )
        self.products = dict(session.execute(select(Product.id, Product.establishment_id)).all())

    def of(self, entity: str, entity_id: str, snapshots: list[dict[str, Any]]) -> str | None:
        if entity == "establishment":
            return entity_id
        if entity == "activity_value":
            return entity_id.split("/", 1)[0]
        for snapshot in snapshots:
            if isinstance(snapshot.get("finess"), str):
                return str(snapshot["finess"])
            if isinstance(snapshot.get("establishment_id"), int):
                return self.finess.get(snapshot["establishment_id"])
        if entity == "diagnostic" and entity_id.isdigit():
            return self.finess.get(self.diagnostics.get(int(entity_id), -1))
        for key, table in (("diagnostic_id", self.diagnostics), ("product_id", self.products)):
            for snapshot in snapshots:
                if isinstance(snapshot.get(key), int):
                    return self.finess.get(table.get(snapshot[key], -1))
        if entity == "product" and entity_id.isdigit():
            return self.finess.get(self.products.get(int(entity_id), -1))
        return None


def _loads(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


class AuditJournal:
    def __init__(self, database: Database) -> None:
        self._db = database

    def page(
        self, wanted: JournalFilter, *, offset: int = 0, limit: int | None = 200
    ) -> JournalPage:
        """The entries matching `wanted`, newest first, from `offset` on (all when no limit)."""
        with self._db.read() as session:
            conditions = _conditions(session, wanted)
            total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
            query = select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
            rows = session.scalars(query.offset(offset).limit(limit)).all()
            owners = _Owners(session)
            entries = []
            for row in rows:
                before, after = _loads(row.before), _loads(row.after)
                snapshots = [s for s in (after, before) if s is not None]
                entries.append(
                    JournalEntry(
                        row.id, row.recorded_at, row.actor, row.action, row.entity, row.entity_id,
                        owners.of(row.entity, row.entity_id, snapshots), before, after,
                    )
                )  # fmt: skip
        return JournalPage(tuple(entries), int(total or 0))

    def choices(self) -> tuple[list[str], list[str]]:
        """The profiles (names as recorded, roles taken off) and kinds of change in the trail."""
        with self._db.read() as session:
            actors = session.scalars(select(AuditEntry.actor).distinct()).all()
            entities = session.scalars(select(AuditEntry.entity).distinct()).all()
        names = sorted({actor.rsplit(" (", 1)[0] for actor in actors})
        return names, sorted(entities, key=entity_label)
