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


class OutputError(HospiPerfError):
    """A file the user asked for cannot be written (missing folder, no permission, disk full)."""

    code = "output"

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: cannot be written ({reason})")
        self.path = str(path)
        self.reason = reason


class ConflictError(HospiPerfError):
    """The action does not fit the current state (a locked diagnostic, a file already imported).

    `reason` is a stable code for translation, `params` fill its message.
    """

    code = "conflict"

    def __init__(self, message: str, reason: str = "conflict", **params: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class SourceIssue:
    """One problem in an imported file, where a user can find it: file, line and column."""

    file: str
    line: int | None
    column: str | None
    message: str
    code: str = "invalid"
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    where: str | None = None  # a place inside a structured document, e.g. `$.sites[2].name`

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f", line {self.line}"
        if self.column:
            place += f", column {self.column}"
        if self.where:
            place += f", {self.where}"
        return f"{place}: {self.message}"


class FileImportError(HospiPerfError):
    """An imported file was refused; nothing of it was written."""

    code = "import"

    def __init__(self, issues: list[SourceIssue]) -> None:
        self.issues = tuple(issues)
        shown = [str(i) for i in self.issues[:20]]
        if len(self.issues) > 20:
            shown.append(f"... and {len(self.issues) - 20} more problems")
        super().__init__("\n".join(shown))


class InputFileError(FileImportError):
    """A file the user gave (JSON, table) is refused before use: unreadable, past a limit,
    or not of the expected shape. Its messages are short and never echo raw content."""

    code = "input_file"
