"""The questionnaire library: shipped questionnaires plus the ones users install.

Installed questionnaires (from a workbook, `workbook.py`, or from a reference package) are
kept in the database, table `installed_questionnaires`, as their exact JSON bytes, so a
backup or a move to a new computer carries them. The rules a quality officer can rely on:

- an installed version is never replaced: installing the same id and version again with the
  same bytes changes nothing, with other bytes it is refused (give it a new version);
- a new version must be higher than every version of that id already installed;
- the ids of the shipped questionnaires are reserved: the application updates them itself,
  so an adaptation of a shipped questionnaire is installed under an id of its own
  (e.g. `conciliation-medicamenteuse-ght-nord`); this keeps "which text did we answer?"
  unambiguous when the application ships a new version;
- retiring a version hides it from the list offered for new diagnostics; it stays in the
  database and the diagnostics answered on it keep their pinned copy (`template_snapshots`);
- a version can be removed only while no diagnostic uses it.

For each id the new-diagnostic list offers the shipped questionnaire, or else the highest
installed version that is not retired.
"""

from __future__ import annotations

import builtins
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.diagnostics.loader import TemplateLibrary, parse_template
from hospiperf_desktop.diagnostics.template import Target, Template
from hospiperf_desktop.errors import ConflictError, FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.french import french_sorted
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database

ENTITY = "questionnaire"
ORIGIN_SHIPPED = "shipped"
ORIGIN_WORKBOOK = "workbook"
ORIGIN_PACKAGE = "package"
INSTALL_ORIGINS = (ORIGIN_WORKBOOK, ORIGIN_PACKAGE)
MAX_ORIGIN_SOURCE = 300


def version_key(version: str) -> tuple[int, int, int]:
    """`"2.1"` → (2, 1, 0): versions compare as numbers, "2.10" above "2.9"."""
    parts = [int(part) for part in version.split(".")]
    parts += [0] * (3 - len(parts))
    return (parts[0], parts[1], parts[2])


@dataclass(frozen=True)
class QuestionnaireVersion:
    """One version of a questionnaire as the library screen lists it."""

    template_id: str
    version: str
    title: str
    target: Target
    family: str
    item_count: int
    sha256: str
    origin_kind: str  # shipped | workbook | package
    origin_source: str  # the file name or package id it came from ("" when shipped)
    installed_at: datetime | None
    installed_by: str
    retired: bool
    offered: bool  # the version a new diagnostic of this id is created on
    diagnostics: int  # diagnostics answered on this version

    @property
    def key(self) -> str:
        return f"{self.template_id}@{self.version}"


@dataclass(frozen=True)
class QuestionnaireEntry:
    """A questionnaire id with all its known versions, oldest first."""

    template_id: str
    shipped: bool
    versions: tuple[QuestionnaireVersion, ...]

    @property
    def latest(self) -> QuestionnaireVersion:
        return self.versions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def diagnostics(self) -> int:
        return sum(version.diagnostics for version in self.versions)


@dataclass(frozen=True)
class InstallIssue:
    """Why a questionnaire cannot be installed; `field` is "id" or "version"."""

    field: str
    code: str
    message: str
    highest: str = ""  # the highest installed version, for "not higher"


@dataclass(frozen=True)
class _Row:
    template_id: str
    version: str
    sha256: str
    origin_kind: str
    origin_source: str
    installed_by: str
    installed_at: datetime
    retired: bool


def _now() -> datetime:
    return datetime.now(UTC)


