"""The sterilisation questionnaire is renamed for what it is in a new version (2.1); a
diagnostic made with the old file (2.0, "Autodiagnostic Stérilisation") keeps its title."""

from __future__ import annotations

import json
from pathlib import Path

from integration_support import make_input

from hospiperf_desktop.diagnostics.loader import TemplateLibrary
from hospiperf_desktop.services import open_services

SHIPPED = Path(__file__).parents[2] / "resources" / "questionnaires" / "sterilisation.json"


def test_the_renamed_questionnaire_is_a_new_version_and_old_diagnostics_keep_the_old_title(
    db_file: Path, tmp_path: Path
) -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    # 2.1 renamed it; later versions (2.2: issue 20 review) keep the new title.
    assert tuple(map(int, shipped["version"].split("."))) >= (2, 1)
    assert shipped["title"] == "Stérilisation : auto-évaluation de l’organisation et de la qualité"
    assert "conçue par nous" in shipped["structure_note"]
    assert "Calculateurs" in shipped["structure_note"]
    library = tmp_path / "library"
    library.mkdir()
    old = {**shipped, "version": "2.0", "title": "Autodiagnostic Stérilisation"}
    (library / "sterilisation.json").write_text(json.dumps(old), encoding="utf-8")
    services = open_services(db_file, TemplateLibrary(library))
    try:
        establishment = services.establishments.add(make_input(1))
        before = services.diagnostics.create("sterilisation", establishment.id).id
    finally:
        services.close()
    (library / "sterilisation.json").write_text(
        SHIPPED.read_text(encoding="utf-8"), encoding="utf-8"
    )
    services = open_services(db_file, TemplateLibrary(library))
    try:
        kept = services.diagnostics.get(before).template
        assert (kept.version, kept.title) == ("2.0", "Autodiagnostic Stérilisation")
        after = services.diagnostics.create("sterilisation", establishment.id).id
        renewed = services.diagnostics.get(after).template
        assert renewed.version == shipped["version"]
        assert renewed.title.startswith("Stérilisation : auto")
    finally:
        services.close()
