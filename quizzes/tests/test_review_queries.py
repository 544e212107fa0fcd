"""The review pages read a fixed number of queries, however much is due."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Attempt, ReviewItem

from .factories import count_queries, make_question, make_quiz

pytestmark = pytest.mark.django_db


def answered(client, count, slug):
    quiz = make_quiz(slug=slug)
    for n in range(count):
        make_question(
            quiz,
            key=f"{slug}-{n}",
            family=f"{slug}-fam-{n // 2}" if n % 3 else "",
            topic=("calls", "shopping", "jobs")[n % 3],
        )
    client.post(f"/en/quizzes/{slug}/start/")
    attempt = Attempt.objects.filter(quiz=quiz).get()
    for answer in attempt.answers.select_related("question"):
        client.post(
            f"/en/attempts/{attempt.public_id}/{answer.position}/answer/",
            {"choice": answer.question.choices.get(is_correct=False).key},
        )
    ReviewItem.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))


# Session, the learner's cards, their families' questions, the calendar
# link and an unfinished review.
REVIEW_PAGE_QUERIES = 5


@pytest.mark.parametrize("count", [2, 30])
def test_the_review_page_reads_the_same_queries_however_much_is_due(
    client, django_assert_num_queries, count
):
    answered(client, count, "many")
    assert ReviewItem.objects.count() > 1
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        assert client.get("/en/review/").status_code == 200


def test_a_few_or_many_due_cost_the_same_to_start_and_to_feed(client):
    answered(client, 3, "few")
    few_page = count_queries(lambda: client.get("/en/review/"))
    client.post("/en/review/calendar/", {"action": "renew"})
    from quizzes.models import ReviewCalendar

    url = f"/en/review/calendar/{ReviewCalendar.objects.get().token}.ics"
    client.get("/en/review/")  # shows, and so clears, the "new link" message
    few_feed = count_queries(lambda: client.get(url))
    answered(client, 40, "lots")
    assert count_queries(lambda: client.get("/en/review/")) == few_page
    assert count_queries(lambda: client.get(url)) == few_feed


def start_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/en/review/start/").status_code == 302
    Attempt.objects.filter(quiz=None).update(completed_at=timezone.now())
    return len(queries)


def test_starting_a_review_costs_the_same_for_few_or_many(client):
    answered(client, 3, "few")
    few = start_queries(client)
    answered(client, 40, "lots")
    assert start_queries(client) == few
