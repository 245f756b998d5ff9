"""The start-up preview of the establishments (sqlite3 alone) is exactly the service's list,
or nothing when the usual path must decide."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from integration_support import make_input

from hospiperf_desktop.demo import run_demo
from hospiperf_desktop.establishments.peek import peek_establishments
from hospiperf_desktop.services import Services

ROOT = Path(__file__).resolve().parents[2]


def test_the_preview_is_the_services_list_in_the_same_order(services: Services) -> None:
    run_demo(services)
    for serial, name in enumerate(("Écully", "ehpad les Tilleuls", "Œuvre Saint-Jean", "Zoé")):
        services.establishments.add(make_input(serial + 10, name=name, beds=None))
    assert peek_establishments(services.database_path) == services.establishments.list()


def test_no_preview_of_a_missing_file_and_none_is_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    assert peek_establishments(path) is None
    assert not path.exists()


def test_no_preview_of_a_database_at_another_schema(services: Services) -> None:
    path = services.database_path
    services.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0008'")
    assert peek_establishments(path) is None


def test_no_preview_of_a_foreign_or_damaged_file(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (text)")
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\0" + b"\xff" * 2000)
    assert peek_establishments(foreign) is None
    assert peek_establishments(damaged) is None


def test_the_preview_does_not_import_sqlalchemy(services: Services) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from hospiperf_desktop.establishments.peek import peek_establishments; "
        f"assert peek_establishments(Path({str(services.database_path)!r})) == []; "
        "print('sqlalchemy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
