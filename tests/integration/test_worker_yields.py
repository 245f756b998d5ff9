"""A job in the worker thread leaves the interpreter to the window now and then.

sqlite3 releases and re-takes the GIL around each statement, which CPython counts as a switch:
a worker running many small queries kept the GIL while the window waited for it (the "convoy
effect", docs/ARCHITECTURE.md, "Speed at scale"). These tests check the two remedies without
timing anything: the statements of a thread other than the main one sleep a little once per
`YIELD_EVERY_S` (on a clock the test drives), the main thread's never do; and listing the
diagnostics runs a fixed number of statements, however many there are.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from integration_support import make_input
from sqlalchemy import event, text

from hospiperf_desktop.services import Services
from hospiperf_desktop.storage import database as database_module
from hospiperf_desktop.storage.database import YIELD_EVERY_S, YIELD_SLEEP_S, open_database


class _Clock:
    """perf_counter advancing 1 ms per reading; sleep recorded, not slept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[tuple[str, float]] = []

    def perf_counter(self) -> float:
        self.now += 0.001
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append((threading.current_thread().name, seconds))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(database_module.time, "perf_counter", fake.perf_counter)
    monkeypatch.setattr(database_module.time, "sleep", fake.sleep)
    return fake


def _statements(db_file: Path, count: int) -> None:
    database = open_database(db_file)
    try:
        with database.read() as session:
            for number in range(count):
                assert session.execute(text("SELECT :n"), {"n": number}).scalar() == number
    finally:
        database.close()


def test_a_worker_running_many_statements_sleeps_now_and_then_the_main_thread_never(
    db_file: Path, clock: _Clock
) -> None:
    open_database(db_file).close()
    _statements(db_file, 200)  # on the main thread (the CLI, the window)
    assert clock.sleeps == []

    worker = threading.Thread(target=_statements, args=(db_file, 200), name="worker")
    worker.start()
    worker.join()
    slept = [seconds for name, seconds in clock.sleeps if name == "worker"]
    assert slept and set(slept) == {YIELD_SLEEP_S}
    # One reading of the clock per statement (1 ms) and one after each sleep: a sleep every
    # YIELD_EVERY_S of statements, give or take the set-up statements of the session.
    expected = 200 * 0.001 / YIELD_EVERY_S
    assert expected * 0.6 <= len(slept) <= expected * 1.5, len(slept)


def _count_statements(services: Services) -> int:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    engine = services.database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        services.diagnostics.list()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_listing_the_diagnostics_runs_as_many_statements_for_twelve_as_for_two(
    diag_services: Services,
) -> None:
    for serial in range(1, 3):
        establishment = diag_services.establishments.add(make_input(serial))
        diag_services.diagnostics.create("test-mini", establishment.id, f"Campagne {serial}")
    diag_services.diagnostics.list()  # the stored questionnaires and the scores cached
    few = _count_statements(diag_services)

    for serial in range(3, 13):
        establishment = diag_services.establishments.add(make_input(serial))
        diag_services.diagnostics.create("test-mini", establishment.id, f"Campagne {serial}")
    diag_services.diagnostics.list()
    many = _count_statements(diag_services)
    assert len(diag_services.diagnostics.list()) == 12
    assert many == few, "a query per diagnostic or per establishment came back"
