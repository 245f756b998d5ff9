"""Which column of an export holds which field: recognised from headings, confirmed by the user.

A mapping names columns by their heading (not their position), so a profile saved for one
export still fits next month's file when the software moves a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hospiperf_desktop.errors import FileImportError, SourceIssue
from hospiperf_desktop.stock.parameters import StockParameters
from hospiperf_desktop.tabular import column_letter, fold, headings_text

HEADER_SEARCH_ROWS = 30


class ImportKind(StrEnum):
    SNAPSHOT = "snapshot"
    MOVEMENTS = "movements"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool = False


FIELDS: dict[ImportKind, tuple[FieldSpec, ...]] = {
    ImportKind.SNAPSHOT: (
        FieldSpec("product_code", True),
        FieldSpec("label"),
        FieldSpec("category"),
        FieldSpec("mitm"),
        FieldSpec("location"),
        FieldSpec("location_kind"),
        FieldSpec("quantity", True),
        FieldSpec("unit_price"),
        FieldSpec("value"),
        FieldSpec("lot"),
        FieldSpec("expiry_date"),
        FieldSpec("snapshot_date"),
    ),
    ImportKind.MOVEMENTS: (
        FieldSpec("date", True),
        FieldSpec("product_code", True),
        FieldSpec("label"),
        FieldSpec("category"),
        FieldSpec("mitm"),
        FieldSpec("quantity"),
        FieldSpec("quantity_in"),
        FieldSpec("quantity_out"),
        FieldSpec("unit_price"),
        FieldSpec("value"),
        FieldSpec("care_unit"),
        FieldSpec("supplier"),
        FieldSpec("lot"),
    ),
}

# The fields read as numbers, whose columns' dots are judged (see number_columns.py).
NUMERIC_FIELDS = ("quantity", "quantity_in", "quantity_out", "unit_price", "value")

# Headings that mean something else in one kind of file: "Date" in a stock snapshot is the
# date of the count.
_KIND_ALIASES: dict[ImportKind, dict[str, str]] = {
    ImportKind.SNAPSHOT: {"date": "snapshot_date"},
    ImportKind.MOVEMENTS: {},
}


# Fields whose name, at the end of a heading, says what the heading is about ("Libellé UF",
# "Prix total", "Date péremption"); a unit in brackets ("Qté entrée (UCD)") does not.
_QUALIFYING_FIELDS = ("care_unit", "supplier", "value", "expiry_date", "lot", "location")


def field_names(kind: ImportKind) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS[kind])


@dataclass(frozen=True)
class ColumnMapping:
    """Field name → heading of the column holding it, for one kind of file."""

    kind: ImportKind
    columns: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"format": 1, "kind": self.kind.value, "columns": dict(self.columns)}

    @classmethod
    def from_json(cls, data: Any, source: str) -> ColumnMapping:
        def bad(message: str) -> FileImportError:
            return FileImportError([SourceIssue(source, None, None, message, "bad_mapping")])

        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise bad('a mapping is a JSON object with "kind" and "columns"')
        try:
            kind = ImportKind(str(data.get("kind")))
        except ValueError:
            raise bad(f"kind must be 'snapshot' or 'movements', not {data.get('kind')!r}") from None
        allowed = set(field_names(kind))
        columns: dict[str, str] = {}
        for name, heading in data["columns"].items():
            if name not in allowed:
                raise bad(f"unknown field {name!r} (expected one of {', '.join(sorted(allowed))})")
            if not isinstance(heading, str) or not heading.strip():
                raise bad(f"field {name!r}: the column heading must be a non-empty text")
            columns[name] = heading.strip()
        return cls(kind, columns)

    @classmethod
    def from_file(cls, path: Path) -> ColumnMapping:
        from hospiperf_desktop.jsonfiles import load_json_file

        return cls.from_json(load_json_file(path, "stock-mapping"), path.name)


def _matches(headers: list[str], kind: ImportKind, params: StockParameters) -> dict[str, int]:
    """Field → column index, from exact heading matches, then headings starting with a synonym."""
    allowed = field_names(kind)
    aliases = _KIND_ALIASES[kind]
    found: dict[str, int] = {}
    folded = [fold(h) for h in headers]
    for index, key in enumerate(folded):
        if not key:
            continue
        for name, synonyms in params.column_synonyms.items():
            target = aliases.get(name, name)
            if target in allowed and target not in found and key in synonyms:
                found[target] = index
                break
    taken = set(found.values())
    vocabulary = {synonym for synonyms in params.column_synonyms.values() for synonym in synonyms}
    qualifiers = {
        synonym
        for name in _QUALIFYING_FIELDS
        for synonym in params.column_synonyms.get(name, ())
        if len(synonym) >= 2
    }
    for index, key in enumerate(folded):
        # A heading that names a field exactly ("Date péremption") is not a guess for
        # another field, even one this kind of file does not hold.
        if not key or index in taken or key in vocabulary:
            continue
        best: tuple[int, str] | None = None
        for name, synonyms in params.column_synonyms.items():
            target = aliases.get(name, name)
            if target not in allowed or target in found:
                continue
            for synonym in synonyms:
                longer = best is None or len(synonym) > best[0]
                if len(synonym) >= 3 and key.startswith(synonym) and longer:
                    rest = key[len(synonym) :]
                    # "Libellé UF", "Prix total", "Date fournisseur": the end of the heading
                    # names another field, so the start does not decide.
                    if not any(rest.endswith(other) for other in qualifiers):
                        best = (len(synonym), target)
        if best is not None:
            found[best[1]] = index
            taken.add(index)
    return found


def unique_headings(headings: list[str]) -> list[str]:
    """Headings made unique: a second "Quantité" becomes "Quantité (2)", so that a mapping
    can name either column."""
    seen: dict[str, int] = {}
    unique = []
    for heading in headings:
        key = fold(heading)
        if key:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                heading = f"{heading} ({seen[key]})"
        unique.append(heading)
    return unique


def find_header_row(rows: list[list[Any]], params: StockParameters) -> int:
    """Index in `rows` of the heading row: the one among the first rows matching most synonyms."""
    vocabulary = {s for synonyms in params.column_synonyms.values() for s in synonyms}
    best_index: int | None = None
    best_score = 1
    first_filled: int | None = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [fold(c) for c in cells if c not in (None, "")]
        if keys and first_filled is None:
            first_filled = index
        score = sum(1 for k in keys if k in vocabulary)
        if score > best_score:
            best_index, best_score = index, score
    if best_index is not None:
        return best_index
    return first_filled if first_filled is not None else 0


def guess_mapping(headers: list[str], kind: ImportKind, params: StockParameters) -> ColumnMapping:
    found = _matches(headers, kind, params)
    return ColumnMapping(kind, {name: headers[i] for name, i in sorted(found.items())})


def missing_fields(mapping: ColumnMapping, has_snapshot_date: bool = False) -> list[str]:
    """Required fields the mapping lacks (an alternative group counts once)."""
    cols = mapping.columns
    missing = [s.name for s in FIELDS[mapping.kind] if s.required and s.name not in cols]
    if mapping.kind is ImportKind.SNAPSHOT:
        if "unit_price" not in cols and "value" not in cols:
            missing.append("unit_price|value")
        if "snapshot_date" not in cols and not has_snapshot_date:
            missing.append("snapshot_date")
    elif not {"quantity", "quantity_in", "quantity_out"} & cols.keys():
        missing.append("quantity|quantity_in|quantity_out")
    return missing


def resolve(mapping: ColumnMapping, headers: list[str], file: str, line: int) -> dict[str, int]:
    """Field → column index in this file; every heading the mapping names must be there."""
    by_key: dict[str, int] = {}
    for index, heading in enumerate(headers):
        by_key.setdefault(fold(heading), index)
    indexes: dict[str, int] = {}
    issues = []
    for name, heading in mapping.columns.items():
        found = by_key.get(fold(heading))
        if found is None:
            issues.append(
                SourceIssue(
                    file,
                    line,
                    None,
                    f"no column headed '{heading[:60]}' (for {name}); the headings are: "
                    + headings_text(headers),
                    "missing_column",
                    {"heading": heading, "field": name},
                )
            )
        else:
            indexes[name] = found
    shared: dict[int, list[str]] = {}
    for name, index in indexes.items():
        shared.setdefault(index, []).append(name)
    for index, names in shared.items():
        if len(names) > 1:
            issues.append(
                SourceIssue(
                    file,
                    line,
                    f"{column_letter(index)} ({headers[index]})",
                    f"one column cannot feed {' and '.join(names)}",
                    "shared_column",
                    {"fields": names},
                )
            )
    if issues:
        raise FileImportError(issues)
    return indexes
