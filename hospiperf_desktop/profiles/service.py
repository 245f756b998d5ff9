"""User profiles and the current one, which the audit trail names as the author of changes."""

from __future__ import annotations

import getpass
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hospiperf_desktop.audit.service import AuditService
from hospiperf_desktop.errors import FieldIssue, NotFoundError, ValidationError
from hospiperf_desktop.profiles.model import Profile, Role
from hospiperf_desktop.storage import models
from hospiperf_desktop.storage.database import Database
from hospiperf_desktop.storage.repositories import ProfileRepository, SettingsRepository

CURRENT_PROFILE_KEY = "current_profile_id"
MAX_PROFILE_NAME = 120


def _to_profile(row: models.UserProfile) -> Profile:
    return Profile(id=row.id, name=row.name, role=row.role, fictitious=row.fictitious)


def _validate(name: str, role: str) -> list[FieldIssue]:
    issues = []
    if not name:
        issues.append(FieldIssue("name", "required", "a name is required"))
    elif len(name) > MAX_PROFILE_NAME:
        issues.append(
            FieldIssue(
                "name",
                "too_long",
                f"at most {MAX_PROFILE_NAME} characters",
                {"max": MAX_PROFILE_NAME},
            )
        )
    if role not in {r.value for r in Role}:
        choices = ", ".join(r.value for r in Role)
        issues.append(FieldIssue("role", "unknown_role", f"must be one of: {choices}"))
    return issues


def system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class ProfileService:
    def __init__(self, database: Database, audit: AuditService) -> None:
        self._db = database
        self._audit = audit

    def list(self) -> list[Profile]:
        with self._db.read() as session:
            return [_to_profile(row) for row in ProfileRepository(session).all()]

    def add(self, name: str, role: str, *, fictitious: bool = False) -> Profile:
        """A new profile; `fictitious` marks a demonstration one (removed with the demo)."""
        name = " ".join(name.split())
        if issues := _validate(name, role):
            raise ValidationError(issues)
        with self._db.write() as session:
            repo = ProfileRepository(session)
            if repo.by_name(name):
                raise ValidationError(
                    [FieldIssue("name", "duplicate", f"profile {name!r} already exists")]
                )
            profile = _to_profile(
                repo.add(
                    models.UserProfile(
                        name=name, role=role, fictitious=fictitious, created_at=datetime.now(UTC)
                    )
                )
            )
            self._audit.record(
                session,
                action="create",
                entity="profile",
                entity_id=str(profile.id),
                after=asdict(profile),
            )
        return profile

    def set_current(self, profile_id: int) -> Profile:
        with self._db.write() as session:
            row = ProfileRepository(session).get(profile_id)
            if row is None:
                raise NotFoundError(f"no profile with id {profile_id}")
            SettingsRepository(session).set(CURRENT_PROFILE_KEY, str(profile_id))
            return _to_profile(row)

    def current(self) -> Profile | None:
        with self._db.read() as session:
            value = SettingsRepository(session).get(CURRENT_PROFILE_KEY)
            row = ProfileRepository(session).get(int(value)) if value else None
            return _to_profile(row) if row else None

    def remove_fictitious(self, session: Session) -> int:
        """Inside the caller's transaction: delete the demonstration profiles, audited.

        When one of them was chosen as current, no profile is current any more (the window
        then asks who is working)."""
        repo, settings = ProfileRepository(session), SettingsRepository(session)
        current = settings.get(CURRENT_PROFILE_KEY)
        removed = [row for row in repo.all() if row.fictitious]
        for row in removed:
            self._audit.record(
                session,
                action="delete",
                entity="profile",
                entity_id=str(row.id),
                before=asdict(_to_profile(row)),
            )
            if current == str(row.id):
                settings.delete(CURRENT_PROFILE_KEY)
            repo.delete(row)
        return len(removed)

    @staticmethod
    def actor_name(session: Session) -> str:
        """How the audit trail names the author: the current profile, else the system login."""
        value = SettingsRepository(session).get(CURRENT_PROFILE_KEY)
        row = ProfileRepository(session).get(int(value)) if value else None
        if row is None:
            return f"{system_user()} (system login)"
        return f"{row.name} ({row.role})"
