"""Answering a questionnaire through the real widgets, and what the screens then show."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.model import EstablishmentInput
from hospiperf_desktop.paths import resource_path
from hospiperf_desktop.services import Services
from ui.main_window import MainWindow
from ui.sections.diagnostics.dialogs import ComparisonDialog, EvidenceDialog, NewDiagnosticDialog
from ui.sections.diagnostics.plan_view import NewActionDialog

TEMPLATE = "conciliation-medicamenteuse"


def _nbsp(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def opened(qtbot, window: MainWindow, services) -> MainWindow:
    """A new conciliation diagnostic, opened in the Diagnostics section."""
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu")
    )
    summary = services.diagnostics.create(TEMPLATE, establishment.id, "Campagne test")
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.select(summary.id)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.open_button.click()
    return window


def _answer_view(window: MainWindow):  # type: ignore[no-untyped-def]
    return window.diagnostics_page().answers


def _wait_saved(window: MainWindow) -> None:
    assert window.runner.wait(10_000)


def test_answering_with_the_keyboard_saves_each_answer_and_updates_completion(
    qtbot, opened: MainWindow, other_services
) -> None:
    view = _answer_view(opened)
    theme = view.current_theme
    assert theme is not None and theme.id == view.detail.template.themes[0].id
    for widget in view.item_widgets.values():
        widget.focus_answers()
        qtbot.keyClick(widget.focusWidget() or widget, "1")  # 1 = Oui
    _wait_saved(opened)

    total = len(view.detail.template.items)
    answered = len(theme.items)
    stored = other_services.diagnostics.get(view.detail.summary.id).codes()
    assert stored == dict.fromkeys((i.id for i in theme.items), AnswerCode.YES)
    expected = _nbsp(f"{100 * answered / total:.1f} %".replace(".", ","))
    assert _nbsp(view.completion_bar.text()) == expected
    theme_row = view._theme_items[theme.id]
    assert _nbsp(theme_row.text(1)) == f"100,0 %  ({answered}/{answered})"


def test_scores_shown_follow_the_answers_given(qtbot, opened: MainWindow) -> None:
    view = _answer_view(opened)
    widgets = list(view.item_widgets.values())
    widgets[0].focus_answers()
    qtbot.keyClick(widgets[0].focusWidget(), "1")  # Oui
    qtbot.keyClick(widgets[1].buttons[AnswerCode.YES], "2")  # keys work from any answer button
    widgets[1].buttons[AnswerCode.NO].click()  # Non, by mouse
    _wait_saved(opened)
    opened.diagnostics_page().tabs.setCurrentWidget(opened.diagnostics_page().results)
    text = _nbsp(opened.diagnostics_page().results.overall_label.text())
    w0, w1 = widgets[0].item.weight, widgets[1].item.weight  # Oui weighs w0, Non adds w1
    expected = f"{100 * w0 / (w0 + w1):.1f}".replace(".", ",")
    assert text.startswith(f"Score global : {expected} % — complétude :")
    assert "(2 items répondus sur" in text


def test_next_theme_by_keyboard_and_the_comment_is_saved(
    qtbot, opened: MainWindow, other_services
) -> None:
    view = _answer_view(opened)
    first = view.current_theme
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.current_theme is not None and view.current_theme != first
    widget = next(iter(view.item_widgets.values()))
    widget.comment.setFocus()
    widget.comment.insert("Vu avec le cadre de santé")
    widget.comment.editingFinished.emit()
    _wait_saved(opened)
    stored = other_services.diagnostics.get(view.detail.summary.id).answers
    assert stored[widget.item.id].comment == "Vu avec le cadre de santé"


def test_validating_locks_the_answers_and_proposes_the_plan(
    qtbot, opened: MainWindow, monkeypatch
) -> None:
    view = _answer_view(opened)
    for widget in view.item_widgets.values():
        widget.choose(
            widget.item.codes[-2] if AnswerCode.NA in widget.item.codes else AnswerCode.NO
        )
    _wait_saved(opened)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = opened.diagnostics_page()
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.validate_button.click()
    assert view.lock_banner.isVisible()
    assert not any(b.isEnabled() for w in view.item_widgets.values() for b in w.buttons.values())
    assert page.reopen_button.isEnabled() and not page.validate_button.isEnabled()
    assert page.plan.model.rowCount() >= len(view.item_widgets)
    first_row = [page.plan.model.index(0, c).data() for c in range(8)]
    assert first_row[0] in ("Haute", "Moyenne", "Basse") and first_row[7] == "À faire"


def test_new_diagnostic_dialog_creates_and_opens_it(qtbot, window: MainWindow, services) -> None:
    services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu")
    )
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.new_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, NewDiagnosticDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, NewDiagnosticDialog)
    dialog.template.setCurrentIndex(dialog.template.findData("radiopharmacie"))
    dialog.label.insert("Radiopharmacie 2026")
    with qtbot.waitSignal(page.opened, timeout=10_000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert "Radiopharmacie 2026" in page.detail_title.text()
    assert [d.label for d in services.diagnostics.list()] == ["Radiopharmacie 2026"]


def test_comparing_two_campaigns_shows_deltas_worse_items_and_both_radars(
    qtbot, opened: MainWindow, services, monkeypatch
) -> None:
    page = opened.diagnostics_page()
    current = page.current.detail.summary  # the open campaign is the earlier one
    later = services.diagnostics.create(TEMPLATE, current.establishment_id, "Campagne 2027")
    item = page.current.detail.template.items[0]
    services.diagnostics.answer(later.id, item.id, AnswerCode.NO)
    next(iter(page.answers.item_widgets.values())).choose(AnswerCode.YES)
    _wait_saved(opened)
    monkeypatch.setattr(
        "ui.sections.diagnostics.page.choose_campaigns", lambda _c, others, _p: others[0]
    )
    page.compare_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, ComparisonDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, ComparisonDialog)
    axis = page.current.detail.template.places[item.id].axis
    row = next(
        r
        for r in range(dialog.axes_table.rowCount())
        if dialog.axes_table.item(r, 0).text().startswith(f"{axis.id} —")
    )
    assert [_nbsp(dialog.axes_table.item(row, c).text()) for c in (1, 2, 3)] == [
        "100,0 %",
        "0,0 %",
        "-100,0",
    ]
    assert dialog.worse.item(0).text().startswith(f"{item.id} — ")
    assert dialog.worse.item(0).text().endswith("(Oui → Non)")
    assert dialog.body.count() == 2, "the table side and the radar"


def _versions_of_the_model() -> tuple[bytes, bytes]:
    """The shipped model questionnaire as 1.0 with a sixth item A.06, and as 1.1 without
    A.06, with A.01 reworded and a new A.07."""
    model = json.loads((resource_path("examples") / "questionnaire-modele.json").read_bytes())
    items = model["volets"][0]["axes"][0]["themes"][0]["items"]
    first, second = copy.deepcopy(model), copy.deepcopy(model)
    sixth = {**items[4], "id": "A.06", "text": "Les clés de l'armoire sont rangées à part."}
    first["volets"][0]["axes"][0]["themes"][0]["items"].append(sixth)
    later = second["volets"][0]["axes"][0]["themes"][0]["items"]
    second["version"] = "1.1"
    later[0]["text"] = "La dotation de l'armoire est affichée et datée de moins d'un an."
    later.append({**items[4], "id": "A.07", "text": "Le réfrigérateur est relevé chaque jour."})
    return (
        json.dumps(first, ensure_ascii=False).encode(),
        json.dumps(second, ensure_ascii=False).encode(),
    )


def test_comparing_campaigns_on_two_versions_names_added_removed_and_reworded_items(
    qtbot, window: MainWindow, services: Services, monkeypatch
) -> None:
    library = services.questionnaires
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="chu")
    )
    older, newer = _versions_of_the_model()
    library.install(older, "workbook", "armoires-1.0.xlsx")
    before = services.diagnostics.create("audit-armoires-services", establishment.id, "2026")
    library.install(newer, "workbook", "armoires-1.1.xlsx")
    after = services.diagnostics.create("audit-armoires-services", establishment.id, "2027")
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.select(after.id)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.open_button.click()
    monkeypatch.setattr(
        "ui.sections.diagnostics.page.choose_campaigns", lambda _c, others, _p: others[0]
    )
    page.compare_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, ComparisonDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, ComparisonDialog)
    assert not dialog.version_changes.isHidden()
    assert "version 1.0 à la version 1.1" in dialog.versions_title.text()
    lines = [dialog.version_changes.item(r).text() for r in range(dialog.version_changes.count())]
    assert lines == [
        "Ajouté : A.07 — Le réfrigérateur est relevé chaque jour.",
        "Retiré : A.06 — Les clés de l'armoire sont rangées à part.",
        "Reformulé : A.01 — « "
        + json.loads(older)["volets"][0]["axes"][0]["themes"][0]["items"][0]["text"]
        + " » devient « La dotation de l'armoire est affichée et datée de moins d'un an. »",
    ]
    assert services.diagnostics.get(before.id).template.version == "1.0"  # pinned


def test_comparing_campaigns_on_one_version_shows_no_version_changes(
    qtbot, opened: MainWindow, services: Services, monkeypatch
) -> None:
    page = opened.diagnostics_page()
    current = page.current.detail.summary
    services.diagnostics.create(TEMPLATE, current.establishment_id, "Campagne 2027")
    monkeypatch.setattr(
        "ui.sections.diagnostics.page.choose_campaigns", lambda _c, others, _p: others[0]
    )
    page.compare_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, ComparisonDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, ComparisonDialog)
    assert dialog.version_changes.isHidden() and dialog.versions_title.isHidden()


def test_following_a_plan_action_records_owner_due_date_and_status(
    qtbot, opened: MainWindow, other_services, monkeypatch
) -> None:
    view = _answer_view(opened)
    next(iter(view.item_widgets.values())).choose(AnswerCode.NO)
    _wait_saved(opened)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = opened.diagnostics_page()
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.validate_button.click()
    page.tabs.setCurrentWidget(page.plan)
    page.plan.table.selectRow(0)
    page.plan.edit_button.click()
    dialog = page.plan.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.owner.setText("Mme Durand")  # replaces the role the questionnaire suggests
    dialog.has_due.setChecked(True)
    dialog.due.clear()
    qtbot.keyClicks(dialog.due, "31/03/2027")
    dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
    with qtbot.waitSignal(page.plan.changed, timeout=10_000):
        dialog.accept()
    row = [page.plan.model.index(0, c).data() for c in range(8)]
    assert row[5:] == ["Mme Durand", "31/03/2027", "En cours"]
    stored = other_services.plans.plan(page.current.detail.summary.id)[0]
    assert (stored.owner, stored.due_date.isoformat()) == ("Mme Durand", "2027-03-31")


def test_a_bad_answer_sheet_is_refused_in_french_naming_line_and_column(
    qtbot, opened: MainWindow, tmp_path, monkeypatch, other_services
) -> None:
    sheet = tmp_path / "réponses.csv"
    sheet.write_text("item_id;answer\nA.01;Oui\nA.02;peut-être\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(sheet), "")
    )
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    page = opened.diagnostics_page()
    page.import_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].splitlines() == [
        "Le fichier est refusé, rien n'a été enregistré :",
        "réponses.csv, ligne 3, colonne B (answer) : réponse inconnue « peut-être » "
        "(attendu : Oui, Plutôt oui, Partiellement, Non, Non concerné, ou yes, mostly, "
        "partly, no, na)",
    ]
    assert other_services.diagnostics.get(page.current.detail.summary.id).answers == {}


def test_key_zero_takes_an_answer_back(qtbot, opened: MainWindow, other_services) -> None:
    view = _answer_view(opened)
    widget = next(iter(view.item_widgets.values()))
    widget.focus_answers()
    qtbot.keyClick(widget.focusWidget(), "1")
    _wait_saved(opened)
    qtbot.keyClick(widget.focusWidget(), "0")
    _wait_saved(opened)
    assert widget.code() is None
    assert _nbsp(view.completion_bar.text()) == "0,0 %"
    stored = other_services.diagnostics.get(view.detail.summary.id).codes()
    assert stored == {widget.item.id: None}


def test_an_evidence_file_is_attached_to_an_item_with_its_sha256(
    qtbot, opened: MainWindow, tmp_path, monkeypatch, other_services
) -> None:
    proof = tmp_path / "procédure conciliation.pdf"
    proof.write_bytes(b"%PDF-1.4 procedure")
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: (str(proof), "")
    )
    page = opened.diagnostics_page()
    widget = next(iter(page.answers.item_widgets.values()))
    widget.evidence_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EvidenceDialog)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        dialog.findChild(QPushButton, "addEvidence").click()
    item_id = widget.item.id
    assert page.answers.item_widgets[item_id].evidence_button.text() == "Preuves (1)…"
    detail = other_services.diagnostics.get(page.current.detail.summary.id)
    [stored] = detail.evidence
    assert (stored.item_id, stored.filename) == (item_id, "procédure conciliation.pdf")
    assert stored.sha256 == hashlib.sha256(proof.read_bytes()).hexdigest()


def test_the_team_adds_its_own_action_to_the_plan(
    qtbot, opened: MainWindow, other_services
) -> None:
    page = opened.diagnostics_page()
    page.tabs.setCurrentWidget(page.plan)
    page.plan.add_button.click()
    dialog = page.plan.dialog
    assert isinstance(dialog, NewActionDialog)
    items = page.current.detail.template.items
    qtbot.keyClick(dialog.item, Qt.Key.Key_Down)  # the next item: its whole wording below
    assert dialog.item.currentData() == items[1].id
    assert dialog.item_text.text() == items[1].text
    dialog.text.setText("Présenter la conciliation en CME")
    dialog.interest.setCurrentIndex(dialog.interest.findData("fort"))
    dialog.difficulty.setCurrentIndex(dialog.difficulty.findData("faible"))
    dialog.delay.setCurrentIndex(dialog.delay.findData("court"))
    with qtbot.waitSignal(page.plan.changed, timeout=10_000):
        dialog.accept()
    row = [page.plan.model.index(0, c).data() for c in range(8)]
    assert row[:3] == ["Haute", dialog.item.currentData(), "Présenter la conciliation en CME"]
    assert len(other_services.plans.plan(page.current.detail.summary.id)) == 1


def test_answers_given_are_still_shown_after_going_to_another_theme_and_back(
    qtbot, opened: MainWindow
) -> None:
    view = _answer_view(opened)
    widget = next(iter(view.item_widgets.values()))
    item_id = widget.item.id
    widget.choose(AnswerCode.NO)
    widget.comment.setText("Pas de procédure écrite")
    widget.comment.editingFinished.emit()
    _wait_saved(opened)
    view.step_theme(1)
    view.step_theme(-1)
    again = view.item_widgets[item_id]
    assert again.code() is AnswerCode.NO
    assert again.comment.text() == "Pas de procédure écrite"


def test_results_name_the_answer_of_each_critical_failure(qtbot, opened: MainWindow) -> None:
    view = _answer_view(opened)
    template = view.detail.template
    critical = next(item for item in template.items if item.critical)
    view.tree.setCurrentItem(view._theme_items[template.places[critical.id].theme.id])
    view.item_widgets[critical.id].choose(AnswerCode.NO)
    _wait_saved(opened)
    page = opened.diagnostics_page()
    page.tabs.setCurrentWidget(page.results)
    text = page.results.critical_label.text()
    assert f"<b>{critical.id}</b>" in text and "<i>(Non)</i>" in text


def test_back_to_the_list_shows_the_completion_of_answers_just_typed(
    qtbot, opened: MainWindow, other_services
) -> None:
    page = opened.diagnostics_page()
    view = _answer_view(opened)
    page.back_to_list()  # listed once with no answer: its score is now in the service's cache
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model_rows()[0].completion == 0)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.open(page.model_rows()[0].id)
    widget = next(iter(view.item_widgets.values()))
    widget.focus_answers()
    qtbot.keyClick(widget.focusWidget(), "1")  # Oui
    _wait_saved(opened)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.back_to_list()
    listed = page.model_rows()[0]
    stored = other_services.diagnostics.get(listed.id).summary
    assert listed.completion == stored.completion > 0
    assert listed.score == stored.score


def test_results_charts_drawn_in_the_worker_are_those_of_the_answers_typed(
    qtbot, opened: MainWindow, other_services
) -> None:
    from PySide6.QtGui import QImage

    from hospiperf_desktop.diagnostics.charts import png_bytes, radar_figure, theme_bars_figure
    from ui.sections.diagnostics.charts import SCREEN_DPI

    page = opened.diagnostics_page()
    view = _answer_view(opened)
    widget = next(iter(view.item_widgets.values()))
    widget.focus_answers()
    qtbot.keyClick(widget.focusWidget(), "4")  # Non
    _wait_saved(opened)
    page.tabs.setCurrentWidget(page.results)
    assert page.results.radar is None, "the charts are not drawn on the GUI thread"
    qtbot.waitUntil(lambda: page.results.radar is not None, timeout=20_000)
    stored = other_services.diagnostics.score(view.detail.summary.id)
    for shown, figure in (
        (page.results.radar, radar_figure(stored)),
        (page.results.bars, theme_bars_figure(stored)),
    ):
        assert shown is not None
        expected = QImage.fromData(png_bytes(figure, SCREEN_DPI), "PNG")
        assert shown.original.toImage().convertToFormat(expected.format()) == expected
