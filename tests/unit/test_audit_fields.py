"""The audit trail in French: every kind of change, field and coded value by its name."""

from __future__ import annotations

import re
from pathlib import Path

from hospiperf_desktop.audit.fields import field_label, object_label, value_label
from hospiperf_desktop.audit.journal import ACTION_LABELS, ENTITY_LABELS

CORE = Path(__file__).resolve().parents[2] / "hospiperf_desktop"


def _recorded(pattern: str) -> set[str]:
    found: set[str] = set()
    for source in CORE.rglob("*.py"):
        found |= set(re.findall(pattern, source.read_text(encoding="utf-8"), re.MULTILINE))
    return found


def test_every_kind_of_change_and_action_the_core_records_has_a_french_name() -> None:
    entities = _recorded(r'\bentity="([a-z_]+)"') | _recorded(r'^ENTITY = "([a-z_]+)"')
    assert {"establishment", "diagnostic", "ars_key"} <= entities  # the search finds them
    assert entities - set(ENTITY_LABELS) == set()
    actions = _recorded(r'\baction="([a-z_]+)"') - {"store_true", "store_const"}  # argparse
    assert actions - set(ACTION_LABELS) == set()


def test_fields_values_and_objects_unknown_to_the_names_are_shown_as_recorded() -> None:
    assert field_label("establishment", "beds") == "Nombre de lits"
    assert field_label("diagnostic", "code") == "Réponse"  # a kind of change's own name
    assert field_label("product", "code") == "Code"
    assert value_label("plan_action", "status", "in_progress") == "En cours"
    assert value_label("supplier", "lead_time_profile", "mainland_sea").startswith("Métropole")
    assert value_label("plan_action", "priority", 1) == "Haute"
    assert field_label("future_thing", "new_field") == "new_field"
    assert value_label("plan_action", "status", "someday") == "someday"
    assert value_label("product", "mitm", True) is True
    assert object_label("future_thing", "7/x", []) == "7/x"
    assert object_label("activity_value", "690990015/2026/03/avis_pharmaceutiques", []) == (
        "Avis pharmaceutiques émis — 03/2026"
    )
