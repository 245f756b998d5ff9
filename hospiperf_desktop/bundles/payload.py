"""Reading the machine-readable payload of a verified bundle, checked before any use.

Every JSON document the ARS reads is parsed with bounded depth, refused when it holds NaN or
infinity, and validated against its schema in `resources/schemas/bundle-*.schema.json`; a
refusal names the file and the path inside the document (`data/diagnostics.json, at
/0/axes/2/score: ...`). The names of the per-year files must parse, and the FINESS, period
and modules the documents state must agree with the signed `bag-info.txt`. Nothing here
writes anything: the consolidation calls `read_payload` before opening its transaction.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from hospiperf_desktop.bundles.keys import PublicKey
from hospiperf_desktop.bundles.verify import BundleRejected, Limits, VerifiedBundle, verify_bundle
from hospiperf_desktop.establishments.finess import check_finess
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.safe_cells import CONTROL_IN_TEXT

MAX_JSON_DEPTH = 32  # the payload documents nest 4 levels deep; 32 leaves room to grow
MAX_MESSAGE = 300  # characters of a refusal message taken from the document

SUMMARY = "data/bundle.json"
ESTABLISHMENT = "data/establishment.json"
DIAGNOSTICS = "data/diagnostics.json"
STOCK = "data/stock/indicators.json"
SCENARIOS = "data/calculators/scenarios.json"
CHECKS = "data/checks.json"  # from format hospiperf-bundle/2 on
_PER_YEAR = re.compile(r"^data/activity/(activity|work-units)-(.*)\.json$")
_YEAR = re.compile(r"^[0-9]{4}$")

# The schema of each document, and the module the document belongs to (None: always there).
_DOCUMENTS: dict[str, tuple[str, str | None]] = {
    SUMMARY: ("bundle-summary", None),
    ESTABLISHMENT: ("bundle-establishment", None),
    DIAGNOSTICS: ("bundle-diagnostics", "diagnostics"),
    STOCK: ("bundle-stock", "stock"),
    SCENARIOS: ("bundle-scenarios", "calculators"),
}


@dataclass(frozen=True)
class Payload:
    """The documents the consolidation stores, validated; absent modules are empty."""

    modules: tuple[str, ...]
    establishment: dict[str, Any]
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    work_units: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    stock: dict[str, Any] | None = None
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[int, dict[str, Any]] = field(default_factory=dict)  # year → measure → entry
    checks: dict[str, Any] | None = None  # data/checks.json; None in a /1 bundle


def _refuse(name: str, detail: str, reason: str = "bad_payload") -> BundleRejected:
    return BundleRejected(reason, f"{name}: {_clean(detail)}")


def _clean(text: str) -> str:
    """One short line: no control characters, at most MAX_MESSAGE characters."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…"


# --- bounded JSON -----------------------------------------------------------------------
# PRIVATE STAND-IN, to be replaced at merge by the shared bounded loader
# `hospiperf_desktop.jsonfiles.load_json_text` (helper 5): same rules — depth checked without
# recursion before json.loads, NaN/Infinity refused — then jsonschema validation.

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
# Control characters (tab, line feed, carriage return aside) and lone surrogates (a JSON
# "\ud800" escape decodes to one; no database or workbook can store it).
_CONTROL = CONTROL_IN_TEXT
_BAD_CHARACTER = "a control character or a lone surrogate"
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


def _depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects, counted without recursion."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _not_finite(constant: str) -> Any:
    raise ValueError(f"{constant} is not a number a bundle may carry")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal[:20]} overflows: not a number a bundle may carry")
    return value


