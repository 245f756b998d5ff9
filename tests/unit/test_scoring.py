"""The scoring rule: weighted share of the best answer over answered, applicable items."""

from __future__ import annotations

from pathlib import Path

import pytest

from hospiperf_desktop.diagnostics.comparison import compare
from hospiperf_desktop.diagnostics.loader import load_template_file
from hospiperf_desktop.diagnostics.planning import Priority, computed_priority, propose_actions
from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport, score
from hospiperf_desktop.diagnostics.template import AnswerCode, Delay, Difficulty, Interest

Y, M, P, N, NA = (
    AnswerCode.YES,
    AnswerCode.MOSTLY,
    AnswerCode.PARTLY,
    AnswerCode.NO,
    AnswerCode.NA,
)
TEMPLATE = load_template_file(
    Path(__file__).parent.parent / "fixtures" / "questionnaires" / "test-mini.json"
)
ALL_IDS = [item.id for item in TEMPLATE.items]


def _axis(report: ScoreReport, axis_id: str) -> NodeScore:
    return next(a for a in report.axes if a.id == axis_id)


def test_all_yes_scores_100_and_all_no_scores_0() -> None:
    assert score(TEMPLATE, dict.fromkeys(ALL_IDS, Y)).overall.score == 100
    assert score(TEMPLATE, dict.fromkeys(ALL_IDS, N)).overall.score == 0


def test_not_concerned_is_left_out_of_both_sums() -> None:
    answers = dict.fromkeys(ALL_IDS, Y) | {"C.01": NA, "C.02": NA}
    report = score(TEMPLATE, answers)
    assert report.overall.score == 100
    assert report.overall.completion == 100
    only_na = {f"C.0{i}": NA for i in range(1, 6)}
    assert next(t for t in score(TEMPLATE, only_na).themes if t.id == "C1").score is None


def test_weights_are_honoured() -> None:
    # A.01 weight 2 (yes), A.02 weight 3 (no), A.03 weight 1 (partly): (2 + 0 + 1/3) / 6.
    report = score(TEMPLATE, {"A.01": Y, "A.02": N, "A.03": P})
    assert _axis(report, "A").score == pytest.approx(100 * (2 + 1 / 3) / 6)


def test_unanswered_items_lower_completion_not_score() -> None:
    report = score(TEMPLATE, {"B.01": Y, "B.02": M})
    axis = _axis(report, "B")
    assert axis.score == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert axis.completion == 40
    assert report.overall.completion == 10
    assert _axis(report, "A").score is None
    assert _axis(report, "A").completion == 0


def test_scores_roll_up_through_theme_axis_and_volet() -> None:
    answers = {f"C.0{i}": Y for i in range(1, 6)} | {f"C.{i:02d}": N for i in range(6, 11)}
    report = score(TEMPLATE, answers)
    themes = {t.id: t.score for t in report.themes}
    assert themes["C1"] == 100 and themes["C2"] == 0
    assert _axis(report, "C").score == 50
    assert next(v for v in report.volets if v.id == "PROC").score == 50


def test_critical_items_answered_badly_are_listed_whatever_the_score() -> None:
    answers = dict.fromkeys(ALL_IDS, Y) | {"A.01": P, "C.03": M}
    report = score(TEMPLATE, answers)
    assert report.overall.score > 90
    assert report.critical_failures == ("A.01",)
    assert score(TEMPLATE, {"C.03": N}).critical_failures == ("C.03",)
    assert score(TEMPLATE, {"C.03": NA}).critical_failures == ()


def test_priority_favours_high_interest_low_difficulty_short_delay() -> None:
    assert computed_priority(Interest.HIGH, Difficulty.LOW, Delay.SHORT) is Priority.HIGH
    assert computed_priority(Interest.MEDIUM, Difficulty.MEDIUM, Delay.MEDIUM) is Priority.MEDIUM
    assert computed_priority(Interest.LOW, Difficulty.HIGH, Delay.LONG) is Priority.LOW


def test_actions_are_proposed_for_weak_items_only_best_first() -> None:
    proposed = propose_actions(TEMPLATE, {"A.01": Y, "A.02": M, "B.02": N, "C.03": P})
    assert [(p.item_id, p.action_index) for p in proposed] == [
        ("C.03", 0),
        ("B.02", 1),
        ("B.02", 0),
    ]
    assert [p.priority for p in proposed] == [Priority.HIGH, Priority.MEDIUM, Priority.LOW]


def test_comparison_gives_delta_per_axis_and_items_that_got_worse() -> None:
    before = dict.fromkeys(ALL_IDS, M)
    after = before | {"A.01": Y, "B.01": N, "C.01": NA}
    comparison = compare(TEMPLATE, before, TEMPLATE, after)
    deltas = {a.id: a.delta for a in comparison.axes}
    # Axis A weighs 8 (A.01 = 2, A.02 = 3): A.01 going to yes lifts it from 2/3 to 6/8.
    assert deltas["A"] == pytest.approx(100 * 6 / 8 - 100 * 2 / 3)
    assert [c.item_id for c in comparison.worse] == ["B.01"]
    assert [c.item_id for c in comparison.better] == ["A.01"]
    assert deltas["C"] == 0
