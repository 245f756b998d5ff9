"""Removing the demonstration data in one action, and nothing of the user's.

Demo establishments and profiles are marked `fictitious` when the demo adds them; every
other demo row (diagnostics, stock, activity, scenarios) hangs off a demo establishment.
The demo creates no signing key, so there is none to remove.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from hospiperf_desktop.establishments.model import EstablishmentContents

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services


@dataclass(frozen=True)
class DemoRemoval:
    establishments: int = 0
    profiles: int = 0
    # Rows removed with the establishments, per kind (diagnostics, stock_lines, …).
    data: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.establishments + self.profiles + sum(self.data.values())


def remove_demo(services: Services) -> DemoRemoval:
    """Delete every fictitious establishment with its data and every fictitious profile, in
    one transaction with one audit entry per deleted establishment and profile, and a last
    entry summing up."""
    demo = [e for e in services.establishments.list() if e.fictitious]
    totals = dict.fromkeys(asdict(EstablishmentContents()), 0)
    with services.database.write() as session:
        for establishment in demo:
            contents = services.establishments.remove(session, establishment.id)
            for name, count in asdict(contents).items():
                totals[name] += count
        profiles = services.profiles.remove_fictitious(session)
        summary = DemoRemoval(len(demo), profiles, totals)
        services.audit.record(
            session,
            action="remove",
            entity="demo",
            entity_id="demo",
            before={"establishments": summary.establishments, "profiles": profiles, **totals},
        )
    from hospiperf_desktop.content_cache import forget_documents

    forget_documents(services.database.path)  # the demo's reports go with it
    return summary
