"""Timing shared by the benchmarks (run as scripts from the repository root, so
`benchmarks/` is on the import path)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_of(repeat: int, job: Callable[[], object]) -> float:
    """The shortest of `repeat` runs of `job`, each after a garbage collection."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)
