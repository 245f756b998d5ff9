"""Lists from the database come in French order (SQLite collation 'french')."""

from __future__ import annotations

from integration_support import make_input

from hospiperf_desktop.services import Services


def test_establishments_and_profiles_are_listed_in_french_order(services: Services) -> None:
    for serial, name in enumerate(["Seringue", "Énoxaparine", "Zéphyr", "Enalapril", "abbaye"]):
        services.establishments.add(make_input(serial + 1, name=name))
    for name in ["Émilie", "Zoé", "Eric", "Sophie"]:
        services.profiles.add(name, "pharmacist")

    assert [e.name for e in services.establishments.list()] == [
        "abbaye",
        "Enalapril",
        "Énoxaparine",
        "Seringue",
        "Zéphyr",
    ]
    assert [p.name for p in services.profiles.list()] == ["Émilie", "Eric", "Sophie", "Zoé"]
