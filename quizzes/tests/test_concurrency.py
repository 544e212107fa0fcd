import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from quizzes.models import Answer, Attempt, ReviewItem

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


def _browsers_sharing_one_session(quiz):
    """Two test clients with one session cookie: a double click, two tabs."""
    first = Client()
    first.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    second = Client()
    second.cookies = first.cookies
    return first, second


def test_one_answer_posted_twice_at_once_through_the_site_counts_once():
    quiz = make_quiz(slug="race")
    question = make_question(quiz)
    make_question(quiz)
    first, second = _browsers_sharing_one_session(quiz)
    attempt = Attempt.objects.get()
    url = reverse("quizzes:answer", args=[attempt.public_id, 1])
    right = question.choices.get(is_correct=True)
    wrong = question.choices.get(is_correct=False)
    responses = run_together(
        lambda: first.post(url, {"choice": right.key}),
        lambda: second.post(url, {"choice": wrong.key}),
    )
    assert [r.status_code for r in responses] == [302, 302]
    answer = attempt.answers.get(position=1)
    assert answer.is_answered and answer.choices.count() == 1
    assert answer.mark == (1.0 if answer.choices.get() == right else 0.0)
    # The answer that won scheduled the question for review, once.
    assert ReviewItem.objects.get().reps == 1


def test_two_wrong_answers_at_once_queue_the_question_for_review_once():
    quiz = make_quiz(slug="review-race")
    question = make_question(quiz)
    learner = AnonymousUser()
    attempts = [
        Attempt.objects.start(quiz=quiz, user=learner, learner_key="same")
        for _ in range(2)
    ]
    wrong = question.choices.get(is_correct=False)
    pks = [attempt.answers.get().pk for attempt in attempts]
    results = run_together(
        lambda: Answer.objects.get(pk=pks[0]).record([wrong]),
        lambda: Answer.objects.get(pk=pks[1]).record([wrong]),
    )
    assert results == [True, True]
    item = ReviewItem.objects.get()
    assert (item.learner_key, item.question) == ("same", question)
    # Each answer is one review: either both reached the card, or the
    # second made it at the same moment and yielded.
    assert item.reps in (1, 2)


def test_a_finish_racing_the_last_answer_never_finishes_it_unanswered():
    quiz = make_quiz(slug="finish-race")
    question = make_question(quiz)
    first, second = _browsers_sharing_one_session(quiz)
    attempt = Attempt.objects.get()
    right = question.choices.get(is_correct=True)
    run_together(
        lambda: first.post(
            reverse("quizzes:answer", args=[attempt.public_id, 1]),
            {"choice": right.key},
        ),
        lambda: second.post(
            reverse("quizzes:attempt_finish", args=[attempt.public_id])
        ),
    )
    attempt.refresh_from_db()
    if attempt.is_finished:
        assert attempt.score == 100.0
    assert attempt.answers.get().is_answered
