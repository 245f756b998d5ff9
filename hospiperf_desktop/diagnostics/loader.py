"""Load and validate questionnaire files into `Template` objects.

Every problem found is reported with the file, the place in the questionnaire (volet, axis,
theme or item id) and the field, all at once, so an author fixes a file in one pass.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hospiperf_desktop.diagnostics.template import (
    Action,
    Axis,
    Delay,
    Difficulty,
    Interest,
    Item,
    Scale,
    Target,
    Template,
    Theme,
    Volet,
)
from hospiperf_desktop.errors import HospiPerfError
from hospiperf_desktop.french import french_sorted
from hospiperf_desktop.paths import resource_path

FORMAT_VERSION = 1
ITEM_ID = re.compile(r"^[A-Z]{1,3}\.\d{2,3}$")
NODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
TEMPLATE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
MIN_ITEMS_PER_THEME = 5

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class TemplateIssue:
    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.field}: {self.message}"


class TemplateError(HospiPerfError):
    code = "template_invalid"

    def __init__(self, issues: Iterable[TemplateIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class _Checker:
    """Reads one parsed file, collecting issues instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[TemplateIssue] = []
        self.item_ids: set[str] = set()

    def issue(self, where: str, field: str, message: str) -> None:
        self.issues.append(TemplateIssue(self.file, where, field, message))

    def text(self, data: dict[str, Any], where: str, key: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.issue(where, key, "must be text")
            return ""
        if required and not value.strip():
            self.issue(where, key, "is required")
        return value.strip()

    def choice(self, data: dict[str, Any], where: str, key: str, enum: type[E], default: E) -> E:
        value = data.get(key, default.value)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.issue(where, key, f"{value!r} is not one of: {allowed}")
            return default

    def node_list(
        self, data: dict[str, Any], where: str, key: str, build: Callable[[Any, str], Any]
    ) -> tuple[Any, ...]:
        values = data.get(key)
        if not isinstance(values, list) or not values:
            self.issue(where, key, "must be a non-empty list")
            return ()
        built = []
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                self.issue(f"{where} > {key}[{index}]", key, "must be an object")
                continue
            built.append(build(value, f"{where} > {key}[{index}]"))
        return tuple(built)

    def node_id(self, data: dict[str, Any], where: str, seen: set[str]) -> str:
        value = self.text(data, where, "id")
        if value and not NODE_ID.match(value):
            self.issue(where, "id", f"{value!r} must be letters, digits, '.', '_' or '-'")
        elif value in seen:
            self.issue(where, "id", f"{value!r} is used twice")
        seen.add(value)
        return value

    def action(self, data: dict[str, Any], where: str) -> Action:
        return Action(
            text=self.text(data, where, "text"),
            interest=self.choice(data, where, "interest", Interest, Interest.MEDIUM),
            difficulty=self.choice(data, where, "difficulty", Difficulty, Difficulty.MEDIUM),
            delay=self.choice(data, where, "delay", Delay, Delay.MEDIUM),
            indicator=self.text(data, where, "indicator"),
            who=self.text(data, where, "who", required=False),
        )

    def item(self, data: dict[str, Any], where: str) -> Item:
        item_id = self.text(data, where, "id")
        if item_id:
            where = f"item {item_id}"
            if not ITEM_ID.match(item_id):
                self.issue(where, "id", "must look like 'A.01' (letters, a dot, 2-3 digits)")
            if item_id in self.item_ids:
                self.issue(where, "id", "is used twice")
            self.item_ids.add(item_id)
        weight = data.get("weight", 1)
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)  # JSON readers accept NaN and Infinity
            or weight <= 0
        ):
            self.issue(where, "weight", f"{weight!r} must be a number above 0")
            weight = 1
        critical = data.get("critical", False)
        if not isinstance(critical, bool):
            self.issue(where, "critical", "must be true or false")
        na_allowed = data.get("na_allowed", True)
        if not isinstance(na_allowed, bool):
            self.issue(where, "na_allowed", "must be true or false")
        return Item(
            id=item_id,
            text=self.text(data, where, "text"),
            help=self.text(data, where, "help", required=False),
            weight=float(weight),
            critical=critical is True,
            scale=self.choice(data, where, "scale", Scale, Scale.GRADED),
            na_allowed=na_allowed is not False,
            actions=self.node_list(data, where, "actions", self.action),
        )

    def theme(self, data: dict[str, Any], where: str, seen: set[str]) -> Theme:
        theme_id = self.node_id(data, where, seen)
        where = f"theme {theme_id or where}"
        items = self.node_list(data, where, "items", self.item)
        if 0 < len(items) < MIN_ITEMS_PER_THEME:
            self.issue(where, "items", f"has {len(items)} items, at least {MIN_ITEMS_PER_THEME}")
        return Theme(theme_id, self.text(data, where, "label"), items)

    def axis(self, data: dict[str, Any], where: str, seen: set[str]) -> Axis:
        axis_id = self.node_id(data, where, seen)
        where = f"axis {axis_id or where}"
        themes = self.node_list(data, where, "themes", lambda d, w: self.theme(d, w, seen))
        return Axis(axis_id, self.text(data, where, "label"), themes)

    def volet(self, data: dict[str, Any], where: str, seen: set[str]) -> Volet:
        volet_id = self.node_id(data, where, seen)
        where = f"volet {volet_id or where}"
        axes = self.node_list(data, where, "axes", lambda d, w: self.axis(d, w, seen))
        return Volet(volet_id, self.text(data, where, "label"), axes)

    def template(self, data: Any, sha256: str) -> Template:
        if not isinstance(data, dict):
            self.issue("file", "", "must hold one JSON object")
            data = {}
        where = "questionnaire"
        if data.get("format") != FORMAT_VERSION:
            self.issue(where, "format", f"must be {FORMAT_VERSION}")
        template_id = self.text(data, where, "id")
        if template_id and not TEMPLATE_ID.match(template_id):
            self.issue(where, "id", "must be lower-case words joined by '-'")
        version = self.text(data, where, "version")
        if version and not VERSION.match(version):
            self.issue(where, "version", "must look like '2.0' or '2.0.1'")
        seen: set[str] = set()
        overseas = data.get("overseas", False)
        if not isinstance(overseas, bool):
            self.issue(where, "overseas", "must be true or false")
        return Template(
            id=template_id,
            version=version,
            title=self.text(data, where, "title"),
            target=self.choice(data, where, "target", Target, Target.PUI),
            family=self.text(data, where, "family"),
            description=self.text(data, where, "description"),
            structure_note=self.text(data, where, "structure_note", required=False),
            volets=self.node_list(data, where, "volets", lambda d, w: self.volet(d, w, seen)),
            overseas=overseas is True,
            sha256=sha256,
        )


