"""The statistics formulas against values worked out by hand.

The fixed data set: five learners, three questions (a single choice with four
options, a select-all with two right options out of four, a scam-or-legit
message that is a scam), and these marks on their first attempts:

    learner  q1   q2   q3   total  score
    A        1    1    1    3      100
    B        1    .5   0    1.5    50
    C        0    .5   1    1.5    50
    D        1    0    0    1      33.3
    E        0    0    0    0      0

By hand (sample variances, divided by S − 1 = 4):
    facility: q1 3/5 = .6, q2 2/5 = .4, q3 2/5 = .4
    V(q1) = 1.2/4 = .3, V(q2) = .7/4 = .175, V(q3) = 1.2/4 = .3
    V(total) = 4.7/4 = 1.175
    α = 3/2 × (1 − .775/1.175) = .5106383
    q1: rest = 2, .5, 1.5, 0, 0; C(q1, rest) = .1/4 = .025;
        V(rest) = 3.3/4 = .825; D = 100 × .025 / √(.3 × .825) = 5.02519;
        sorted independently, C_max = 1.6/4 = .4, so DE = 6.25
    q2: rest = 2, 1, 1, 1, 0; C = 1/4 = .25; V(rest) = .5;
        D = 100 × .25 / √(.175 × .5) = 84.5154; C_max = .25, so DE = 100
    q3: rest = 2, 1.5, .5, 1, 0; C = .5/4 = .125; V(rest) = .625;
        D = 100 × .125 / √(.3 × .625) = 28.8675; C_max = 1.5/4 = .375,
        so DE = 33.333
    random guess: q1 1/4; q2, over all 16 subsets of {a, b, c, d} with
        a, b right: {a}, {b}, {a, b, c}, {a, b, d} score .5 and {a, b}
        scores 1, so 3/16 = .1875; q3 1/2
"""

import datetime

import pytest

from quizzes import statistics
from quizzes.signal_detection import Discernment
from quizzes.statistics import (
    AttemptRow,
    ChoiceInfo,
    QuestionInfo,
    analyse,
    random_guess_score,
)

T0 = datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

Q1 = QuestionInfo(
    1,
    "single",
    (
        ChoiceInfo(11, True),
        ChoiceInfo(12, False, "trusts caller ID"),
        ChoiceInfo(13, False, "trusts caller ID"),
        ChoiceInfo(14, False),
    ),
)
Q2 = QuestionInfo(
    2,
    "multiple",
    (
        ChoiceInfo(21, True),
        ChoiceInfo(22, True),
        ChoiceInfo(23, False),
        ChoiceInfo(24, False),
    ),
)
Q3 = QuestionInfo(
    3,
    "scam_or_legit",
    (ChoiceInfo(31, True), ChoiceInfo(32, False, "Trusts caller ID")),
    is_scam=True,
)
QUESTIONS = [Q1, Q2, Q3]

# learner: (marks q1, q2, q3), picks, score, language
FINISHED = {
    "A": ((1, 1, 1), (11, 21, 22, 31), 100, "en"),
    "B": ((1, 0.5, 0), (11, 21, 32), 50, "en"),
    "C": ((0, 0.5, 1), (12, 21, 31), 50, "en"),
    "D": ((1, 0, 0), (11, 23, 32), 33.3, "zh-hans"),
    "E": ((0, 0, 0), (13, 32), 0, "zh-hans"),
}


