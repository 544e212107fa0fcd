"""Certainty-based marking and calibration against values worked out by hand.

Moodle's CBM (../shared/source/statistics.md): marks 1/0, 2/−2, 3/−6; the
bonus is 0.1 × (average CBM mark − the best average expected at the same
accuracy), where the expected average at accuracy p is the largest of
p, 4p − 2 and 9p − 6.
"""

import datetime

import pytest

from quizzes import confidence
from quizzes.confidence import Confidence
from quizzes.statistics import AttemptRow, ChoiceInfo, QuestionInfo, analyse

NOT, FAIRLY, VERY = Confidence.NOT_SURE, Confidence.FAIRLY_SURE, Confidence.VERY_SURE


@pytest.mark.parametrize(
    ("level", "right", "wrong"), [(NOT, 1, 0), (FAIRLY, 2, -2), (VERY, 3, -6)]
)
def test_cbm_marks_follow_moodles_table(level, right, wrong):
    assert confidence.cbm_mark(level, 1.0) == right
    assert confidence.cbm_mark(level, 0.0) == wrong


def test_a_partial_mark_scales_the_reward():
    assert confidence.cbm_mark(VERY, 0.5) == 1.5


@pytest.mark.parametrize(
    ("accuracy", "expected"),
    # p = .5: max(.5, 0, −1.5); p = .75: max(.75, 1, .75); p = .9: max(.9,
    # 1.6, 2.1).
    [(0.5, 0.5), (0.75, 1.0), (0.9, 2.1), (1.0, 3.0), (0.0, 0.0)],
)
def test_expected_average_is_the_best_single_level(accuracy, expected):
    assert confidence.expected_for_accuracy(accuracy) == pytest.approx(expected)


def test_honest_certainty_earns_a_bonus_and_bluffing_a_penalty():
    # Right at "Very sure", wrong at "Not sure": accuracy .5, average
    # (3 + 0) / 2 = 1.5, expected .5, bonus .1 × 1 = .1.
    honest = confidence.cbm_summary([(VERY, 1.0), (NOT, 0.0)])
    assert honest.accuracy == 0.5 and honest.average == 1.5
    assert honest.bonus == pytest.approx(0.1)
    assert honest.accuracy_and_bonus == pytest.approx(0.6)
    # The same answers with the certainty the other way round: average
    # (1 − 6) / 2 = −2.5, bonus .1 × (−2.5 − .5) = −.3.
    bluff = confidence.cbm_summary([(NOT, 1.0), (VERY, 0.0)])
    assert bluff.bonus == pytest.approx(-0.3)


def test_cbm_score_keeps_unrated_marks_and_adds_the_bonus_per_rated_answer():
    # Two rated answers (bonus .1 each) and two plain ones (1 and 0):
    # (1 + 0 + 1 + 0 + 2 × .1) / 4 = .55.
    rows = [(VERY, 1.0), (NOT, 0.0), (None, 1.0), (None, 0.0)]
    assert confidence.cbm_score(rows) == 55.0


def test_cbm_score_never_goes_below_zero():
    # Accuracy 0, average −6, expected 0: −60 %, shown as 0.
    assert confidence.cbm_score([(VERY, 0.0), (VERY, 0.0)]) == 0.0


def test_cbm_score_of_all_right_at_very_sure_is_a_hundred():
    assert confidence.cbm_score([(VERY, 1.0)] * 3) == 100.0


def test_no_rated_answer_has_no_summary():
    assert confidence.cbm_summary([(None, 1.0)]) is None
    assert confidence.cbm_score([(None, 1.0), (None, 0.0)]) == 50.0


def test_confidently_wrong_is_wrong_at_very_sure_only():
    assert confidence.is_confidently_wrong(VERY, 0.0)
    assert not confidence.is_confidently_wrong(VERY, 1.0)
    assert not confidence.is_confidently_wrong(FAIRLY, 0.0)
    assert not confidence.is_confidently_wrong(None, 0.0)


