"""One bounded loader for every JSON document a user can give the application.

Calculator inputs, stock mappings, trusted keys, questionnaires and bundle payloads all come
through here, so that each of them is refused the same way, before use, with a short message:

- a size limit, checked before the file is read;
- a nesting-depth limit, checked by counting brackets outside strings (no recursion), before
  `json.loads` could exhaust the interpreter's stack;
- numbers must be finite: `NaN`, `Infinity` and overflowing literals such as `1e999` are refused;
- a key given twice in one object is refused (the second would silently win);
- text must not carry NUL or other control characters (tab, line feed and carriage return
  excepted);
- optionally, a JSON Schema from `resources/schemas/<name>.schema.json`; each problem names its
  place in the document: `inputs.json, $.scenarios[0].sites[2].distance_km: …`.

Messages never echo the document's raw content: values are shortened and their control
characters escaped. The limits and their reasons are in docs/limits.md.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from hospiperf_desktop.errors import InputFileError, SourceIssue
from hospiperf_desktop.paths import resource_path

MAX_JSON_BYTES = 16 * 1024 * 1024
"""The largest JSON file read (16 MiB); the biggest shipped questionnaire is about 110 KB."""

MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects; real documents go about 8 levels deep."""

MAX_SCHEMA_ISSUES = 5
"""Schema problems listed in one message; the rest are counted, so a message stays short."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_PATH = 160
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class _Refused(ValueError):
    """Raised inside `json.loads` hooks; carries the reason out."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def refuse(source: str, message: str, code: str, where: str | None = None) -> InputFileError:
    return InputFileError([SourceIssue(source, None, None, message, code, where=where)])


def shown(value: object, limit: int = 40) -> str:
    """A value for a message: shortened, with control characters escaped, never raw content."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else _CONTROL.sub("?", text)


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text, ignoring brackets inside strings.

    A linear scan with no recursion, so that a hostile `[[[[…` cannot exhaust the stack.
    """
    without_strings = _STRING.sub('""', text)
    steps = (_STEP[m.group()] for m in _BRACKET.finditer(without_strings))
    return max(itertools.accumulate(steps, initial=0))