def data_set():
    attempts, answers, picks = [], [], []
    for n, (learner, (marks, chosen, score, language)) in enumerate(
        FINISHED.items(), start=1
    ):
        attempts.append(
            AttemptRow(
                n, ("k", learner), T0 + n * HOUR, T0 + n * HOUR + HOUR, score, language
            )
        )
        answers += [(n, q.id, mark) for q, mark in zip(QUESTIONS, marks, strict=True)]
        picks += [(n, choice) for choice in chosen]
    # A's second try, later and all wrong: only "all attempts" counts it.
    attempts.append(AttemptRow(6, ("k", "A"), T0 + 9 * HOUR, T0 + 10 * HOUR, 0, "en"))
    answers += [(6, 1, 0.0), (6, 2, 0.0), (6, 3, 0.0)]
    picks += [(6, 14), (6, 32)]
    # F answered one question of three and left; G answered two of three.
    attempts.append(AttemptRow(7, ("k", "F"), T0, None, None, "en"))
    answers += [(7, 1, 1.0), (7, 2, None), (7, 3, None)]
    attempts.append(AttemptRow(8, ("k", "G"), T0, None, None, "en"))
    answers += [(8, 1, 1.0), (8, 2, 0.0), (8, 3, None)]
    # A reviewed mistakes after finishing; B's review came before.
    reviews = {("k", "A"): T0 + 3 * HOUR, ("k", "B"): T0}
    return {
        "attempts": attempts,
        "answers": answers,
        "picks": picks,
        "reviews": reviews,
    }


def report(**options):
    options.setdefault("min_learners", 1)
    return analyse(questions=QUESTIONS, **data_set(), **options)


def test_funnel_counts_each_stage_of_first_attempts():
    result = report()
    assert (result.started, result.answered_half, result.finished) == (7, 6, 5)
    assert result.reviewed == 1
    assert result.learners == 5


def test_quiz_level_figures_match_the_hand_computed_ones():
    result = report()
    assert result.mean == pytest.approx(233.3 / 5)
    assert result.median == 50
    assert result.sd == pytest.approx(36.1356, abs=1e-4)
    assert result.alpha == pytest.approx(0.5106383, abs=1e-6)


@pytest.mark.parametrize(
    ("question", "facility", "sd", "guess", "discrimination", "efficiency", "flags"),
    [
        (1, 0.6, 0.3**0.5, 0.25, 5.02519, 6.25, ("weak",)),
        (2, 0.4, 0.175**0.5, 0.1875, 84.5154, 100.0, ()),
        (3, 0.4, 0.3**0.5, 0.5, 28.8675, 33.3333, ("chance", "weak")),
    ],
)
def test_item_figures_match_the_hand_computed_ones(
    question, facility, sd, guess, discrimination, efficiency, flags
):
    item = report().items[question]
    assert item.answers == 5
    assert item.facility == pytest.approx(facility)
    assert item.sd == pytest.approx(sd)
    assert item.random_guess == pytest.approx(guess)
    assert item.discrimination == pytest.approx(discrimination, abs=1e-4)
    assert item.efficiency == pytest.approx(efficiency, abs=1e-4)
    assert item.flags == flags


def test_all_attempts_adds_later_tries():
    result = report(mode=statistics.ALL)
    assert result.finished == 6
    assert result.items[1].facility == pytest.approx(3 / 6)


def test_response_counts_and_misconceptions_group_by_label():
    result = report()
    assert result.picks[11] == 3 and result.picks[32] == 3
    (misconception,) = result.misconceptions
    # Options 12 and 13 of q1 and option 32 of q3, labels differing in case.
    assert misconception.label == "trusts caller ID"
    assert (misconception.chosen, misconception.options) == (5, 3)
    assert misconception.questions == 2
    assert misconception.share == pytest.approx(5 / 10)


def test_scam_or_legit_answers_pool_into_signal_detection():
    assert report().discernment == Discernment(
        hits=2, scams=5, false_alarms=0, legits=0
    )


def test_languages_side_by_side_mark_a_much_harder_one():
    result = report()
    en, zh = result.languages
    assert (en.code, en.learners, zh.code, zh.learners) == ("en", 3, "zh-hans", 2)
    assert en.facility[1] == pytest.approx(2 / 3)
    assert zh.facility[1] == pytest.approx(1 / 2)
    # q1 differs by 17 points, under the 20-point gap; q2 and q3 by 67.
    assert result.language_gaps == {(2, "zh-hans"), (3, "zh-hans")}


def test_language_filter_keeps_that_language_only():
    result = report(language="zh-hans")
    assert result.finished == 2
    assert result.items[1].facility == pytest.approx(0.5)
    assert report(language="").started == 0


