"""Installing reference packages on a desktop (docs/reference-packages.md).

`preview` verifies a package and says what it would add or replace; `install` does it in
one write transaction (all or nothing, audited). Every item is kept with its exact bytes
under (kind, id, version): a version is never overwritten, so what was made with it keeps
it. Questionnaires go to the questionnaire library (`diagnostics/library.py`, origin
'package'), where diagnostics already pin the exact file they were created with.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hospiperf_desktop.activity.uo_tables import TableOrigin, UoTable, table_from_dict
from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.bundles.checks import RulePack
from hospiperf_desktop.bundles.payload import validate
from hospiperf_desktop.bundles.rules import read_rules, shipped_rule_pack
from hospiperf_desktop.bundles.verify import BundleRejected
from hospiperf_desktop.calculators.sterilisation import CategoryTable, StudyResult
from hospiperf_desktop.calculators.sterilisation import table_from_dict as category_table
from hospiperf_desktop.diagnostics.library import QuestionnaireLibrary
from hospiperf_desktop.diagnostics.loader import TemplateError, parse_template
from hospiperf_desktop.errors import ConflictError
from hospiperf_desktop.establishments.model import Establishment
from hospiperf_desktop.library.benchmarks import Distribution, read_document
from hospiperf_desktop.library.package import (
    Package,
    PackageItem,
    PackageRejected,
    SignerKey,
    item_json,
    read_package,
)
from hospiperf_desktop.library.positions import Peers, Placed, sterilisation_positions
from hospiperf_desktop.library.revocations import Revocations, revoked_keys
from hospiperf_desktop.stock.parameters import LeadTimeProfile, lead_times_from_dict
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.models import ReferenceItemRecord, ReferencePackageRecord

_log = logging.getLogger(__name__)
_SCHEMAS = {
    "benchmarks": "benchmarks",
    "revocations": "revocations",
    "rules": "rules",
    "lead_times": "lead-times",
}


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    version: str
    title: str
    action: str  # add | replace (a newer version of an installed id) | same (already there)
    replaces: str | None = None  # the version in force before


@dataclass(frozen=True)
class Preview:
    package: Package
    file_name: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class InstalledItem:
    kind: str
    id: str
    version: str
    title: str
    current: bool
    package_uuid: str
    publisher: str
    file_name: str
    installed_at: datetime


def _check_item(item: PackageItem) -> None:
    """Each item is read as its kind before anything is installed."""
    if item.kind == "questionnaire":
        try:
            template = parse_template(item.content, item.path)
        except TemplateError as err:
            raise PackageRejected("bad_item", str(err)) from None
        if (template.id, template.version) != (item.id, item.version):
            raise PackageRejected(
                "bad_item", f"{item.path}: the file is {template.id} {template.version}"
            )
        return
    document = item_json(item)
    if item.kind == "uo_table":
        try:
            table = table_from_dict(document, item.path)
        except (ValueError, KeyError, TypeError) as err:
            raise PackageRejected(
                "bad_item", f"{item.path}: not a work-unit table ({err})"
            ) from None
        if (table.id, table.version) != (item.id, item.version):
            raise PackageRejected(
                "bad_item", f"{item.path}: the table is {table.id} {table.version}"
            )
    elif item.kind == "sterilisation":
        try:
            categories = category_table(document, item.path, origin="package")
        except ValueError as err:
            raise PackageRejected(
                "bad_item", f"{item.path}: not a sterilisation category table ({err})"
            ) from None
        if categories.version != item.version:
            raise PackageRejected(
                "bad_item", f"{item.path}: the table is version {categories.version}"
            )
    elif item.kind in _SCHEMAS:
        try:
            validate(item.path, _SCHEMAS[item.kind], document)
        except BundleRejected as err:
            raise PackageRejected("bad_item", str(err)) from None
        if item.kind == "lead_times":
            _check_lead_times(item, document)
    elif not isinstance(document, dict):
        raise PackageRejected("bad_item", f"{item.path}: a JSON object is expected")


def _check_lead_times(item: PackageItem, document: dict[str, Any]) -> None:
    try:
        lead_times_from_dict(document, "")
    except ValueError as err:
        raise PackageRejected("bad_item", f"{item.path}: {err}") from None
    if (document["id"], document["version"]) != (item.id, item.version):
        raise PackageRejected(
            "bad_item", f"{item.path}: the file is {document['id']} {document['version']}"
        )


class ReferenceLibrary:
    def __init__(
        self,
        database: Database,
        audit: AuditService,
        questionnaires: QuestionnaireLibrary,
        trusted: Callable[[], Sequence[SignerKey]],
        installed: Callable[[], None] = lambda: None,
    ) -> None:
        self._db = database
        self._audit = audit
        self._questionnaires = questionnaires
        self._trusted = trusted
        self._installed = installed  # told after each install (services built on items drop)

    def preview(self, path: Path) -> Preview:
        """Verify `path` against the trusted ARS key and list what it would change."""
        package = read_package(path, self._trusted(), self.revoked().fingerprints())
        for item in package.items:
            _check_item(item)
        with self._db.read() as session:
            if session.scalar(
                select(ReferencePackageRecord.id).where(ReferencePackageRecord.uuid == package.uuid)
            ):
                raise ConflictError(
                    f"{path.name}: package {package.uuid} is installed already", "already_installed"
                )
            changes = []
            for item in package.items:
                rows = session.execute(
                    select(ReferenceItemRecord.version, ReferenceItemRecord.current).where(
                        ReferenceItemRecord.kind == item.kind,
                        ReferenceItemRecord.item_id == item.id,
                    )
                ).all()
                current = next((v for v, c in rows if c), None)
                if any(v == item.version for v, _ in rows):
                    action = "same"
                elif current is not None:
                    action = "replace"
                else:
                    action = "add"
                changes.append(
                    Change(item.kind, item.id, item.version, item.title, action, current)
                )
        return Preview(package, path.name, tuple(changes))

    def install(self, path: Path, expected_sha256: str | None = None) -> Preview:
        """Install the package: every item or none. With `expected_sha256` (the file shown
        to the user), a file changed since is refused."""
        preview = self.preview(path)
        package = preview.package
        if expected_sha256 is not None and package.file_sha256 != expected_sha256:
            raise PackageRejected(
                "changed", f"{path.name} changed since it was shown: nothing was installed"
            )
        with self._db.write() as session:
            record = ReferencePackageRecord(
                uuid=package.uuid,
                kind=package.kind,
                publisher=package.publisher,
                created=package.created,
                signer_fingerprint=package.signer,
                file_name=path.name[:255],
                file_sha256=package.file_sha256,
                installed_by=self._audit.actor(session),
                installed_at=datetime.now(UTC).replace(tzinfo=None),
            )
            session.add(record)
            session.flush()
            for item, change in zip(package.items, preview.changes, strict=True):
                if change.action == "same":
                    continue
                if item.kind == "questionnaire":
                    self._questionnaires.install(item.content, "package", package.uuid)
                for old in session.scalars(
                    select(ReferenceItemRecord).where(
                        ReferenceItemRecord.kind == item.kind,
                        ReferenceItemRecord.item_id == item.id,
                        ReferenceItemRecord.current.is_(True),
                    )
                ):
                    old.current = False
                session.add(
                    ReferenceItemRecord(
                        package_id=record.id,
                        kind=item.kind,
                        item_id=item.id,
                        version=item.version,
                        title=item.title[:200],
                        sha256=item.sha256,
                        content=item.content,
                        current=True,
                    )
                )
            session.flush()
            self._audit.record(
                session,
                action="install",
                entity="reference_package",
                entity_id=package.uuid,
                after={
                    "publisher": package.publisher,
                    "file": path.name,
                    "sha256": package.file_sha256,
                    "items": [
                        {"kind": c.kind, "id": c.id, "version": c.version, "action": c.action}
                        for c in preview.changes
                    ],
                },
            )
        self._installed()
        return preview

    def installed(self) -> list[InstalledItem]:
        with self._db.read() as session:
            rows = session.execute(
                select(ReferenceItemRecord, ReferencePackageRecord)
                .join(
                    ReferencePackageRecord,
                    ReferenceItemRecord.package_id == ReferencePackageRecord.id,
                )
                .order_by(
                    ReferenceItemRecord.kind, ReferenceItemRecord.item_id, ReferenceItemRecord.id
                )
            ).all()
            return [
                InstalledItem(
                    i.kind,
                    i.item_id,
                    i.version,
                    i.title,
                    i.current,
                    p.uuid,
                    p.publisher,
                    p.file_name,
                    p.installed_at,
                )
                for i, p in rows
            ]

    def _current(self, kind: str) -> list[tuple[str, str, bytes]]:
        return current_items(self._db, kind)

    def rule_pack(self) -> RulePack:
        """The rule pack the checks before signing run: the last one a package installed,
        else the shipped default (resources/rules/checks-default.json).

        A rules item installed before rule packs were checked at install and that is not
        one is passed over (logged): it must not stop every export."""
        with self._db.read() as session:
            rows = session.execute(
                select(ReferenceItemRecord.content, ReferencePackageRecord.uuid)
                .join(
                    ReferencePackageRecord,
                    ReferenceItemRecord.package_id == ReferencePackageRecord.id,
                )
                .where(ReferenceItemRecord.kind == "rules", ReferenceItemRecord.current.is_(True))
                .order_by(ReferenceItemRecord.id.desc())
            ).all()
        for content, package_uuid in rows:
            try:
                return read_rules("rules", json.loads(content), "package", package_uuid)
            except (BundleRejected, ValueError):
                _log.warning("rules item of package %s is not a rule pack: skipped", package_uuid)
        return shipped_rule_pack()

    def uo_tables(self) -> list[UoTable]:
        """The work-unit tables in force from packages (their last installed version), each
        with the package it came from."""
        return self._uo_tables(ReferenceItemRecord.current.is_(True))

    def uo_table_version(self, table_id: str, version: str) -> UoTable | None:
        """A pinned version of a packaged table, current or not."""
        found = self._uo_tables(
            ReferenceItemRecord.item_id == table_id, ReferenceItemRecord.version == version
        )
        return found[0] if found else None

    def _uo_tables(self, *where: Any) -> list[UoTable]:
        with self._db.read() as session:
            rows = session.execute(
                select(ReferenceItemRecord.content, ReferencePackageRecord)
                .join(
                    ReferencePackageRecord,
                    ReferenceItemRecord.package_id == ReferencePackageRecord.id,
                )
                .where(ReferenceItemRecord.kind == "uo_table", *where)
                .order_by(ReferenceItemRecord.id)
            ).all()
            return [
                replace(
                    table_from_dict(json.loads(content), p.file_name),
                    origin=TableOrigin(p.publisher, p.uuid, p.file_name),
                )
                for content, p in rows
            ]

    def lead_time_profiles(self) -> list[LeadTimeProfile]:
        """The suppliers' lead-time profiles of the lead-times items in force, the last
        installed last; each names the package's publisher and the item's title."""
        with self._db.read() as session:
            rows = session.execute(
                select(
                    ReferenceItemRecord.content,
                    ReferenceItemRecord.title,
                    ReferenceItemRecord.version,
                    ReferencePackageRecord.publisher,
                )
                .join(
                    ReferencePackageRecord,
                    ReferenceItemRecord.package_id == ReferencePackageRecord.id,
                )
                .where(
                    ReferenceItemRecord.kind == "lead_times", ReferenceItemRecord.current.is_(True)
                )
                .order_by(ReferenceItemRecord.id)
            ).all()
        out: list[LeadTimeProfile] = []
        for content, title, version, publisher in rows:
            out += lead_times_from_dict(json.loads(content), f"{publisher}, {title} {version}")
        return out

    def sterilisation_table(self) -> CategoryTable | None:
        """The sterilisation category table in force from packages (calculators/
        sterilisation_tables.py), or None."""
        return installed_sterilisation_table(self._db)

    def benchmarks(self) -> list[Distribution]:
        return installed_benchmarks(self._db)

    def peers(self, kind: str, finess: str) -> Peers:
        """The installed benchmarks with the establishment they are read for."""
        return Peers(kind, finess, tuple(self.benchmarks()))

    def sterilisation_positions(
        self, result: StudyResult, establishment: Establishment
    ) -> list[Placed]:
        """A sterilisation study's cost per UO Sté and UO Sté per FTE against the installed
        benchmarks ([] when none is installed)."""
        items = self.benchmarks()
        if not items:
            return []
        return sterilisation_positions(
            items,
            cost_per_uo=result.cost_per_uo,
            uo_per_fte=result.uo_per_fte,
            kind=establishment.kind,
            finess=establishment.finess,
            year=result.year,
        )

    def revoked(self) -> Revocations:
        """The keys on every revocation list installed, any version (library/revocations.py).

        A list that no longer reads as one (the database edited by hand) is passed over,
        logged: the lists were checked against their schema when installed."""
        with self._db.read() as session:
            rows = session.execute(
                select(ReferenceItemRecord.content, ReferenceItemRecord.item_id)
                .where(ReferenceItemRecord.kind == "revocations")
                .order_by(ReferenceItemRecord.id)
            ).all()
        documents = []
        for content, item_id in rows:
            try:
                document = json.loads(content)
                validate(item_id, "revocations", document)
            except (BundleRejected, ValueError):
                _log.warning("revocation list %s is not one: skipped", item_id)
                continue
            documents.append(document)
        return revoked_keys(documents)


def current_items(database: Database, kind: str) -> list[tuple[str, str, bytes]]:
    """(id, version, bytes) of the items of `kind` in force, the last installed last."""
    with database.read() as session:
        rows = session.execute(
            select(
                ReferenceItemRecord.item_id,
                ReferenceItemRecord.version,
                ReferenceItemRecord.content,
            )
            .where(ReferenceItemRecord.kind == kind, ReferenceItemRecord.current.is_(True))
            .order_by(ReferenceItemRecord.id)
        ).all()
    return [(i, v, c) for i, v, c in rows]


def installed_benchmarks(database: Database) -> list[Distribution]:
    """The distributions of the benchmarks in force (groups of at least 5 only)."""
    out: list[Distribution] = []
    for _id, _version, content in current_items(database, "benchmarks"):
        out += read_document(json.loads(content))
    return out


def installed_sterilisation_table(database: Database) -> CategoryTable | None:
    """The sterilisation category table of the last package installed with one (its
    publisher named), or None."""
    with database.read() as session:
        row = session.execute(
            select(
                ReferenceItemRecord.item_id,
                ReferenceItemRecord.content,
                ReferencePackageRecord.publisher,
            )
            .join(
                ReferencePackageRecord,
                ReferenceItemRecord.package_id == ReferencePackageRecord.id,
            )
            .where(
                ReferenceItemRecord.kind == "sterilisation",
                ReferenceItemRecord.current.is_(True),
            )
            .order_by(ReferenceItemRecord.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    item_id, content, publisher = row
    return category_table(json.loads(content), item_id, origin="package", publisher=publisher)
