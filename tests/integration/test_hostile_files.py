"""Every hostile file of tests/fixtures/hostile/ is refused by the command that reads it.

The rule, the same for every reader: exit code 2 (the documented refusal code), a short
message on stderr (under 1 KB, one line per problem, no other control character, no
traceback) and the database
exactly as it was. The files are split between two driver subprocesses (one per core), each
on its own copy of the database, calling `hospiperf_desktop.cli.main` once per file (a crash
of a driver, e.g. an allocation abort, fails every folder it ran) and dumping the database
before and after every command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"
FINESS = "690990015"
# A refusal naming several problems puts one per line: line feeds are allowed, no other control.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
MEMORY_LIMIT = 3 << 30  # the driver runs under RLIMIT_AS: a runaway allocation aborts it

# folder → the command reading its files ({file} and {diag} are filled in)
COMMANDS = {
    "stock": ["stock", "import", "--establishment", FINESS, "--kind", "snapshot", "{file}"],
    "answers": ["diag", "answer", "--file", "{file}", "{diag}"],
    "activity": ["activity", "import", "--establishment", FINESS, "--year", "2025", "{file}"],
    "uo-counts": ["uo", "compute", "--counts", "{file}", "--table", "uo-pharma"],
    "calc-purchasing": ["calc", "purchasing", "{file}"],
    "calc-carbon": ["calc", "carbon", "{file}"],
    "calc-logistics": ["calc", "logistics", "{file}"],
    "mapping": ["stock", "preview", "--kind", "snapshot", "--mapping", "{file}", "{good}"],
    "keys": ["bundle", "verify", "--trusted-keys", "{file}", "{good}"],
    "questionnaire-workbooks": ["diag", "questionnaire", "import", "{file}"],
}
# The stock preview reads the same workbooks in the import wizard: a few go through it too.
PREVIEWED = ("far-cell-xfd1048576.xlsx", "zip-bomb-ratio.xlsx", "far-cell.xls", "nul-bytes.csv")

DRIVER = r"""
import contextlib, hashlib, io, json, resource, sqlite3, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from hospiperf_desktop.cli import main

def dump(db):
    with contextlib.closing(sqlite3.connect(db)) as con:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()

db, runs = sys.argv[2], json.loads(sys.stdin.read())
results = []
for name, argv in runs:
    before = dump(db)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(["--db", db, *argv])
        except SystemExit as exit_:
            code = exit_.code
        except BaseException as exc:
            import traceback
            traceback.print_exc(file=err)
            code = "uncaught " + type(exc).__name__
    results.append({"file": name, "code": code, "stderr": err.getvalue(),
                    "changed": dump(db) != before})
print(json.dumps(results))
"""


SETUP = r"""
import sys
from hospiperf_desktop.cli import main
db, finess = sys.argv[1], sys.argv[2]
assert main(["--db", db, "init"]) == 0
assert main(["--db", db, "establishment", "add", "--finess", finess, "--name", "CH test",
             "--kind", "ch"]) == 0
assert main(["--db", db, "diag", "new", "--template", "cooperation-pui",
             "--establishment", finess]) == 0
"""


def _good_file(folder: str, tmp: Path) -> str:
    if folder == "mapping":
        good = tmp / "snapshot.csv"
        good.write_text("Code UCD;Désignation;Qté\n3400930000001;Paracétamol;12\n", "utf-8")
        return str(good)
    return str(tmp / "no-such.bundle.zip")  # the keys are read before the bundle


def _runs(folder: str, good: str) -> list[tuple[str, list[str]]]:
    runs = []
    for path in sorted((HOSTILE / folder).iterdir()):
        fill = {"file": str(path), "diag": "1", "good": good}
        runs.append((f"{folder}/{path.name}", [part.format(**fill) for part in COMMANDS[folder]]))
        if folder == "stock" and path.name in PREVIEWED:
            preview = ["stock", "preview", "--kind", "snapshot", str(path)]
            runs.append((f"{folder}/{path.name} (preview)", preview))
    return runs


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every folder's runs, split between two driver processes (one per core)."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "hostile.sqlite"
    subprocess.run([sys.executable, "-c", SETUP, str(db), FINESS], check=True, capture_output=True)
    runs = [run for folder in sorted(COMMANDS) for run in _runs(folder, _good_file(folder, tmp))]
    halves = [runs[0::2], runs[1::2]]
    drivers = []
    for index, half in enumerate(halves):
        copy = tmp / f"copy{index}.sqlite"
        shutil.copyfile(db, copy)
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(MEMORY_LIMIT), str(copy)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        drivers.append((process, json.dumps(half)))
    by_folder: dict[str, list[dict[str, Any]]] = {folder: [] for folder in COMMANDS}
    for process, sent in drivers:
        out, err = process.communicate(sent, timeout=300)
        assert process.returncode == 0, (
            f"a reading process died ({process.returncode}): {err[-2000:]}"
        )
        for result in json.loads(out.splitlines()[-1]):
            by_folder[result["file"].split("/")[0]].append(result)
    return by_folder


# Hostile folders whose files another test runs, through the path they attack.
OTHER_RUNNERS = {
    "ars": "test_ars_hostile_corpus.py (ars import and bundle verify)",
    "receipts": "test_receipts_hostile_corpus.py (bundle receipt)",
    "stock-numbers": "test_stock_hostile_numbers.py (stock import)",
    "sterilisation": "test_sterilisation_hostile.py (calc sterilisation)",
}


def test_the_corpus_holds_at_least_100_small_files() -> None:
    files = [p for p in HOSTILE.glob("*/*") if p.is_file()]
    assert len(files) >= 100
    assert {p.parent.name for p in files} == set(COMMANDS) | set(OTHER_RUNNERS)
    assert max(p.stat().st_size for p in files if p.parent.name in COMMANDS) < 50_000


@pytest.mark.parametrize("folder", sorted(COMMANDS))
def test_every_hostile_file_is_refused_with_a_short_message_and_nothing_written(
    folder: str, results: dict[str, list[dict[str, Any]]]
) -> None:
    assert len(results[folder]) >= len(list((HOSTILE / folder).iterdir()))
    failures = []
    for result in results[folder]:
        message = result["stderr"].removesuffix("\n")
        problems = [
            f"exit {result['code']}" if result["code"] != 2 else "",
            "traceback" if "Traceback" in message else "",
            f"{len(message.encode())} bytes" if len(message.encode()) >= 1024 else "",
            "control character" if CONTROL.search(message) else "",
            "database changed" if result["changed"] else "",
            "no message" if not message.startswith("hospiperf: error: ") else "",
        ]
        if any(problems):
            found = ", ".join(p for p in problems if p)
            failures.append(f"{result['file']}: {found}: {message[:300]!r}")
    assert not failures, "\n".join(failures)