def test_fewer_than_ten_learners_are_suppressed():
    result = analyse(questions=QUESTIONS, **data_set())
    assert result.suppressed
    assert result.items == {} and result.mean is None
    small_group = report(min_learners=3)
    assert not small_group.suppressed
    assert [c.code for c in small_group.languages] == ["en"]
    assert small_group.language_gaps == set()
    assert report(min_learners=3, language="zh-hans").suppressed


def test_alpha_is_left_out_when_attempts_drew_different_questions():
    data = data_set()
    data["answers"] = [row for row in data["answers"] if row[:2] != (5, 3)]
    result = analyse(questions=QUESTIONS, min_learners=1, **data)
    assert not result.same_questions
    assert result.alpha is None


@pytest.mark.parametrize(
    ("kind", "right", "options", "expected"),
    [
        ("single", 1, 4, 0.25),
        ("true_false", 1, 2, 0.5),
        ("multiple", 2, 4, 3 / 16),
        # One flag, one decoy: {flag} scores 1, the rest 0.
        ("red_flags", 1, 2, 1 / 4),
        ("multiple", 0, 3, 0.0),
    ],
)
def test_random_guess_score(kind, right, options, expected):
    assert random_guess_score(kind, right, options) == pytest.approx(expected)


def test_item_without_variance_has_no_discrimination():
    measures = statistics.item_measures([1, 1, 1], [2, 1, 0])
    assert measures.facility == 1
    assert measures.discrimination is None and measures.efficiency is None


def test_flags_follow_moodles_thresholds():
    assert statistics.flags(0.97, 50, 0.25) == ("easy",)
    assert statistics.flags(0.1, -5, 0.25) == ("hard", "chance", "negative")
    assert statistics.flags(0.5, 29.9, None) == ("weak",)
    assert statistics.flags(0.5, 30, None) == ()


def test_all_languages_leave_out_groups_below_the_minimum():
    """All languages minus one language never gives a small group's figures:
    a language below the minimum is left out of the overall report, and is
    said to be."""
    everyone = report(min_learners=3)
    english = report(min_learners=3, language="en")
    assert everyone.languages_left_out == 1
    assert [c.code for c in everyone.languages] == ["en"]
    assert (everyone.learners, everyone.finished) == (3, 3)
    assert everyone.items == english.items
    assert everyone.picks == english.picks
    assert (everyone.mean, everyone.started) == (english.mean, english.started)


def test_all_languages_leave_out_a_questions_small_group_of_answers():
    """A language shown as a whole can still have few learners on a question
    (questions are drawn); their answers to it are left out of the overall
    figures for that question, and the language's column shows none."""
    rows = data_set()
    # E did not get q3: only D answered it in zh-hans.
    rows["answers"] = [a for a in rows["answers"] if a[:2] != (5, 3)]
    rows["picks"] = [p for p in rows["picks"] if p != (5, 32)]
    everyone = analyse(questions=QUESTIONS, **rows, min_learners=2)
    english = analyse(questions=QUESTIONS, **rows, min_learners=2, language="en")
    assert everyone.languages_left_out == 0
    assert everyone.items[3] == english.items[3]
    assert everyone.picks[32] == english.picks[32]
    assert everyone.items[1].learners == 5
    zh = everyone.languages[1]
    assert zh.facility[3] is None and zh.facility[1] == pytest.approx(0.5)


@pytest.mark.parametrize("language", [None, "en"])
def test_all_attempts_leave_out_later_tries_of_too_few_learners(language):
    """All attempts minus first attempts never gives one learner's retry:
    later tries count only where enough learners made them."""
    first = report(min_learners=2, language=language)
    every = report(min_learners=2, language=language, mode=statistics.ALL)
    assert every.retries_left_out and not first.retries_left_out
    assert (every.finished, every.learners) == (first.finished, first.learners)
    assert every.items == first.items
    assert every.picks == first.picks
    # With enough learners retrying, their tries count.
    assert report(mode=statistics.ALL).finished == 6
