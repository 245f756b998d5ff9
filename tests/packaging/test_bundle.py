"""Build the PyInstaller bundle and run it as a user would, headless: a broken bundle fails."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hospiperf_desktop import __version__
from hospiperf_desktop.storage.migrations import SCHEMA_HEAD
from ui.main_window import SECTION_KEYS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"
FINESS = "690990015"  # the demo establishment with stock, diagnostics, activity, scenarios
# Qt and Python take about 165 MB; the charts' matplotlib, numpy (with OpenBLAS) and Pillow
# about 95 MB more.
# cryptography (13 MB, bundle signatures) and psycopg (12 MB, a PostgreSQL consolidation
# at the ARS) took it from 265 to about 291 MB, and 310 MB later.
# packaging/build.py strips debugging symbols (libpython alone had 17 MB) and removes the
# system libraries left behind by the Qt plugins the spec drops (GTK, cairo, GnuTLS, CUPS:
# 17 MB); the spec drops Pillow's AVIF/WebP codecs, unused fonts and platform plugins:
# about 226 MB. packaging/icu_data.py rebuilds Qt's ICU data with French and English only
# (32 -> 4 MB); numpy.random and Qt's WebP/TIFF/ICNS/TGA/WBMP readers are left out: about
# 195 MB, under the goal (its aim is 150 MB; see the limit's history in git).
MAX_BUNDLE_MB = 200

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=900,
    )
    return work / "dist" / "hospiperf-desktop"


def _run(
    bundle: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    env = {**(env or os.environ), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [str(bundle / "hospiperf-desktop"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def demo_database(bundle, tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = _run(bundle, "cli", "--db", str(database), "demo")
    assert result.returncode == 0, result.stderr
    return database


def test_the_bundle_prints_its_version(bundle):
    result = _run(bundle, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"HospiPerf Desktop {__version__}"


def test_the_bundle_starts_creates_the_database_and_quits(bundle, tmp_path):
    database = tmp_path / "bundle.sqlite"
    result = _run(bundle, "--db", str(database), "--smoke-test")
    assert result.returncode == 0, result.stderr
    events = [line.split()[0] for line in result.stdout.splitlines()]
    assert events == ["translations", "shown", "ready", "services"]
    assert {"qtbase_fr", "qt_complement_fr"} <= set(result.stdout.splitlines()[0].split()[1:])
    with sqlite3.connect(database) as connection:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == (SCHEMA_HEAD,)


def test_the_bundle_stays_small(bundle, capsys):
    files = (p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    size_mb = sum(p.stat().st_size for p in files) / 1_000_000
    with capsys.disabled():
        print(f"\nbundle size: {size_mb:.1f} MB (limit {MAX_BUNDLE_MB} MB)")
    assert size_mb < MAX_BUNDLE_MB


def test_the_bundled_command_line_writes_a_diagnostic_report(bundle, tmp_path):
    database, pdf = tmp_path / "bundle.sqlite", tmp_path / "rapport.pdf"
    assert _run(bundle, "cli", "--db", str(database), "demo").returncode == 0
    templates = _run(bundle, "cli", "--db", str(database), "diag", "templates", "--json")
    assert templates.returncode == 0, templates.stderr
    assert len(json.loads(templates.stdout)) == 14
    result = _run(bundle, "cli", "--db", str(database), "diag", "plan", "1", "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_bundled_command_line_imports_workbooks(bundle, tmp_path):
    """python-calamine (a compiled extension imported on first use) made it into the bundle."""
    database = tmp_path / "bundle.sqlite"
    fixtures = ROOT / "tests" / "fixtures" / "stock"
    finess = "690990015"
    assert _run(bundle, "cli", "--db", str(database), "demo").returncode == 0
    for name in ("snapshot.ods", "snapshot.xls"):
        result = _run(
            bundle, "cli", "--db", str(database), "stock", "import", str(fixtures / name),
            "--establishment", finess, "--kind", "snapshot", "--replace", "--allow-duplicate",
            "--json",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["imported"] == 3


def test_the_bundled_command_line_signs_and_verifies_an_export(bundle, tmp_path):
    """cryptography (compiled, imported on first use) made it into the bundle."""
    database, export = tmp_path / "bundle.sqlite", tmp_path / "paquet.zip"
    env = {**os.environ, "HOSPIPERF_PASSPHRASE": "phrase de passe du test"}
    finess = "690990015"
    assert _run(bundle, "cli", "--db", str(database), "demo").returncode == 0
    for args in (
        ("keys", "generate", "--establishment", finess, "--passphrase-env", "HOSPIPERF_PASSPHRASE"),
        ("bundle", "export", "--establishment", finess, "--out", str(export), "--no-pdf",
         "--passphrase-env", "HOSPIPERF_PASSPHRASE"),
        ("bundle", "verify", str(export), "--trusted-keys", str(tmp_path / "keys")),
    ):  # fmt: skip
        result = _run(bundle, "cli", "--db", str(database), *args, env=env)
        assert result.returncode == 0, result.stderr
    assert "VALID" in result.stdout


def test_every_section_and_tab_opens_in_the_bundle(bundle, demo_database, tmp_path):
    """Each section's page, its tabs and their data load (charts, tables) without an error."""
    env = {**os.environ, "HOME": str(tmp_path)}
    args = ("--db", str(demo_database), "--smoke-test", "--visit-sections")
    result = _run(bundle, *args, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sections = [
        line.split()[1] for line in result.stdout.splitlines() if line.startswith("section")
    ]
    assert sections == list(SECTION_KEYS[1:])


def test_the_bundle_writes_every_document(bundle, demo_database, tmp_path):
    """Every PDF and workbook the command line writes, and the signed export with its PDFs:
    matplotlib, reportlab, openpyxl and their fonts made it into the bundle."""
    env = {**os.environ, "HOSPIPERF_PASSPHRASE": "phrase de passe du test"}
    out = tmp_path
    commands = [
        ("diag", "plan", "1", "--pdf", out / "plan.pdf", "--xlsx", out / "plan.xlsx"),
        ("diag", "blank", "sterilisation", "--pdf", out / "grille.pdf"),
        ("diag", "sheet", "sterilisation", "--xlsx", out / "feuille.xlsx"),
        ("stock", "indicators", "--establishment", FINESS, "--xlsx", out / "indicateurs.xlsx"),
        ("stock", "reorder", "--establishment", FINESS, "--xlsx", out / "commandes.xlsx"),
        ("activity", "export", "--establishment", FINESS, "--year", "2026",
         "--xlsx", out / "activite.xlsx"),
        ("dashboard", "--establishment", FINESS, "--year", "2026",
         "--pdf", out / "tableau-de-bord.pdf", "--xlsx", out / "tableau-de-bord.xlsx"),
        ("calc", "logistics", EXAMPLES / "logistique-ght.json",
         "--pdf", out / "logistique.pdf", "--xlsx", out / "logistique.xlsx"),
        ("calc", "purchasing", EXAMPLES / "paat-2025.csv",
         "--pdf", out / "paat.pdf", "--xlsx", out / "paat.xlsx"),
        ("calc", "carbon", EXAMPLES / "achats-carbone.csv",
         "--pdf", out / "carbone.pdf", "--xlsx", out / "carbone.xlsx"),
        ("calc", "sterilisation", EXAMPLES / "sterilisation-2026.json",
         "--pdf", out / "sterilisation.pdf", "--xlsx", out / "sterilisation.xlsx"),
        ("audit", "export", "--establishment", FINESS, "--pdf", out / "journal.pdf"),
        ("audit", "export", "--xlsx", out / "journal.xlsx"),
        ("keys", "generate", "--establishment", FINESS, "--passphrase-env", "HOSPIPERF_PASSPHRASE"),
        ("bundle", "export", "--establishment", FINESS, "--year", "2026",
         "--passphrase-env", "HOSPIPERF_PASSPHRASE", "--out", out / "paquet.zip"),
    ]  # fmt: skip
    for command in commands:
        args = ("cli", "--db", str(demo_database), *map(str, command))
        result = _run(bundle, *args, env=env, timeout=300)
        assert result.returncode == 0, (command, result.stderr)
    documents = [arg for command in commands for arg in command if isinstance(arg, Path)]
    for path in (p for p in documents if p.parent == out):
        assert path.suffix in (".pdf", ".xlsx", ".zip"), path
        if path.suffix == ".pdf":
            assert path.read_bytes().startswith(b"%PDF"), path.name
        else:
            assert zipfile.is_zipfile(path), path.name
    with zipfile.ZipFile(out / "paquet.zip") as export:
        pdfs = [name for name in export.namelist() if name.endswith(".pdf")]
        assert all(export.read(name).startswith(b"%PDF") for name in pdfs)
    assert pdfs  # the diagnostic report, charts included
