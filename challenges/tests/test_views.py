import datetime

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from challenges.models import Challenge
from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(client):
    """A finished attempt of an anonymous learner on this client."""
    quiz = make_quiz(title="Suspicious calls")
    make_question(quiz)
    client.post(f"/en/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get()
    answer = attempt.answers.get()
    key = answer.question.choices.get(is_correct=True).key
    client.post(f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": key})
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def make(client, attempt, message=""):
    return client.post(
        f"/en/attempts/{attempt.public_id}/pass-it-on/", {"message": message}
    )


def test_a_learner_passes_a_quiz_on_and_the_recipient_opens_it(client, finished):
    assert make(
        client, finished, "Mum, try this <b>before</b> you answer calls"
    ).url == ("/en/pass-it-on/")
    challenge = Challenge.objects.get()
    mine = client.get("/en/pass-it-on/")
    assertContains(mine, f"/c/{challenge.token}/")
    assertContains(mine, "<svg")  # the QR code, drawn by the site
    recipient = Client()
    page = recipient.get(challenge.get_absolute_url())
    assertContains(page, "Suspicious calls")
    assertContains(page, "Mum, try this &lt;b&gt;before&lt;/b&gt; you answer calls")
    assertContains(page, f'action="/en/quizzes/{finished.quiz.slug}/start/"')
    # Opening it stores nothing and tells the sender nothing.
    assert Challenge.objects.get() == challenge
    assert not recipient.session.keys() - {"django_language"}


@pytest.mark.parametrize(
    "message, error",
    [
        ("Call me on 138 0000 0000", "cannot hold numbers"),
        ("转账一万五千元", "cannot hold numbers"),
        ("Go to refund-center.example now", "cannot hold a link"),
        ("see www.x.cn", "cannot hold a link"),
        ("mail me at a@b", "cannot hold a link"),
        ("x" * 141, "at most 140"),
    ],
)
def test_a_note_cannot_carry_contacts_links_or_numbers(
    client, finished, message, error
):
    response = make(client, finished, message)
    assertContains(response, error, status_code=400)
    assert not Challenge.objects.exists()
    assert make(client, finished, "Please try this").status_code == 302


def test_the_sender_deletes_a_link_and_it_stops_working(client, finished):
    make(client, finished)
    challenge = Challenge.objects.get()
    stranger = Client()
    assert stranger.post(f"/en/pass-it-on/{challenge.token}/delete/").status_code == 404
    client.post(f"/en/pass-it-on/{challenge.token}/delete/")
    assert not Challenge.objects.exists()
    assertContains(
        Client().get(challenge.get_absolute_url()),
        "This link no longer works",
        status_code=404,
    )


def test_a_link_expires_after_30_days(client, finished):
    make(client, finished)
    challenge = Challenge.objects.get()
    assert challenge.expires_at - challenge.created_at == datetime.timedelta(days=30)
    Challenge.objects.update(expires_at=timezone.now())
    assertNotContains(
        Client().get(challenge.get_absolute_url()), "Start the quiz", status_code=404
    )


def test_only_a_finished_attempt_is_passed_on(client):
    quiz = make_quiz()
    make_question(quiz)
    client.post(f"/en/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get()
    assert make(client, attempt).url == attempt.get_absolute_url()
    assert not Challenge.objects.exists()


def test_opening_a_link_takes_one_query(client, finished, django_assert_num_queries):
    make(client, finished)
    challenge = Challenge.objects.get()
    other = Client()
    with django_assert_num_queries(1):
        other.get(challenge.get_absolute_url())


def test_the_result_page_offers_to_pass_it_on_and_a_certificate(client, finished):
    page = client.get(finished.get_absolute_url())
    assertContains(page, f'action="/en/attempts/{finished.public_id}/pass-it-on/"')
    assertContains(page, f'action="/en/attempts/{finished.public_id}/certificate/"')
    assertContains(page, 'maxlength="140"')


def test_passed_on_links_are_exported_kept_on_sign_in_and_erased(client, finished):
    from django.contrib.auth import get_user_model

    from quizzes import personal_data

    make(client, finished, "Dad, have a go")
    key = finished.learner_key
    user = get_user_model().objects.create_user("mei", password="a-long-password-1")
    data = personal_data.export(user=user, learner_key=key)
    assert data["passed_on_links"] == []
    assert personal_data.claim(learner_key=key, user=user)["passed_on_links"] == 1
    (link,) = personal_data.export(user=user, learner_key="")["passed_on_links"]
    assert link["note"] == "Dad, have a go"
    erased = personal_data.erase(user=user, learner_key="")
    assert erased["passed_on_links_deleted"] == 1
    assert not Challenge.objects.exists()


def test_expired_links_are_deleted_with_inactive_progress(client, finished):
    from quizzes import personal_data

    make(client, finished)
    Challenge.objects.update(expires_at=timezone.now())
    result = personal_data.erase_inactive(before=timezone.now() - datetime.timedelta(1))
    assert result["passed_on_links_deleted"] == 1
    assert not Challenge.objects.exists()
