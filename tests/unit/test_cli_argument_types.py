"""The CLI's argument types: a value is accepted within its bounds or refused in one short
line, never with another exception (argparse turns ArgumentTypeError into exit 2)."""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hospiperf_desktop.cli.common import (
    SQLITE_MAX_INTEGER,
    count,
    existing_file,
    finite_number,
    record_id,
    year,
)
from hospiperf_desktop.plausibility import MAX_MAGNITUDE

TYPES = (record_id, year, count, finite_number, existing_file)


@pytest.mark.parametrize("check", TYPES, ids=lambda t: t.__name__)
@given(text=st.text(max_size=60) | st.integers().map(str) | st.floats().map(repr))
def test_any_text_is_accepted_in_bounds_or_refused_in_one_short_line(check, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        value = check(text)
    except argparse.ArgumentTypeError as err:
        message = str(err)
        assert len(message) < 200 and "\n" not in message and "\x00" not in message
        return
    if check is record_id:
        assert 1 <= value <= SQLITE_MAX_INTEGER
    elif check is year:
        assert 2000 <= value <= 2100
    elif check is count:
        assert 0 <= value <= SQLITE_MAX_INTEGER
    elif check is finite_number:
        assert math.isfinite(value) and abs(value) <= MAX_MAGNITUDE


def test_bounds() -> None:
    assert record_id(str(SQLITE_MAX_INTEGER)) == SQLITE_MAX_INTEGER
    for bad in (str(SQLITE_MAX_INTEGER + 1), "0", "-1", "1.5", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            record_id(bad)
    assert year("2026") == 2026
    with pytest.raises(argparse.ArgumentTypeError):
        year("-2026")
    assert finite_number("0,95") == 0.95
    for bad in ("inf", "nan", "1e16", "-1e400"):
        with pytest.raises(argparse.ArgumentTypeError):
            finite_number(bad)