def _decode(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise refuse(source, "the file is empty", "empty_file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:4]):
        try:
            return raw.decode(json.detect_encoding(raw))
        except (UnicodeDecodeError, LookupError):
            raise refuse(source, "not a text file (binary content)", "encoding") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise refuse(
            source, f"not UTF-8 text (byte {err.start + 1}); save it as UTF-8", "encoding"
        ) from None


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a number JSON allows", "not_finite")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(f"the number {shown(literal)} is too large", "not_finite")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"the key {shown(key)} appears twice in one object", "duplicate_key")
        result[key] = value
    return result


def _walk(data: Any) -> Iterator[tuple[str, Any]]:
    """Every (path, value) of a document, depth first, with an explicit stack."""
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                yield _child(path, key), key
                stack.append((_child(path, key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))


def _child(path: str, key: str) -> str:
    """`$.a` for a plain key, `$['a b']` otherwise; long paths keep their end (messages < 1 KB)."""
    step = f".{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", key) else f"[{shown(key)}]"
    whole = path + step
    return whole if len(whole) <= _MAX_PATH else "$…" + whole[-(_MAX_PATH - 2) :]


def _check_text(data: Any, source: str) -> None:
    for path, value in _walk(data):
        if isinstance(value, str) and _CONTROL.search(value):
            raise refuse(
                source,
                "text holds a NUL or another control character; remove it",
                "control_character",
                where=path,
            )


def parse_json(text: str, source: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The document in `text`, refused (InputFileError) unless it keeps to the rules above."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise refuse(
            source,
            f"nested {depth} levels deep; the limit is {max_depth} (see docs/limits.md)",
            "too_deep",
        )
    try:
        data = json.loads(
            text,
            parse_constant=_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except _Refused as err:
        raise refuse(source, str(err), err.code) from None
    except json.JSONDecodeError as err:
        raise InputFileError(
            [SourceIssue(source, err.lineno, str(err.colno), f"invalid JSON: {err.msg}", "json")]
        ) from None
    except (ValueError, RecursionError) as err:  # ints past 4300 digits; a last resort
        reason = "nested too deeply" if isinstance(err, RecursionError) else "a number too long"
        raise refuse(source, f"not usable JSON: {reason}", "json") from None
    _check_text(data, source)
    return data


def load_json_text(
    text: str,
    source_name: str,
    schema_name: str | None = None,
    *,
    max_depth: int = MAX_JSON_DEPTH,
) -> Any:
    """Parse `text` (named `source_name` in messages) and check it against a shipped schema."""
    data = parse_json(text, source_name, max_depth=max_depth)
    if schema_name is not None:
        check_schema(data, schema_name, source_name)
    return data


def load_json_file(
    path: Path,
    schema_name: str | None = None,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> Any:
    """Read, parse and check one JSON file; every refusal is an `InputFileError`."""
    raw = read_bounded(path, max_bytes)
    return load_json_text(_decode(raw, path.name), path.name, schema_name, max_depth=max_depth)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, refused before reading when larger than `max_bytes`."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refuse(path.name, "not a file", "file_not_found")
        if size > max_bytes:
            raise refuse(
                path.name,
                f"the file holds {size:,} bytes; the limit is {max_bytes:,} (see docs/limits.md)",
                "too_large",
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise refuse(path.name, "file not found", "file_not_found") from None
    except OSError as err:
        raise refuse(path.name, f"cannot be read ({err.strerror or err})", "unreadable") from None
    if len(raw) > max_bytes:  # the file grew while we read it
        raise refuse(path.name, f"the file is larger than {max_bytes:,} bytes", "too_large")
    return raw


@cache
def _validator(schema_name: str) -> Any:
    from jsonschema import Draft202012Validator

    path = resource_path("schemas", f"{schema_name}.schema.json")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_schema(data: Any, schema_name: str, source: str) -> None:
    """Refuse `data` unless it matches `resources/schemas/<schema_name>.schema.json`."""
    errors = sorted(
        _validator(schema_name).iter_errors(data), key=lambda e: (list(e.absolute_path), e.message)
    )
    if not errors:
        return
    issues = [
        SourceIssue(source, None, None, _schema_message(e), "schema", where=_json_path(e))
        for e in errors[:MAX_SCHEMA_ISSUES]
    ]
    if len(errors) > MAX_SCHEMA_ISSUES:
        more = len(errors) - MAX_SCHEMA_ISSUES
        issues.append(SourceIssue(source, None, None, f"and {more} more problems", "schema"))
    raise InputFileError(issues)


def _json_path(error: Any) -> str:
    path = "$"
    for part in error.absolute_path:
        path = f"{path}[{part}]" if isinstance(part, int) else _child(path, str(part))
        if len(path) > _MAX_PATH:
            path = "$…" + path[-(_MAX_PATH - 2) :]
    return path


_TYPES = {
    "object": "an object",
    "array": "a list",
    "string": "a text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


def _schema_message(error: Any) -> str:
    """A short English sentence for one schema error, without echoing long user content."""
    expected = error.validator_value
    keyword = error.validator
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        names = [_TYPES.get(str(k), str(k)) for k in kinds]
        return "expected " + (", ".join(names[:-1]) + " or " if names[:-1] else "") + names[-1]
    if keyword == "required":
        missing = [
            k for k in expected if isinstance(error.instance, dict) and k not in error.instance
        ]
        return f"missing key {shown(missing[0]) if missing else ''}".strip()
    if keyword == "additionalProperties":
        extra = re.findall(r"'([^']*)'", error.message)
        return f"unknown key {shown(extra[0]) if extra else ''}".strip()
    if keyword in ("enum", "const"):
        choices = expected if isinstance(expected, list) else [expected]
        return "expected one of " + ", ".join(shown(c, 20) for c in choices[:8])
    messages = {
        "minimum": f"must be at least {expected}",
        "exclusiveMinimum": f"must be more than {expected}",
        "maximum": f"must be at most {expected}",
        "exclusiveMaximum": f"must be less than {expected}",
        "minLength": f"must hold at least {_count(expected, 'character')}",
        "maxLength": f"must hold at most {_count(expected, 'character')}",
        "minItems": f"must list at least {_count(expected, 'item')}",
        "maxItems": f"must list at most {_count(expected, 'item')}",
        "pattern": "has not the expected form",
        "minProperties": f"must hold at least {_count(expected, 'key')}",
        "maxProperties": f"must hold at most {_count(expected, 'key')}",
    }
    return messages.get(keyword, f"does not match the expected form ({keyword})")


def _count(number: Any, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