class QuestionnaireLibrary:
    """Shipped and installed questionnaires; the catalogue `DiagnosticService` offers."""

    def __init__(self, database: Database, audit: AuditService, shipped: TemplateLibrary) -> None:
        self._db = database
        self._audit = audit
        self._shipped = shipped
        self._parsed: dict[str, Template] = {}  # by SHA-256 of the file

    # The catalogue used for new diagnostics ---------------------------------------------

    def templates(self) -> tuple[Template, ...]:
        """The questionnaires offered for a new diagnostic, sorted by title."""
        with self._db.read() as session:
            offered = [*self._shipped.templates(), *self._offered_installed(session).values()]
        return tuple(french_sorted(offered, key=lambda t: t.title))

    def get(self, template_id: str) -> Template | None:
        """The version of `template_id` offered for a new diagnostic, if any."""
        shipped = self._shipped.get(template_id)
        if shipped is not None:
            return shipped
        with self._db.read() as session:
            return self._offered_installed(session).get(template_id)

    def source(self, template_id: str) -> bytes:
        """The exact file of the offered version of `template_id`."""
        template = self.get(template_id)
        if template is None:
            raise NotFoundError(f"no questionnaire {template_id!r}")
        return self.version_source(template_id, template.version)

    def is_shipped(self, template_id: str) -> bool:
        return self._shipped.get(template_id) is not None

    # Any version, for export and comparison ---------------------------------------------

    def version_source(self, template_id: str, version: str | None = None) -> bytes:
        """The exact file of one version (the offered or latest one when `version` is None).

        Shipped questionnaires, installed ones and older versions kept only as a
        diagnostic's pinned copy are all found.
        """
        shipped = self._shipped.get(template_id)
        if shipped is not None and version in (None, shipped.version):
            return self._shipped.source(template_id)
        with self._db.read() as session:
            query = select(models.InstalledQuestionnaire).filter_by(template_id=template_id)
            rows = list(session.scalars(query))
            if version is None and rows:
                live = [row for row in rows if not row.retired] or rows
                return max(live, key=lambda row: version_key(row.version)).content
            for row in rows:
                if row.version == version:
                    return row.content
            snapshot_query = select(models.TemplateSnapshot.content).filter_by(
                template_id=template_id, version=version
            )
            content = session.scalars(snapshot_query.order_by(models.TemplateSnapshot.id)).first()
            if content is not None:
                return content
        wanted = f"{template_id}@{version}" if version else template_id
        raise NotFoundError(f"no questionnaire {wanted!r}")

    def version_template(self, template_id: str, version: str | None = None) -> Template:
        content = self.version_source(template_id, version)
        return self._parse(content, f"{template_id}@{version or 'latest'}")

    # Listing ----------------------------------------------------------------------------

    def list(self) -> tuple[QuestionnaireEntry, ...]:
        """Every questionnaire id with its versions, origin and use, sorted by title."""
        with self._db.read() as session:
            rows = self._rows(session)
            used = self._use_counts(session)
            offered = {t.id: t.version for t in self._offered_installed(session).values()}
            versions: dict[str, builtins.list[QuestionnaireVersion]] = {}
            for shipped in self._shipped.templates():
                offered[shipped.id] = shipped.version
                versions[shipped.id] = [
                    _version(shipped, ORIGIN_SHIPPED, "", None, "", False, True, used)
                ]
                # older shipped versions live on as the pinned copy of their diagnostics
                for (template_id, version), _count in used.items():
                    if template_id == shipped.id and version != shipped.version:
                        old = self._snapshot_template(session, template_id, version)
                        versions[shipped.id].append(
                            _version(old, ORIGIN_SHIPPED, "", None, "", True, False, used)
                        )
            for row, content in rows:
                template = self._cached_or_parse(row, content)
                is_offered = offered.get(row.template_id) == row.version and not (
                    self.is_shipped(row.template_id)
                )
                versions.setdefault(row.template_id, []).append(
                    _version(
                        template,
                        row.origin_kind,
                        row.origin_source,
                        row.installed_at,
                        row.installed_by,
                        row.retired,
                        is_offered,
                        used,
                    )
                )
        entries = [
            QuestionnaireEntry(
                template_id,
                self.is_shipped(template_id),
                tuple(sorted(found, key=lambda v: version_key(v.version))),
            )
            for template_id, found in versions.items()
        ]
        return tuple(french_sorted(entries, key=lambda e: e.title))

    # Installing -------------------------------------------------------------------------

    def install_issues(
        self, template_id: str, version: str, sha256: str
    ) -> builtins.list[InstallIssue]:
        """What would stop a file (id, version, SHA-256) from being installed ([]: nothing)."""
        with self._db.read() as session:
            return self._install_issues(session, template_id, version, sha256)

    def install(self, content: bytes, origin_kind: str, origin_source: str) -> Template:
        """Install one questionnaire file; returns its template.

        Raises `TemplateError` for a file that is not a valid questionnaire and
        `ConflictError` for one the rules above refuse. Installing a version already
        installed with the very same bytes changes nothing.
        """
        if origin_kind not in INSTALL_ORIGINS:
            raise ValidationError(
                [FieldIssue("origin_kind", "unknown_origin", f"{origin_kind!r} is not an origin")]
            )
        origin_source = origin_source.strip()[:MAX_ORIGIN_SOURCE]
        template = parse_template(content, origin_source or "questionnaire")
        with self._db.write() as session:
            existing = session.scalar(
                select(models.InstalledQuestionnaire).filter_by(
                    template_id=template.id, version=template.version
                )
            )
            if existing is not None and existing.sha256 == template.sha256:
                return template
            issues = self._install_issues(session, template.id, template.version, template.sha256)
            if issues:
                first = issues[0]
                raise ConflictError(
                    first.message, first.code, template=template.id, version=template.version
                )
            row = models.InstalledQuestionnaire(
                template_id=template.id,
                version=template.version,
                content=content,
                sha256=template.sha256,
                origin_kind=origin_kind,
                origin_source=origin_source,
                installed_by=self._audit.actor(session),
                installed_at=_now(),
                retired=False,
            )
            session.add(row)
            session.flush()
            self._log(
                session,
                "install",
                template.key,
                {"origin": origin_kind, "source": origin_source, "sha256": template.sha256},
            )
        self._parsed[template.sha256] = template
        return template

    def retire(self, template_id: str, version: str, retired: bool = True) -> None:
        """Hide (or show again) an installed version in the new-diagnostic list."""
        with self._db.write() as session:
            row = self._installed_row(session, template_id, version)
            if row.retired != retired:
                row.retired = retired
                action = "retire" if retired else "restore"
                self._log(session, action, f"{template_id}@{version}", {"retired": retired})

    def remove(self, template_id: str, version: str) -> None:
        """Delete an installed version that no diagnostic uses (else: refused, retire it)."""
        with self._db.write() as session:
            row = self._installed_row(session, template_id, version)
            used = self._use_counts(session).get((template_id, version), 0)
            if used:
                raise ConflictError(
                    f"{template_id}@{version} is used by {used} diagnostic(s); retire it instead",
                    "questionnaire_in_use",
                    template=template_id,
                    version=version,
                    count=used,
                )
            self._log(session, "remove", f"{template_id}@{version}", {"sha256": row.sha256})
            session.delete(row)

    # Workbooks (diagnostics/workbook.py) -------------------------------------------------

    def check_workbook(self, path: Path) -> tuple[dict[str, Any], Template]:
        """Every problem of a questionnaire workbook, the library's refusals included.

        Raises `WorkbookError` (all problems, in French, with sheet, line and column)."""
        from hospiperf_desktop.diagnostics.workbook import read_workbook, to_json_bytes

        def refusals(document: dict[str, Any]) -> builtins.list[tuple[str, str]]:
            digest = hashlib.sha256(to_json_bytes(document)).hexdigest()
            issues = self.install_issues(document["id"], document["version"], digest)
            return [(issue.field, _french(issue, document)) for issue in issues]

        return read_workbook(path, refusals)

    def install_workbook(self, path: Path) -> Template:
        """Check a workbook, then install its questionnaire; nothing is installed on error."""
        from hospiperf_desktop.diagnostics.workbook import to_json_bytes

        document, _template = self.check_workbook(path)
        return self.install(to_json_bytes(document), ORIGIN_WORKBOOK, path.name)

    def export_workbook(self, template_id: str, version: str | None, path: Path) -> Template:
        """Write one version (the offered or latest one by default) as a workbook."""
        from hospiperf_desktop.diagnostics.workbook import template_to_workbook

        template = self.version_template(template_id, version)
        template_to_workbook(template, path)
        return template

    # Helpers ----------------------------------------------------------------------------

    def _install_issues(
        self, session: Session, template_id: str, version_wanted: str, sha256: str
    ) -> builtins.list[InstallIssue]:
        issues = []
        if self.is_shipped(template_id):
            issues.append(
                InstallIssue(
                    "id",
                    "questionnaire_shipped_id",
                    f"{template_id!r} is the id of a questionnaire shipped with the application;"
                    " give your questionnaire an id of its own",
                )
            )
        rows = session.execute(
            select(
                models.InstalledQuestionnaire.version, models.InstalledQuestionnaire.sha256
            ).filter_by(template_id=template_id)
        ).all()
        same = [sha for version, sha in rows if version == version_wanted]
        if same and same[0] != sha256:
            issues.append(
                InstallIssue(
                    "version",
                    "questionnaire_version_exists",
                    f"version {version_wanted} of {template_id} is already installed with"
                    " other content; an installed version is never replaced: raise the version",
                )
            )
        elif not same and rows:
            highest = max((version for version, _ in rows), key=version_key)
            if version_key(version_wanted) <= version_key(highest):
                issues.append(
                    InstallIssue(
                        "version",
                        "questionnaire_version_not_higher",
                        f"version {version_wanted} of {template_id} is not above the installed"
                        f" version {highest}",
                        highest,
                    )
                )
        return issues

    def _installed_row(
        self, session: Session, template_id: str, version: str
    ) -> models.InstalledQuestionnaire:
        row = session.scalar(
            select(models.InstalledQuestionnaire).filter_by(
                template_id=template_id, version=version
            )
        )
        if row is None:
            if self.is_shipped(template_id):
                raise ConflictError(
                    f"{template_id} is shipped with the application and cannot be retired",
                    "questionnaire_shipped",
                    template=template_id,
                )
            raise NotFoundError(f"no installed questionnaire {template_id}@{version}")
        return row

    def _rows(self, session: Session) -> builtins.list[tuple[_Row, bytes]]:
        table = models.InstalledQuestionnaire
        query = select(
            table.template_id,
            table.version,
            table.sha256,
            table.origin_kind,
            table.origin_source,
            table.installed_by,
            table.installed_at,
            table.retired,
        ).order_by(table.id)
        rows = [_Row(*values) for values in session.execute(query)]
        missing = [row.sha256 for row in rows if row.sha256 not in self._parsed]
        contents: dict[str, bytes] = {}
        if missing:
            found = session.execute(
                select(table.sha256, table.content).where(table.sha256.in_(missing))
            )
            contents = {sha: content for sha, content in found}
        return [(row, contents.get(row.sha256, b"")) for row in rows]

    def _parse(self, content: bytes, name: str) -> Template:
        digest = hashlib.sha256(content).hexdigest()
        if digest not in self._parsed:
            self._parsed[digest] = parse_template(content, name)
        return self._parsed[digest]

    def _cached_or_parse(self, row: _Row, content: bytes) -> Template:
        if row.sha256 in self._parsed:
            return self._parsed[row.sha256]
        return self._parse(content, f"{row.template_id}@{row.version} (installed copy)")

    def _offered_installed(self, session: Session) -> dict[str, Template]:
        best: dict[str, tuple[_Row, bytes]] = {}
        for row, content in self._rows(session):
            if row.retired or self.is_shipped(row.template_id):
                continue
            current = best.get(row.template_id)
            if current is None or version_key(row.version) > version_key(current[0].version):
                best[row.template_id] = (row, content)
        return {tid: self._cached_or_parse(row, content) for tid, (row, content) in best.items()}

    def _snapshot_template(self, session: Session, template_id: str, version: str) -> Template:
        query = select(models.TemplateSnapshot.content).filter_by(
            template_id=template_id, version=version
        )
        content = session.scalars(query.order_by(models.TemplateSnapshot.id)).first()
        assert content is not None
        return self._parse(content, f"{template_id}@{version} (stored copy)")

    @staticmethod
    def _use_counts(session: Session) -> dict[tuple[str, str], int]:
        snapshot = models.TemplateSnapshot
        query = (
            select(snapshot.template_id, snapshot.version, func.count(models.Diagnostic.id))
            .join(models.Diagnostic, models.Diagnostic.snapshot_id == snapshot.id)
            .group_by(snapshot.template_id, snapshot.version)
        )
        return {(tid, version): count for tid, version, count in session.execute(query)}

    def _log(self, session: Session, action: str, key: str, after: dict[str, object]) -> None:
        self._audit.record(session, action=action, entity=ENTITY, entity_id=key, after=after)


