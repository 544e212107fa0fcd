import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from quizzes.models import REVIEW_INTERVALS, Attempt, ReviewItem

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="First?")
    make_question(quiz, prompt="Second?")
    return quiz


def take(client, attempt, *texts):
    for answer in attempt.answers.select_related("question"):
        keys = [c.key for c in answer.question.choices.all() if c.text in texts]
        client.post(
            f"/en/attempts/{attempt.public_id}/{answer.position}/answer/",
            {"choice": keys},
        )
    client.post(f"/en/attempts/{attempt.public_id}/finish/")


def make_due():
    ReviewItem.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=1))


def test_wrong_answers_join_the_review_queue_for_tomorrow(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    items = ReviewItem.objects.all()
    assert items.count() == 2
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert all(abs(item.due_at - tomorrow).total_seconds() < 60 for item in items)
    assertContains(client.get("/en/review/"), "Nothing is due yet")


def test_a_due_review_works_like_a_quiz_and_moves_boxes(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    make_due()
    assertContains(client.get("/en/review/"), "2 questions are due for review")
    response = client.post("/en/review/start/")
    review = Attempt.objects.get(quiz=None)
    assertRedirects(response, f"/en/attempts/{review.public_id}/1/")
    assertContains(client.get(response["Location"]), "Review of my mistakes")
    take(client, review, "Right")
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {2}
    assertContains(client.get(review.get_absolute_url()), "Back to my review queue")


def test_mastered_after_the_last_box_and_reset_on_a_mistake(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    for _box in REVIEW_INTERVALS:
        make_due()
        client.post("/en/review/start/")
        take(client, Attempt.objects.filter(quiz=None).latest("started_at"), "Right")
    assert not ReviewItem.objects.exists()
    client.post("/en/quizzes/calls/start/")
    take(
        client, Attempt.objects.filter(quiz__isnull=False).latest("started_at"), "Wrong"
    )
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {1}


def test_practising_early_does_not_move_questions(client, quiz):
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    client.post("/en/review/start/", {"scope": "all"})
    take(client, Attempt.objects.get(quiz=None), "Right")
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {1}


def test_nothing_to_review_is_a_clear_message(client):
    response = client.post("/en/review/start/")
    assertRedirects(response, "/en/review/")
    assertContains(client.get("/en/review/"), "No mistakes waiting")


def test_review_queue_joins_the_account(client, quiz, django_user_model):
    django_user_model.objects.create_user("learner", password="long-pass-word-1")
    client.post("/en/quizzes/calls/start/")
    take(client, Attempt.objects.get(), "Wrong")
    client.post(
        "/en/accounts/login/", {"username": "learner", "password": "long-pass-word-1"}
    )
    client.post("/en/accounts/join/", {"choice": "keep"})
    assert set(ReviewItem.objects.values_list("user__username", flat=True)) == {
        "learner"
    }
