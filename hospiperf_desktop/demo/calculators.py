"""Demo step of the calculators: two saved scenarios for the support hospital.

They are computed from the example files under `resources/examples/` (the GHT's three
pooling scenarios and a PAAT sheet), through the same readers a user's file goes through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hospiperf_desktop.calculators.files import read_paat, read_scenarios
from hospiperf_desktop.calculators.inputs import to_json
from hospiperf_desktop.calculators.logistics import compute
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.purchasing import evaluate
from hospiperf_desktop.errors import NotFoundError
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.progress import Progress

if TYPE_CHECKING:
    from hospiperf_desktop.services import Services

SUPPORT = "690990015"


def add_calculator_scenarios(services: Services, progress: Progress) -> int:
    try:
        establishment = services.establishments.by_finess(SUPPORT)
    except NotFoundError:
        return 0
    store = services.calculators
    if store.scenarios(establishment.id):
        return 0
    progress.check_cancelled()
    scenarios = read_scenarios(resource_path("examples", "logistique-ght.json"))
    store.save(
        establishment.id,
        "logistics",
        "Mutualisation du GHT : trois scénarios",
        {"scenarios": to_json(scenarios)},
        [compute(s) for s in scenarios],
        parameters("logistics")["version"],
    )
    lines = read_paat(resource_path("examples", "paat-2025.csv"))
    result = evaluate(lines)
    store.save(
        establishment.id,
        "purchasing",
        "PAAT 2025",
        {"lines": to_json(lines)},
        result,
        result.version,
    )
    return 2
