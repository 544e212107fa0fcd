import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from quizzes.models import Answer, Attempt

from .factories import make_question, make_quiz

# SQLite serialises writers, so only a real server shows a race.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(*calls):
    """Run the calls at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=10)
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _attempt():
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    return attempt, question


def test_the_same_answer_submitted_twice_at_once_counts_once():
    attempt, question = _attempt()
    right = question.choices.get(is_correct=True)
    wrong = question.choices.get(is_correct=False)
    pk = attempt.answers.get().pk
    results = run_together(
        lambda: Answer.objects.get(pk=pk).record([right]),
        lambda: Answer.objects.get(pk=pk).record([wrong]),
    )
    assert sorted(results) == [False, True]
    answer = Answer.objects.get(pk=pk)
    assert answer.choices.count() == 1
    assert answer.mark == (1.0 if answer.choices.get() == right else 0.0)


def test_two_finishes_of_one_attempt_finish_it_once():
    attempt, question = _attempt()
    attempt.answers.get().record([question.choices.get(is_correct=True)])
    results = run_together(
        lambda: Attempt.objects.get(pk=attempt.pk).finish(),
        lambda: Attempt.objects.get(pk=attempt.pk).finish(),
    )
    assert sorted(results) == [False, True]
    assert Attempt.objects.get(pk=attempt.pk).score == 100.0
