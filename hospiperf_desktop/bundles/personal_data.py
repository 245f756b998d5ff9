"""The personal-data guard: what in a free text could identify a patient (issue 16, point 5).

Pure functions, no I/O. `scan(fields)` takes (field name, text) pairs — comments, plan actions,
justifications, evidence file names, scenario names — and returns one `Finding` per match:
- a French NIR (social security number): 13 characters (sex, year, month, department — 2A/2B
  for Corsica —, commune, order) and a 2-digit key equal to 97 − (number mod 97), groups
  optionally separated by a space; a 15-digit run whose key is wrong is not a NIR;
- a date of birth: "né(e) le", "date de naissance", "DDN" followed by a date;
- a person named: "Mme X", "M. Y", "Monsieur/Madame X", "patient(e) Nom" (a capitalised word).

`BundleService.sign_and_write` refuses to sign when the JSON payload holds a finding
(`PersonalDataFound`, listed by `bundle export`, exit 2); the ARS import refuses the bundle
(reason `personal_data`). Every string value of the payload JSON is scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hospiperf_desktop.errors import HospiPerfError

_SEP = r"[ \u00a0]?"
NIR = re.compile(
    rf"(?<![0-9A-Za-z])([1-478]){_SEP}([0-9]{{2}}){_SEP}([0-9]{{2}}){_SEP}([0-9]{{2}}|2[AaBb])"
    rf"{_SEP}([0-9]{{3}}){_SEP}([0-9]{{3}}){_SEP}([0-9]{{2}})(?![0-9A-Za-z])"
)
_DATE = r"[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})"
BIRTH = re.compile(
    rf"\b(?:n[ée]e?\s+le|date\s+de\s+naissance\s*:?|DDN\s*:?)\s*{_DATE}", re.IGNORECASE
)
_NAME = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'\-]+"
PERSON = re.compile(rf"(?:\b(?:Mme|Mlle|Madame|Monsieur)|\bM\.)\s+{_NAME}|\bpatiente?\s+{_NAME}")


@dataclass(frozen=True)
class Finding:
    field: str  # where the text comes from, e.g. "diagnostics[2].comment"
    kind: str  # nir | birth_date | person
    excerpt: str  # the matching text
    text: str  # the whole text, to show the user what to correct


def nir_key_ok(body13: str, key: int) -> bool:
    """Whether `key` is the NIR key of the 13 characters (2A → 19, 2B → 18 in the number)."""
    upper = body13.upper()
    if upper[5:7] == "2A":
        number = int(upper[:5] + "19" + upper[7:])
    elif upper[5:7] == "2B":
        number = int(upper[:5] + "18" + upper[7:])
    else:
        number = int(upper)
    return 97 - number % 97 == key


def find_nirs(text: str) -> list[str]:
    out = []
    for match in NIR.finditer(text):
        groups = match.groups()
        body, key = "".join(groups[:6]), int(groups[6])
        if nir_key_ok(body, key):
            out.append(match.group(0))
    return out


def scan_text(field: str, text: str) -> list[Finding]:
    findings = [Finding(field, "nir", found, text) for found in find_nirs(text)]
    findings += [Finding(field, "birth_date", m.group(0), text) for m in BIRTH.finditer(text)]
    findings += [Finding(field, "person", m.group(0), text) for m in PERSON.finditer(text)]
    return findings


def scan(fields: Iterable[tuple[str, str]]) -> list[Finding]:
    """Every finding of every (field, text) pair, in order."""
    return [finding for field, text in fields for finding in scan_text(field, text)]


def json_texts(document: object, where: str) -> Iterable[tuple[str, str]]:
    """Every string value of a parsed JSON document, with its path (`file.json$.a[0].b`)."""
    if isinstance(document, str):
        yield where, document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from json_texts(value, f"{where}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from json_texts(value, f"{where}[{index}]")


def csv_texts(content: bytes, where: str) -> Iterable[tuple[str, str]]:
    """Every cell of a CSV payload file (UTF-8, ';' or ','), with its place (`file.csv:3:2`)."""
    import csv
    import io

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # not ours to judge here: the payload checks refuse it
    delimiter = ";" if text.partition("\n")[0].count(";") >= 1 else ","
    for line, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        for column, cell in enumerate(cells, start=1):
            yield f"{where}:{line}:{column}", cell


def scan_payload_files(files: Iterable[tuple[str, bytes]]) -> list[Finding]:
    """Every finding in the texts of the JSON documents (string values) and CSV files (cells)
    among (path, content) pairs. PDFs and workbooks repeat what these hold, except the texts
    a desktop scans before signing (`PreparedBundle.printed_texts`)."""
    import json

    findings: list[Finding] = []
    for path, content in files:
        if path.endswith(".json"):
            try:
                document = json.loads(content)
            except ValueError:
                continue  # not ours to judge here: the payload checks refuse it
            findings += scan(json_texts(document, f"{path}$"))
        elif path.endswith(".csv"):
            findings += scan(csv_texts(content, path))
    return findings


class PersonalDataFound(HospiPerfError):
    """Texts that could identify a patient; `findings` names each field and text."""

    code = "personal_data"
    reason = "personal_data"

    def __init__(self, findings: list[Finding]) -> None:
        first = findings[0]
        super().__init__(
            f"{len(findings)} text(s) could identify a patient, e.g. {first.field}:"
            f" {first.excerpt!r} ({first.kind}); correct them before sending"
        )
        self.findings = findings