def parse_template(content: bytes, file: str) -> Template:
    """Validate `content` (one questionnaire file) and build its template."""
    from hospiperf_desktop.errors import InputFileError
    from hospiperf_desktop.jsonfiles import MAX_JSON_BYTES, load_json_text

    checker = _Checker(file)
    try:
        if len(content) > MAX_JSON_BYTES:
            raise TemplateError(
                [TemplateIssue(file, "file", "", f"larger than {MAX_JSON_BYTES:,} bytes")]
            )
        data = load_json_text(content.decode("utf-8"), file, "questionnaire")
    except UnicodeDecodeError as err:
        raise TemplateError([TemplateIssue(file, "file", "", f"not UTF-8 ({err.reason})")]) from err
    except InputFileError as err:
        issues = [
            TemplateIssue(
                file,
                "file",
                issue.where or "",
                issue.message
                + (f" (line {issue.line}, column {issue.column})" if issue.line else ""),
            )
            for issue in err.issues
        ]
        raise TemplateError(issues) from err
    template = checker.template(data, hashlib.sha256(content).hexdigest())
    if checker.issues:
        raise TemplateError(checker.issues)
    return template


def load_template_file(path: Path) -> Template:
    return parse_template(path.read_bytes(), path.name)


class TemplateCatalog(Protocol):
    """What a diagnostic service needs of a questionnaire library (shipped or with installed)."""

    def templates(self) -> tuple[Template, ...]: ...

    def get(self, template_id: str) -> Template | None: ...

    def source(self, template_id: str) -> bytes: ...


class TemplateLibrary:
    """The questionnaires of one folder, loaded and validated once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, tuple[Template, bytes]] | None = None

    def _all(self) -> dict[str, tuple[Template, bytes]]:
        if self._loaded is None:
            loaded: dict[str, tuple[Template, bytes]] = {}
            for path in sorted(self.folder.glob("*.json")):
                content = path.read_bytes()
                template = parse_template(content, path.name)
                if template.id in loaded:
                    issue = TemplateIssue(path.name, "questionnaire", "id", "shipped twice")
                    raise TemplateError([issue])
                loaded[template.id] = (template, content)
            self._loaded = loaded
        return self._loaded

    def templates(self) -> tuple[Template, ...]:
        """Every questionnaire of the folder, sorted by title."""
        templates = (template for template, _ in self._all().values())
        return tuple(french_sorted(templates, key=lambda t: t.title))

    def get(self, template_id: str) -> Template | None:
        found = self._all().get(template_id)
        return found[0] if found else None

    def source(self, template_id: str) -> bytes:
        """The exact bytes of the file of `template_id` (copied into the database)."""
        return self._all()[template_id][1]


@cache
def shipped_library() -> TemplateLibrary:
    """The questionnaires shipped in `resources/questionnaires/`."""
    return TemplateLibrary(resource_path("questionnaires"))


def main(argv: list[str] | None = None) -> int:
    """`python -m hospiperf_desktop.diagnostics.loader FILE...`: check questionnaire files."""
    import sys

    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    status = 0
    for path in paths:
        try:
            template = load_template_file(path)
        except TemplateError as err:
            print(err)
            status = 1
            continue
        themes = template.themes
        print(
            f"{path.name}: OK — {template.key}, {len(template.axes)} axes, {len(themes)} themes,"
            f" {len(template.items)} items, {sum(len(i.actions) for i in template.items)} actions"
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
