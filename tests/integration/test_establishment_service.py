"""Establishments through the service: round-trip, refusals that write nothing, demo data."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import pytest
from integration_support import audit_count, make_finess, make_input

from hospiperf_desktop.demo import run_demo
from hospiperf_desktop.errors import NotFoundError, ValidationError
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.progress import Cancelled
from hospiperf_desktop.services import Services, open_services


def test_add_list_update_delete_round_trip(services: Services) -> None:
    added = services.establishments.add(
        make_input(1, finess="75 071 218 4", kind="CHU", region="ile-de-france")
    )
    assert (added.finess, added.kind, added.region) == ("750712184", "chu", "Île-de-France")
    assert services.establishments.list() == [added]
    assert services.establishments.get(added.id) == added
    assert services.establishments.by_finess("750712184") == added

    fields = {k: v for k, v in asdict(added).items() if k not in ("id", "fictitious")}
    updated = services.establishments.update(
        added.id, EstablishmentInput(**{**fields, "beds": 999})
    )
    assert updated.beds == 999
    assert services.establishments.get(added.id).beds == 999

    services.establishments.delete(added.id)
    assert services.establishments.list() == []
    with pytest.raises(NotFoundError):
        services.establishments.get(added.id)


def test_finding_by_finess_accepts_the_spaces_people_type(services: Services) -> None:
    added = services.establishments.add(make_input(1, finess="750712184"))
    assert services.establishments.by_finess("75 071 218 4") == added
    assert services.establishments.by_finess(" 750712184 ") == added


def test_establishments_survive_closing_and_reopening(db_file: Path) -> None:
    first = open_services(db_file)
    added = first.establishments.add(make_input(1))
    first.close()
    second = open_services(db_file)
    try:
        assert second.establishments.list() == [added]
    finally:
        second.close()


def test_list_is_sorted_by_name(services: Services) -> None:
    for serial, name in [(1, "Zola"), (2, "Amiens"), (3, "Metz")]:
        services.establishments.add(make_input(serial, name=name))
    assert [e.name for e in services.establishments.list()] == ["Amiens", "Metz", "Zola"]


def test_a_duplicate_finess_is_refused_and_nothing_is_written(
    services: Services, db_file: Path
) -> None:
    services.establishments.add(make_input(1))
    entries_before = audit_count(db_file)
    with pytest.raises(ValidationError) as caught:
        services.establishments.add(make_input(1, name="Another name"))
    assert [(i.field, i.code) for i in caught.value.issues] == [("finess", "finess_duplicate")]
    assert len(services.establishments.list()) == 1
    assert audit_count(db_file) == entries_before


def test_changing_finess_to_one_already_used_is_refused(services: Services) -> None:
    services.establishments.add(make_input(1))
    second = services.establishments.add(make_input(2))
    with pytest.raises(ValidationError) as caught:
        services.establishments.update(second.id, make_input(2, finess=make_finess(1)))
    assert caught.value.for_field("finess")[0].code == "finess_duplicate"
    assert services.establishments.get(second.id).finess == make_finess(2)


def test_invalid_input_is_refused_before_anything_is_written(
    services: Services, db_file: Path
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.establishments.add(make_input(1, name="", beds=-1))
    assert {i.field for i in caught.value.issues} == {"name", "beds"}
    assert services.establishments.list() == []
    assert audit_count(db_file) == 0


def test_an_update_that_changes_nothing_writes_no_audit_entry(
    services: Services, db_file: Path
) -> None:
    added = services.establishments.add(make_input(1))
    entries_before = audit_count(db_file)
    same = services.establishments.update(added.id, replace(make_input(1), name=" " + added.name))
    assert same == added
    assert audit_count(db_file) == entries_before


def test_updating_or_deleting_a_missing_establishment_says_so(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.establishments.update(404, make_input(1))
    with pytest.raises(NotFoundError):
        services.establishments.delete(404)


def test_demo_adds_five_establishments_three_profiles_four_diagnostics_and_stock(
    services: Services,
) -> None:
    summary = run_demo(services)
    stock = summary.added.pop("stock")
    activity = summary.added.pop("activity")
    assert summary.added == {
        "profiles": 3,
        "establishments": 5,
        "diagnostics": 4,
        "calculators": 2,
    }
    # Two establishments get a count, deliveries and receipts (thousands of rows) and three
    # shortages each, through the real importer.
    with_stock = [e for e in services.establishments.list() if services.stock.imports.imports(e.id)]
    assert [e.finess for e in with_stock] == ["690990015", "970109609"]
    for establishment in with_stock:
        assert len(services.stock.imports.imports(establishment.id)) == 3
        assert len(services.stock.catalog.shortages(establishment.id)) == 3
        assert services.stock.analysis.indicators(establishment.id).coverage
    assert stock > 1_000
    # Two years of activity for three establishments; in 2026 the support hospital's days of
    # stock come from its stock data, not from typing.
    assert activity > 300
    with_activity = [
        e.finess for e in services.establishments.list() if services.activity.values.years(e.id)
    ]
    assert sorted(with_activity) == ["690990015", "690990023", "970109609"]
    support = services.establishments.by_finess("690990015")
    days = services.activity.values.resolved(support.id, 2026)["jours_stock_medicaments"]
    assert days.computed and days.value is not None
    validated = [d for d in services.diagnostics.list() if d.locked]
    assert len(validated) == 2
    assert all(services.plans.plan(d.id) for d in validated), "validation proposed a plan"
    assert len(services.establishments.list()) == 5
    assert len(services.profiles.list()) == 3
    assert services.profiles.current() is None, "the demo never chooses who is working"
    assert all(e.fictitious for e in services.establishments.list())
    assert services.audit.verify().ok


def test_demo_run_twice_adds_nothing_the_second_time(services: Services, db_file: Path) -> None:
    run_demo(services)
    entries = audit_count(db_file)
    again = run_demo(services)
    assert again.total == 0
    assert len(services.establishments.list()) == 5
    assert len(services.profiles.list()) == 3
    assert audit_count(db_file) == entries


class _CancelOnThirdCheck:
    def __init__(self) -> None:
        self.checks = 0

    def report(self, done: int, total: int | None = None, message: str = "") -> None:
        return None

    def check_cancelled(self) -> None:
        self.checks += 1
        if self.checks == 3:
            raise Cancelled()


def test_a_demo_cancelled_half_way_leaves_the_database_unchanged(
    services: Services, db_file: Path
) -> None:
    with pytest.raises(Cancelled):
        run_demo(services, _CancelOnThirdCheck())
    assert services.establishments.list() == []
    assert services.profiles.list() == []
    assert services.profiles.current() is None
    assert audit_count(db_file) == 0
    assert services.diagnostics.list() == []
    assert run_demo(services).added["diagnostics"] == 4, "the demo still runs after a cancel"
