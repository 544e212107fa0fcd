"""Mastery levels, the overall figure and the score trend on My progress."""

from types import SimpleNamespace

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.mastery import (
    ATTEMPTED,
    FAMILIAR,
    MASTERED,
    PROFICIENT,
    climb,
    overall,
    topic_mastery,
)
from quizzes.models import Attempt

from .factories import make_question, make_quiz
from .test_review import take


@pytest.mark.parametrize(
    ("marks", "level"),
    [
        ([], ATTEMPTED),
        ([1.0], ATTEMPTED),
        ([1.0, 1.0], FAMILIAR),
        ([1.0] * 4, PROFICIENT),
        ([1.0] * 6, MASTERED),
        ([1.0] * 20, MASTERED),
        # A miss lowers one level: mastered, then missed, is proficient.
        ([1.0] * 6 + [0.0], PROFICIENT),
        ([1.0] * 6 + [0.0, 0.0, 0.0], ATTEMPTED),
        # A part mark breaks the streak but lowers nothing.
        ([1.0, 0.5, 1.0], ATTEMPTED),
        ([1.0, 1.0, 0.5], FAMILIAR),
        # Recovered after a miss.
        ([1.0, 1.0, 0.0, 1.0, 1.0], FAMILIAR),
    ],
)
def test_levels_climb_with_streaks_and_fall_on_misses(marks, level):
    assert climb(marks) == level


def answers(*rows):
    """Answers newest first, each (topic, mark)."""
    return [
        SimpleNamespace(mark=mark, question=SimpleNamespace(topic=topic))
        for topic, mark in rows
    ]


def test_a_topic_with_too_few_answers_has_no_share_and_no_level():
    (topic,) = topic_mastery(answers(("calls", 0.0), ("calls", 0.0)))
    assert topic.percent is None
    assert str(topic.level) == "Not enough answers yet"
    assert not any(reached for _label, reached in topic.steps)


def test_the_overall_figure_is_the_topics_answers_pooled():
    topics = topic_mastery(
        answers(*[("calls", 1.0)] * 3, *[("jobs", 0.0)] * 5, ("shopping", 1.0))
    )
    # 3 of 8 counted answers; shopping's single answer counts nowhere yet.
    assert overall(topics) == {"percent": 38, "answered": 8}
    assert overall(topic_mastery(answers(("calls", 1.0)))) is None


@pytest.mark.django_db
def test_progress_shows_levels_overall_and_a_trend(client):
    quiz = make_quiz(slug="trend", pass_mark=60)
    for n in range(4):
        make_question(quiz, key=f"t{n}")
    jobs = make_question(quiz, key="jobs-1", topic="jobs")
    for picks in ("Wrong", "Right", "Right"):
        client.post("/en/quizzes/trend/start/")
        take(client, Attempt.objects.filter(quiz=quiz).latest("started_at"), picks)
    response = client.get("/en/progress/")
    html = response.content.decode()
    # Calls: 4 wrong, then 8 right: four steps up from attempted.
    assertContains(response, "<strong>Mastered</strong>", html=False)
    assertContains(response, "80% of your last 10 answers right")
    # Jobs: three answers, wrong, right, right: familiar.
    assert jobs.topic == "jobs"
    assertContains(response, "<strong>Familiar</strong>", html=False)
    assertContains(response, "67% of your last 3 answers right")
    assertContains(response, "Overall")
    # 8 of the 10 latest calls answers and 2 of 3 jobs answers.
    assertContains(response, "77% of your 13 latest answers were right")
    assertContains(response, "A quiz score counts the questions of one attempt")
    assertContains(response, '<svg class="trend-chart"')
    assert html.count('class="trend-chart__point') == 3
    assertContains(response, "From 0% to 100%: up 100 points.")
    assertContains(response, "The same scores as a table")


@pytest.mark.django_db
def test_no_bar_for_a_topic_without_enough_answers(client):
    quiz = make_quiz(slug="few")
    make_question(quiz, key="f1", topic="jobs")
    client.post("/en/quizzes/few/start/")
    take(client, Attempt.objects.get(quiz=quiz), "Wrong")
    response = client.get("/en/progress/")
    assertContains(response, "Not enough answers yet: 1 of the 3 a level needs.")
    assertNotContains(response, "0% of your last")
    assertNotContains(response, "trend-chart")
