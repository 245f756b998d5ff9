"""Errors the core raises for users to read. Each carries a stable code for translation."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


class HospiPerfError(Exception):
    """An error a user can act on; `str(err)` is a one-line English message."""

    code = "error"


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one input field: `code` identifies it, `params` fill its message."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)


class ValidationError(HospiPerfError):
    code = "validation"

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in issues))

    def for_field(self, name: str) -> list[FieldIssue]:
        return [i for i in self.issues if i.field == name]


class NotFoundError(HospiPerfError):
    code = "not_found"


class DatabaseError(HospiPerfError):
    """The database cannot be opened or upgraded."""

    code = "database"
