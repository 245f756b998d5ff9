"""Rotation keeps the newest backup of each of the last days, weeks and months."""

from __future__ import annotations

from datetime import datetime, timedelta

from hospiperf_desktop.backup.naming import BackupName, parse_name
from hospiperf_desktop.backup.rotation import Retention, to_remove


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly_at_most() -> None:
    start = datetime(2026, 1, 1, 3, 0)
    times = [start + timedelta(days=d) for d in range(365)]
    removed = to_remove(times, Retention(daily=7, weekly=4, monthly=12))
    kept = sorted(set(times) - removed)
    assert kept[-7:] == times[-7:], "the last seven days are all kept"
    assert len(kept) <= 7 + 4 + 12
    assert len({(t.year, t.month) for t in kept}) == 12, "one per month for a year"


def test_two_backups_on_one_day_keep_only_the_newest_of_that_day() -> None:
    morning, evening = datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 19)
    assert to_remove([morning, evening], Retention()) == {morning}


def test_the_newest_backup_is_kept_even_with_a_zero_retention() -> None:
    only = datetime(2026, 3, 2, 8)
    assert to_remove([only], Retention(0, 0, 0)) == set()


def test_a_backup_name_round_trips_and_other_names_are_not_backups() -> None:
    name = BackupName(datetime(2026, 12, 4, 17, 31, 5), "0006", "before-delete")
    assert name.file_name == "hospiperf-20261204-173105-r0006-before-delete.sqlite"
    assert parse_name(name.file_name) == name
    assert parse_name("hospiperf-20261204-173105-r0006.sqlite.json") is None
    assert parse_name("hospiperf.sqlite") is None
    assert parse_name("hospiperf-20261332-250000-r0006.sqlite") is None