def _version(
    template: Template,
    origin_kind: str,
    origin_source: str,
    installed_at: datetime | None,
    installed_by: str,
    retired: bool,
    offered: bool,
    used: dict[tuple[str, str], int],
) -> QuestionnaireVersion:
    return QuestionnaireVersion(
        template_id=template.id,
        version=template.version,
        title=template.title,
        target=template.target,
        family=template.family,
        item_count=len(template.items),
        sha256=template.sha256,
        origin_kind=origin_kind,
        origin_source=origin_source,
        installed_at=installed_at,
        installed_by=installed_by,
        retired=retired,
        offered=offered,
        diagnostics=used.get((template.id, template.version), 0),
    )


def _french(issue: InstallIssue, document: dict[str, Any]) -> str:
    """The French message of a library refusal, for the workbook check."""
    template_id, version = document["id"], document["version"]
    if issue.code == "questionnaire_shipped_id":
        return (
            f"« {template_id} » est l'identifiant d'un questionnaire livré avec l'application :"
            " donnez à votre questionnaire un identifiant qui lui est propre"
        )
    if issue.code == "questionnaire_version_exists":
        return (
            f"la version {version} de {template_id} est déjà installée avec un autre contenu ;"
            " une version installée n'est jamais remplacée : augmentez la version"
        )
    return (
        f"la version {version} n'est pas au-dessus de la version {issue.highest} déjà installée"
        f" de {template_id}"
    )