def bounded_json(name: str, raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse one JSON document of a bundle, or refuse it naming `name`."""
    if _depth(raw) > max_depth:
        raise _refuse(name, f"nested deeper than {max_depth} levels", "payload_too_deep")
    try:
        text = raw.decode("utf-8")
        document = json.loads(text, parse_constant=_not_finite, parse_float=_finite)
    except UnicodeDecodeError as err:
        raise _refuse(name, f"not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise _refuse(name, f"line {err.lineno}, column {err.colno}: {err.msg}") from None
    except (ValueError, RecursionError) as err:
        raise _refuse(name, f"not valid JSON ({err})") from None
    _check_texts(name, document)
    return document


def _check_texts(name: str, document: Any) -> None:
    """Refuse control characters (tab, line feed, carriage return aside) in any text or key:
    stored, they would break every workbook the ARS writes afterwards."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        pointer, value = pending.pop()
        if isinstance(value, str):
            if _CONTROL.search(value):
                raise _refuse(name, f"at {pointer or '/'}: a text holds {_BAD_CHARACTER}")
        elif isinstance(value, list):
            pending.extend((f"{pointer}/{i}", item) for i, item in enumerate(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if _CONTROL.search(key):
                    raise _refuse(name, f"at {pointer or '/'}: a key holds {_BAD_CHARACTER}")
                pending.append((f"{pointer}/{key}", item))


# --- schemas ----------------------------------------------------------------------------


@cache
def _validator(schema: str) -> Draft202012Validator:
    path = resource_path("schemas", f"{schema}.schema.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(name: str, schema: str, document: Any) -> None:
    """Refuse `document` when it breaks `schema`, naming the path of the first problem."""
    error = best_match(_validator(schema).iter_errors(document))
    if error is None:
        return
    pointer = "".join(f"/{part}" for part in error.absolute_path) or "/"
    raise _refuse(name, f"at {pointer}: {_describe(error)}")


def _kind(value: Any) -> str:
    """The JSON type of a parsed value, as the schemas name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _describe(error: Any) -> str:
    """A short message for one schema error that never echoes a large value."""
    keyword, limit, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        expected = " or ".join(limit) if isinstance(limit, list) else limit
        return f"should be {expected}, not {_kind(value)}"
    if keyword == "maxLength":
        return f"a text of {len(value)} characters, longer than {limit}"
    if keyword == "minLength":
        return f"a text shorter than {limit} character(s)"
    if keyword in ("maxItems", "maxProperties"):
        return f"{len(value)} entries, more than {limit}"
    if keyword in ("maximum", "minimum"):
        return f"{_short(value)} is past the limit {limit}"
    if keyword in ("enum", "const"):
        return f"{_short(value)} is not an accepted value"
    if keyword in ("pattern", "format"):
        return f"{_short(value)} does not have the expected form"
    if keyword == "required":
        return str(error.message)
    return f"{_short(value)} breaks the rule {keyword!r}"


def _load(files: Mapping[str, bytes], name: str, schema: str) -> Any:
    document = bounded_json(name, files[name])
    validate(name, schema, document)
    return document


def _finess(name: str, value: str, expected: str) -> None:
    problem = check_finess(value)
    if problem is not None or value != expected:
        detail = problem.message if problem else f"names FINESS {value}, the bundle is {expected}"
        raise _refuse(name, detail, "bad_finess")


def read_payload(verified: VerifiedBundle) -> Payload:
    """Parse and check every JSON document the consolidation reads, before any write.

    Raises BundleRejected naming the first problem, with every problem found in its
    `failures` (each document is checked even when another one failed; without a sound
    summary and establishment record nothing further can be checked)."""
    files = verified.json
    info = verified.info
    found: list[BundleRejected] = []

    def load(name: str, schema: str) -> Any:
        try:
            return _load(files, name, schema)
        except BundleRejected as err:
            found.append(err)
            return None

    for name in verified.payload_names:
        if name.endswith(".json") and name not in files:
            found.append(_refuse(name, "too large to be read by the consolidation", "too_large"))
    for name, what in ((SUMMARY, "summary"), (ESTABLISHMENT, "establishment record")):
        if name not in files:
            found.append(_refuse(name, f"missing: the bundle has no {what}"))
    summary = load(SUMMARY, "bundle-summary") if SUMMARY in files else None
    establishment = load(ESTABLISHMENT, "bundle-establishment") if ESTABLISHMENT in files else None
    if summary is None or establishment is None:
        raise _all(found)
    for name, document in ((SUMMARY, summary), (ESTABLISHMENT, establishment)):
        try:
            _finess(name, document["finess"], info["FINESS"])
        except BundleRejected as err:
            found.append(err)
    if summary["period"] != info["Period"]:
        found.append(
            _refuse(
                SUMMARY,
                f"period {summary['period']!r} differs from bag-info.txt's {info['Period']!r}",
            )
        )
    modules = tuple(sorted(summary["modules"]))
    checks = None
    if CHECKS in files:
        checks = load(CHECKS, "bundle-checks")
    elif summary["format"] != "hospiperf-bundle/1":
        found.append(_refuse(CHECKS, "missing: a bundle of this format carries its checks"))
    documents: dict[str, Any] = {}
    for name, (schema, module) in _DOCUMENTS.items():
        if module is None or name not in files:
            continue
        if module not in modules:
            found.append(_refuse(name, f"present, but the module {module!r} is not in {SUMMARY}"))
            continue
        documents[name] = load(name, schema)
    work_units: dict[int, list[dict[str, Any]]] = {}
    activity: dict[int, dict[str, Any]] = {}
    for name in verified.payload_names:
        match = _PER_YEAR.match(name)
        if match is None:
            if name.startswith("data/activity/") and name.endswith(".json"):
                found.append(_refuse(name, "unexpected file name (activity-<year>.json expected)"))
            continue
        kind, year_text = match.groups()
        if not _YEAR.match(year_text) or not 1900 <= int(year_text) <= 2200:
            found.append(_refuse(name, f"the file name does not end in a year ({year_text!r})"))
            continue
        if "activity" not in modules:
            found.append(_refuse(name, f"present, but the module 'activity' is not in {SUMMARY}"))
            continue
        if kind == "activity":
            activity[int(year_text)] = load(name, "bundle-activity")
        else:
            work_units[int(year_text)] = load(name, "bundle-work-units")
    scenarios = documents.get(SCENARIOS) or []
    names = [s["name"] for s in scenarios if s["calculator"] == "purchasing"]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        found.append(_refuse(SCENARIOS, f"two purchasing scenarios are named {duplicates[0]!r}"))
    if found:
        raise _all(found)
    return Payload(
        modules=modules,
        establishment=establishment,
        diagnostics=documents.get(DIAGNOSTICS, []),
        work_units=work_units,
        stock=documents.get(STOCK),
        scenarios=scenarios,
        activity=activity,
        checks=checks,
    )


def _all(found: list[BundleRejected]) -> BundleRejected:
    """The first problem, carrying every one found (each once) in its `failures`."""
    first = found[0]
    first.failures = tuple(dict.fromkeys((str(e.reason), str(e)) for e in found))
    return first


def check_bundle(
    path: Path, trusted: Mapping[str, Sequence[PublicKey]], limits: Limits | None = None
) -> VerifiedBundle:
    """Everything the ARS checks before importing: the bundle (`verify_bundle`), then its
    payload documents. Raises BundleRejected with the first problem."""
    verified = verify_bundle(path, trusted, limits)
    read_payload(verified)
    return verified
