"""Loading the calculators' parameter files (resources/calculators/*.json)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hospiperf_desktop.paths import resource_path


@cache
def parameters(name: str) -> dict[str, Any]:
    """The parsed file `resources/calculators/<name>.json` (format 1)."""
    path = resource_path("calculators", f"{name}.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != 1:
        raise ValueError(f"{path.name}: unsupported format {data.get('format')!r}")
    return data
