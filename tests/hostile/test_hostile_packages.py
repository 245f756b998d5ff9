"""Every hostile reference package is refused cleanly by `hospiperf library import`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.packages import CASES
from tests.hostile.run_hostile import check_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_package_is_refused_and_installs_nothing(name: str, tmp_path: Path) -> None:
    ok, line = check_case(name, tmp_path)
    assert ok, line