def test_calibration_gives_each_level_its_share_count_and_judgement():
    levels = confidence.calibration({NOT: (4, 2), FAIRLY: (10, 9), VERY: (20, 12)})
    by_level = {level.level: level for level in levels}
    assert [level.label for level in levels] == ["Not sure", "Fairly sure", "Very sure"]
    # 2 of 4 = 50 %: inside 50–67 %.
    assert by_level[NOT].share == 0.5 and by_level[NOT].judgement == "within"
    # 9 of 10 = 90 %, above 67–80 %; (.9 − .8)² × 10 = .1: only a little.
    assert by_level[FAIRLY].judgement == "above"
    assert not by_level[FAIRLY].is_clear
    # 12 of 20 = 60 %, below 80 %; (.6 − .8)² × 20 = .8 > .5: clearly.
    assert by_level[VERY].percent == 60
    assert by_level[VERY].judgement == "below" and by_level[VERY].is_clear


def test_a_level_without_answers_has_no_share():
    (level, *_rest) = confidence.calibration({})
    assert level.answers == 0 and level.share is None and level.judgement is None


def test_the_chart_waits_for_enough_rated_answers():
    waiting = confidence.chart_context({VERY: (6, 3), NOT: (3, 1)})
    assert waiting["rated"] == 9 and waiting["needed"] == 1
    assert waiting["chart"] is None
    shown = confidence.chart_context({VERY: (7, 3), NOT: (3, 1)})
    assert shown["needed"] == 0 and shown["chart"] is not None


def test_the_chart_draws_bars_to_scale():
    chart = confidence.calibration_chart(
        confidence.calibration({NOT: (2, 1), VERY: (4, 4)})
    )
    not_sure, fairly, very = chart["columns"]
    plot = confidence.PLOT_BOTTOM - confidence.PLOT_TOP
    assert not_sure.bar_height == pytest.approx(plot / 2, abs=0.1)
    assert very.bar_height == pytest.approx(plot, abs=0.1)
    assert fairly.level.answers == 0 and fairly.bar_height == 0
    # The "Very sure" band runs from 80 % to 100 %.
    assert very.band_height == pytest.approx(plot * 0.2, abs=0.1)


def test_overconfidence_counts_wrong_answers_at_very_sure():
    rows = [(VERY, 0.0), (VERY, 1.0), (VERY, 0.0), (FAIRLY, 0.0), (None, 0.0)]
    assert confidence.overconfidence(rows) == (2, 3)


# Overconfidence per item in the staff statistics.

T0 = datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)
ITEM = QuestionInfo(
    7, "scam_or_legit", (ChoiceInfo(71, True), ChoiceInfo(72, False)), is_scam=True
)


def rated_rows(levels_and_marks):
    """Return analyse()'s rows: one learner's first attempt per entry."""
    attempts, answers, confidences = [], [], []
    for n, (level, mark) in enumerate(levels_and_marks, start=1):
        attempts.append(AttemptRow(n, f"learner:{n}", T0, T0, 100 * mark, "en"))
        answers.append((n, ITEM.id, mark))
        if level is not None:
            confidences.append((n, ITEM.id, level))
    return {
        "questions": [ITEM],
        "attempts": attempts,
        "answers": answers,
        "picks": [],
        "confidences": confidences,
    }


def test_overconfidence_is_the_share_of_very_sure_answers_that_were_wrong():
    # Twelve learners at "Very sure", four of them wrong; two more rated
    # lower and one did not rate: none of those counts.
    rows = [(VERY, 0.0)] * 4 + [(VERY, 1.0)] * 8
    rows += [(FAIRLY, 0.0), (NOT, 0.0), (None, 0.0)]
    item = analyse(**rated_rows(rows)).items[ITEM.id]
    assert (item.very_sure, item.very_sure_wrong) == (12, 4)
    assert item.overconfidence == pytest.approx(4 / 12)


def test_overconfidence_is_hidden_below_ten_learners_at_very_sure():
    # Fifteen learners answered, so the item shows; only nine said "Very
    # sure", so its overconfidence does not.
    rows = [(VERY, 0.0)] * 3 + [(VERY, 1.0)] * 6 + [(NOT, 1.0)] * 6
    item = analyse(**rated_rows(rows)).items[ITEM.id]
    assert not item.suppressed and item.facility is not None
    assert item.overconfidence_suppressed and item.overconfidence is None


def test_without_ratings_every_item_has_no_overconfidence():
    item = analyse(**rated_rows([(None, 1.0)] * 12)).items[ITEM.id]
    assert item.very_sure == 0 and item.overconfidence is None
