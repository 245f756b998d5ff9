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


def test_saved_import_mappings_are_listed_in_french_order(services: Services) -> None:
    from hospiperf_desktop.stock.mapping import ColumnMapping, ImportKind

    mapping = ColumnMapping(ImportKind.SNAPSHOT, {"product_code": "Code", "quantity": "Qté"})
    for name in ["Pharma Seringue", "Évolution Pharma", "Zéphyr", "Export Pharma", "abbaye"]:
        services.stock.imports.save_mapping(name, mapping)

    assert [m.name for m in services.stock.imports.mappings()] == [
        "abbaye",
        "Évolution Pharma",
        "Export Pharma",
        "Pharma Seringue",
        "Zéphyr",
    ]


def test_sterilisation_comparisons_are_listed_in_french_order(services: Services) -> None:
    """Other establishments' studies of the year, by establishment then study, in French order;
    the establishment's own N-1 studies first."""
    own = services.establishments.add(make_input(1, name="CH Propre")).id
    for serial, name in enumerate(["Zéphyr", "Étoile", "Abbaye", "Esterel"], start=2):
        other = services.establishments.add(make_input(serial, name=name)).id
        for study in ["Étude B", "étude a"]:
            services.calculators.save(
                other, "sterilisation", study, {"year": 2026}, {"total_cost": 1.0}, "1"
            )
    services.calculators.save(own, "sterilisation", "Écart", {"year": 2025}, {}, "1")

    labels = [c["label"] for c in services.calculators.sterilisation_comparisons(own, 2026)]
    assert labels == [
        "N-1 — Écart",
        "Abbaye — étude a",
        "Abbaye — Étude B",
        "Esterel — étude a",
        "Esterel — Étude B",
        "Étoile — étude a",
        "Étoile — Étude B",
        "Zéphyr — étude a",
        "Zéphyr — Étude B",
    ]
