"""Answering a diagnostic at the keyboard, typed as a person does, read back from the service."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.model import EstablishmentInput
from ui.main_window import MainWindow

ES_TEMPLATE = "interdiag-medicaments-es"


@pytest.fixture
def es_opened(qtbot, window: MainWindow, services) -> MainWindow:
    """A new "Inter Diag Médicaments — établissement de santé", opened on its first theme."""
    establishment = services.establishments.add(
        EstablishmentInput(finess="750712184", name="Hôpital Saint-Exemple", kind="ch")
    )
    summary = services.diagnostics.create(ES_TEMPLATE, establishment.id, "Campagne clavier")
    page = window.diagnostics_page()
    window.navigation.setCurrentRow(1)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.select(summary.id)
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page.open_button.click()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5_000)
    return window


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """One key press, sent where a person's key press goes: to the focused widget."""
    qtbot.keyClick(_focused(), key, modifier)


def _type(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` key by key, each key going to whatever has the focus at that moment."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(_focused(), char)
        else:  # QTest knows only ASCII keys: send what a French keyboard sends for "é"
            key = ord(char.upper()) if ord(char.upper()) < 256 else 0
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(_focused(), event)


def _stored(window: MainWindow, other_services):  # type: ignore[no-untyped-def]
    assert window.runner.wait(10_000)
    view = window.diagnostics_page().answers
    return other_services.diagnostics.get(view.detail.summary.id).answers


def _kept(stored) -> dict[str, tuple[AnswerCode | None, str]]:  # type: ignore[no-untyped-def]
    """Every item that holds an answer or a comment: (code, comment)."""
    return {item_id: (a.code, a.comment) for item_id, a in stored.items() if a.code or a.comment}


def _status(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_comment_typed_after_tab_is_kept_and_its_digits_change_no_answer(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.03"].focus_answers()
    _press(qtbot, "3")
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focused() is view.item_widgets["A.03"].comment
    _type(qtbot, "Seulement 2 reunions en 2025")
    _press(qtbot, Qt.Key.Key_Tab)

    assert _focused() is view.item_widgets["A.04"].answer_bar
    assert _kept(_stored(es_opened, other_services)) == {
        "A.03": (AnswerCode.PARTLY, "Seulement 2 reunions en 2025")
    }


def test_a_comment_full_of_dates_changes_no_answer_on_its_item_or_the_next(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.01"].focus_answers()
    _press(qtbot, "2")  # Plutôt oui
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "Revue le 14/03/2025, puis le 04/11/2025 ; 3e version")
    _press(qtbot, Qt.Key.Key_Tab)
    _press(qtbot, "1")  # A.11 (split off A.01 in version 2.1, the next item): Oui
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "Décision 2024-15 du 02/05/2024")
    _press(qtbot, Qt.Key.Key_Return)  # Enter keeps the comment and the focus in it
    _type(qtbot, " 4 5 0")
    _press(qtbot, Qt.Key.Key_Tab)

    assert _kept(_stored(es_opened, other_services)) == {
        "A.01": (AnswerCode.MOSTLY, "Revue le 14/03/2025, puis le 04/11/2025 ; 3e version"),
        "A.11": (AnswerCode.YES, "Décision 2024-15 du 02/05/2024 4 5 0"),
    }


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1", AnswerCode.YES),
        ("2", AnswerCode.MOSTLY),
        ("3", AnswerCode.PARTLY),
        ("4", AnswerCode.NO),
        ("5", AnswerCode.NA),
    ],
)
def test_each_key_gives_the_same_answer_on_a_graded_item(
    qtbot, es_opened: MainWindow, other_services, key: str, expected: AnswerCode
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.03"].focus_answers()  # graded, "Non concerné" allowed
    _press(qtbot, key)
    assert _kept(_stored(es_opened, other_services)) == {"A.03": (expected, "")}
    _press(qtbot, "0")
    assert _kept(_stored(es_opened, other_services)) == {}


def test_on_a_yes_no_item_keys_2_3_5_do_nothing_and_the_status_bar_says_why(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.02"].focus_answers()  # yes/no, no "Non concerné"
    _press(qtbot, "1")
    assert _kept(_stored(es_opened, other_services)) == {"A.02": (AnswerCode.YES, "")}
    for key, label in (("2", "Plutôt oui"), ("3", "Partiellement"), ("5", "Non concerné")):
        _press(qtbot, key)
        assert _kept(_stored(es_opened, other_services)) == {"A.02": (AnswerCode.YES, "")}
        message = _status(es_opened)
        assert f"Touche {key} ({label})" in message and "A.02" in message
        assert "Oui (1), Non (4)" in message
    _press(qtbot, "4")
    assert _kept(_stored(es_opened, other_services)) == {"A.02": (AnswerCode.NO, "")}
    _press(qtbot, "7")
    assert "Touche 7 : aucune réponse" in _status(es_opened)
    _press(qtbot, "0")
    assert _kept(_stored(es_opened, other_services)) == {}


def test_key_5_answers_non_concerne_on_a_yes_no_item_that_allows_it(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.step_theme(1)  # theme A2: A.07 is yes/no with "Non concerné"
    view.item_widgets["A.07"].focus_answers()
    _press(qtbot, "5")
    _press(qtbot, "2")  # refused: no "Plutôt oui" on a yes/no item
    assert _kept(_stored(es_opened, other_services)) == {"A.07": (AnswerCode.NA, "")}


def test_graded_item_without_non_concerne_refuses_key_5(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.01"].focus_answers()
    _press(qtbot, "3")
    _press(qtbot, "5")
    assert _kept(_stored(es_opened, other_services)) == {"A.01": (AnswerCode.PARTLY, "")}
    assert "Touche 5 (Non concerné)" in _status(es_opened)


def test_tab_goes_answer_then_comment_then_next_answer_and_shift_tab_comes_back(
    qtbot, es_opened: MainWindow
) -> None:
    view = es_opened.diagnostics_page().answers
    widgets = list(view.item_widgets.values())
    stops = [w for widget in widgets for w in (widget.answer_bar, widget.comment)]
    widgets[0].focus_answers()
    for expected in stops[1:]:
        _press(qtbot, Qt.Key.Key_Tab)
        assert _focused() is expected
    for expected in reversed(stops[:-1]):
        _press(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert _focused() is expected


def test_ctrl_z_takes_back_the_last_answer_then_the_last_comment_and_both_are_audited(
    qtbot, es_opened: MainWindow, services, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.03"].focus_answers()
    _press(qtbot, "2")
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "CR de 2025 à relire")
    _press(qtbot, Qt.Key.Key_Tab)  # the comment is saved; focus on A.04's answers
    _press(qtbot, "4")
    assert _kept(_stored(es_opened, other_services)) == {
        "A.03": (AnswerCode.MOSTLY, "CR de 2025 à relire"),
        "A.04": (AnswerCode.NO, ""),
    }
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    assert _kept(_stored(es_opened, other_services)) == {
        "A.03": (AnswerCode.MOSTLY, "CR de 2025 à relire")
    }
    assert view.item_widgets["A.04"].code() is None
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    assert _kept(_stored(es_opened, other_services)) == {"A.03": (AnswerCode.MOSTLY, "")}
    assert view.item_widgets["A.03"].comment.text() == ""
    assert "A.03" in _status(es_opened)

    diagnostic = str(view.detail.summary.id)
    trail = [
        e.after
        for e in reversed(other_services.audit.recent())
        if e.action == "answer" and e.entity_id == diagnostic
    ]
    assert trail == [
        {"item": "A.03", "code": "mostly", "comment": ""},
        {"item": "A.03", "code": "mostly", "comment": "CR de 2025 à relire"},
        {"item": "A.04", "code": "no", "comment": ""},
        {"item": "A.04", "code": None, "comment": "", "undo": True},
        {"item": "A.03", "code": "mostly", "comment": "", "undo": True},
    ]
    assert services.audit.verify().ok


def test_ctrl_z_typed_in_a_comment_changes_no_answer(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.04"].focus_answers()
    _press(qtbot, "1")
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "a1")
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)  # the field's own text undo
    _press(qtbot, Qt.Key.Key_Tab)
    stored = _kept(_stored(es_opened, other_services))
    assert stored == {"A.04": (AnswerCode.YES, view.item_widgets["A.04"].comment.text())}
    assert stored["A.04"][1] in ("", "a", "a1")


def test_a_comment_being_typed_is_kept_when_the_theme_changes_by_keyboard(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.05"].focus_answers()
    _press(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "Matrice 2019, 12 fiches sur 40")
    _press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert view.current_theme is not None and view.current_theme.id == "A2"
    assert _kept(_stored(es_opened, other_services)) == {
        "A.05": (None, "Matrice 2019, 12 fiches sur 40")
    }


def test_the_item_that_takes_the_next_key_is_framed(qtbot, es_opened: MainWindow) -> None:
    view = es_opened.diagnostics_page().answers
    a03, a04 = view.item_widgets["A.03"], view.item_widgets["A.04"]
    a03.focus_answers()
    assert a03.answer_bar.property("keyFocus") is True and a03.property("current") is True
    assert a04.answer_bar.property("keyFocus") is False and a04.property("current") is False
    _press(qtbot, Qt.Key.Key_Tab)  # into A.03's comment: the card stays framed, not the bar
    assert a03.answer_bar.property("keyFocus") is False and a03.property("current") is True
    _press(qtbot, Qt.Key.Key_Tab)
    assert a03.property("current") is False
    assert a04.answer_bar.property("keyFocus") is True and a04.property("current") is True
    assert 'QFrame#answerBar[keyFocus="true"] { border: 2px solid' in view.styleSheet()


def test_the_keys_are_written_above_the_items(es_opened: MainWindow) -> None:
    view = es_opened.diagnostics_page().answers
    assert view.key_legend.isVisible()
    text = re.sub(r"<[^>]+>", "", view.key_legend.text())
    for words in ("1 Oui", "2 Plutôt oui", "3 Partiellement", "4 Non", "5 Non concerné"):
        assert words in text
    assert "0 efface" in text and "Tab" in text and "Ctrl+Z" in text
    a02 = view.item_widgets["A.02"]
    assert [b.text() for b in a02.buttons.values()] == ["Oui  (1)", "Non  (4)"]
    assert a02.answer_bar.accessibleDescription() == "Oui (1), Non (4)"  # screen readers


def test_ctrl_z_after_moving_to_the_next_theme_goes_back_and_takes_the_answer_back(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.05"].focus_answers()
    _press(qtbot, "4")
    _press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, "1")  # A.06, first item of theme A2
    assert _kept(_stored(es_opened, other_services)) == {
        "A.05": (AnswerCode.NO, ""),
        "A.06": (AnswerCode.YES, ""),
    }
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    assert view.current_theme is not None and view.current_theme.id == "A1"
    assert _focused() is view.item_widgets["A.05"].answer_bar
    assert _kept(_stored(es_opened, other_services)) == {}
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    assert _status(es_opened) == "Rien à annuler."
    assert _kept(_stored(es_opened, other_services)) == {}


def test_keys_on_a_validated_diagnostic_change_nothing_and_say_it_is_locked(
    qtbot, es_opened: MainWindow, services, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.01"].focus_answers()
    _press(qtbot, "1")
    assert es_opened.runner.wait(10_000)
    services.diagnostics.validate(view.detail.summary.id)
    page = es_opened.diagnostics_page()
    with qtbot.waitSignal(page.opened, timeout=10_000):
        page._reload_current()
    view.item_widgets["A.01"].focus_answers()
    for key in ("4", "0"):
        _press(qtbot, key)
        assert "verrouillées" in _status(es_opened)
    _press(qtbot, "z", Qt.KeyboardModifier.ControlModifier)
    assert _kept(_stored(es_opened, other_services)) == {"A.01": (AnswerCode.YES, "")}


def test_the_top_row_of_a_french_keyboard_answers_without_maj(
    qtbot, es_opened: MainWindow, other_services
) -> None:
    view = es_opened.diagnostics_page().answers
    view.item_widgets["A.03"].focus_answers()
    _type(qtbot, "é")  # the "2" key without Maj: Plutôt oui
    assert _kept(_stored(es_opened, other_services)) == {"A.03": (AnswerCode.MOSTLY, "")}
    _type(qtbot, "(")  # the "5" key: Non concerné
    assert _kept(_stored(es_opened, other_services)) == {"A.03": (AnswerCode.NA, "")}
    _type(qtbot, "à")  # the "0" key: clears
    assert _kept(_stored(es_opened, other_services)) == {}
