"""Journal d'audit: the quality officer filters the trail with the keyboard, reads one
entry's before and after, verifies the chain and sees the verdict in words."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import AUDIT_ROW, MainWindow
from ui.sections.audit_page import AuditPage


@pytest.fixture
def trail(services) -> tuple[Establishment, Establishment]:
    claire = services.profiles.add("Claire Martin", "quality_officer")
    services.profiles.set_current(claire.id)
    first = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu", beds=300)
    )
    services.establishments.update(
        first.id, replace(EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple",
                                             kind="chu", beds=300), beds=320)
    )  # fmt: skip
    second = services.establishments.add(
        EstablishmentInput(finess="690990015", name="Centre des Monts", kind="ch", beds=120)
    )
    services.activity.values.set_values(second.id, 2025, {("avis_pharmaceutiques", 0): 400})
    return first, second


def _open(qtbot, window: MainWindow) -> AuditPage:
    page = window.audit_page()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.navigation.setCurrentRow(AUDIT_ROW)
    return page


def _shown(page: AuditPage) -> list[tuple[str, ...]]:
    model = page.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_filters_chosen_by_typing_narrow_the_list(qtbot, window, trail) -> None:
    page = _open(qtbot, window)
    everything = _shown(page)
    assert len(everything) == 5  # a profile, two establishments created, one update, one value
    assert everything[0][2] == "Claire Martin (Qualiticien)"  # the role in French

    page.establishment.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClicks(page.establishment, "H")  # QTest types ASCII only
    rows = _shown(page)
    assert {row[3] for row in rows} == {"750712184"}
    assert [row[5] for row in rows] == ["modification", "création"]

    page.kind.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        qtbot.keyClicks(page.kind, "Val")  # Valeur d'activité: none for this establishment
    assert _shown(page) == []
    assert page.count.text() == "0 entrée(s) affichée(s) sur 0"


def test_an_entry_shows_each_field_before_and_after(qtbot, window, trail) -> None:
    page = _open(qtbot, window)
    update_row = next(i for i, row in enumerate(_shown(page)) if row[5] == "modification")
    page.table.setFocus()
    page.table.selectRow(0)
    for _ in range(update_row):
        qtbot.keyClick(page.table, Qt.Key.Key_Down)
    details = {
        page.details.item(r, 0).text(): (page.details.item(r, 1).text(),
                                         page.details.item(r, 2).text())
        for r in range(page.details.rowCount())
    }  # fmt: skip
    assert details["Nombre de lits"] == ("300", "320")  # fields and codes in French
    assert details["Nom"] == ("Hôpital Saint-Exemple", "Hôpital Saint-Exemple")
    assert details["Type"] == ("CHU", "CHU")
    assert not {"beds", "name", "kind"} & set(details)
    assert (
        page.details.item(
            next(
                r
                for r in range(page.details.rowCount())
                if page.details.item(r, 0).text() == "Nombre de lits"
            ),
            2,
        )
        .font()
        .bold()
    )


def test_each_entry_names_its_object_for_people(qtbot, window, trail) -> None:
    objects = {row[4]: row[6] for row in _shown(_open(qtbot, window))}
    assert objects["Établissement"] in {
        "Hôpital Saint-Exemple (750712184)", "Centre des Monts (690990015)"
    }  # fmt: skip
    assert objects["Valeur d'activité"] == "Avis pharmaceutiques émis — année 2025"
    assert objects["Profil"].startswith("Claire Martin (")


def test_verify_the_chain_says_in_words_that_it_is_intact(qtbot, window, trail) -> None:
    page = _open(qtbot, window)
    with qtbot.waitSignal(page.verified, timeout=20_000):
        qtbot.keyClick(page, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert page.verdict.text().startswith("La chaîne est intacte : 5 entrée(s) vérifiée(s)")
    assert window.runner.wait(20_000)


def test_scrolling_to_the_end_fetches_the_next_page(qtbot, window, trail, monkeypatch) -> None:
    import ui.sections.audit_page as audit_page

    monkeypatch.setattr(audit_page, "PAGE_SIZE", 2)
    page = _open(qtbot, window)
    assert page.model.rowCount() == 2 and page.model.total == 5
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=20_000)
    ids = [int(row[0]) for row in _shown(page)]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5
    assert page.count.text() == "5 entrée(s) affichée(s) sur 5"
