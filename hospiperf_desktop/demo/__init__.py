"""Demonstration data: realistic, fictitious, so that every screen has something to show.

Each module contributes one step (a function taking the services and a progress) to
DEMO_STEPS. `run_demo()` runs them all in a single transaction: cancelled or failed, it
leaves the database as it was; run twice, it adds nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hospiperf_desktop.demo.activity import add_activity
from hospiperf_desktop.demo.calculators import add_calculator_scenarios
from hospiperf_desktop.demo.diagnostics import add_diagnostics
from hospiperf_desktop.demo.foundation import add_establishments, add_profiles
from hospiperf_desktop.demo.removal import DemoRemoval, remove_demo
from hospiperf_desktop.demo.stock import add_stock
from hospiperf_desktop.progress import NullProgress, Progress
from hospiperf_desktop.services import Services

__all__ = ["DEMO_STEPS", "DemoRemoval", "DemoSummary", "remove_demo", "run_demo"]

DemoStep = Callable[[Services, Progress], int]

DEMO_STEPS: tuple[tuple[str, DemoStep], ...] = (
    ("profiles", add_profiles),
    ("establishments", add_establishments),
    ("diagnostics", add_diagnostics),
    ("stock", add_stock),
    ("activity", add_activity),
    ("calculators", add_calculator_scenarios),
)


@dataclass(frozen=True)
class DemoSummary:
    added: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.added.values())


def run_demo(services: Services, progress: Progress | None = None) -> DemoSummary:
    progress = progress or NullProgress()
    added: dict[str, int] = {}
    with services.database.write():
        for index, (name, step) in enumerate(DEMO_STEPS):
            progress.check_cancelled()
            progress.report(index, len(DEMO_STEPS), name)
            added[name] = step(services, progress)
        progress.report(len(DEMO_STEPS), len(DEMO_STEPS), "")
        progress.check_cancelled()
    return DemoSummary(added)
