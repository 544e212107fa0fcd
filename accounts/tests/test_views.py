import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def anonymous_attempt(client):
    quiz = make_quiz(slug="calls")
    question = make_question(quiz)
    client.post("/en/quizzes/calls/start/")
    attempt = Attempt.objects.get()
    key = question.choices.get(is_correct=True).key
    client.post(f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": key})
    return attempt


def test_sign_up_needs_only_a_username_and_password(client):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "learner", "password1": PASSWORD, "password2": PASSWORD},
    )
    assertRedirects(response, "/en/progress/")
    user = get_user_model().objects.get()
    assert user.username == "learner" and user.email == ""
    assert client.get("/en/progress/").context["user"] == user


JOIN = "/en/accounts/join/"


def sign_in(client, username="learner"):
    return client.post(
        "/en/accounts/login/", {"username": username, "password": PASSWORD}
    )


def test_sign_up_asks_before_joining_anonymous_progress(client, anonymous_attempt):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "learner", "password1": PASSWORD, "password2": PASSWORD},
    )
    assertRedirects(response, f"{JOIN}?next=/en/progress/")
    anonymous_attempt.refresh_from_db()
    assert anonymous_attempt.user is None
    page = client.get(response["Location"])
    assertContains(page, "1 attempt made on this browser before you signed in")
    assertContains(page, 'name="choice" value="keep"')
    assertContains(page, 'name="choice" value="discard"')
    response = client.post(JOIN, {"choice": "keep", "next": "/en/progress/"})
    assertRedirects(response, "/en/progress/", fetch_redirect_response=False)
    anonymous_attempt.refresh_from_db()
    assert anonymous_attempt.user.username == "learner"
    response = client.get("/en/progress/")
    assertContains(response, anonymous_attempt.get_absolute_url())
    assertContains(response, "now saved to your account")


def test_shared_browser_keeps_someone_elses_attempt_out_of_the_account(
    client, anonymous_attempt, django_user_model
):
    """Security review, failure 9: anonymous P finishes a quiz, then Q signs
    in on the same browser. Q's progress and export must not hold P's
    attempt unless Q chooses to keep it."""
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    response = sign_in(client)
    assertRedirects(response, f"{JOIN}?next=/en/progress/")
    assert not user.attempts.exists()
    progress = client.get("/en/progress/")
    assert anonymous_attempt.get_absolute_url() not in progress.content.decode()
    export = client.post("/en/accounts/data/export/").json()
    assert export["attempts"] == []
    assertContains(client.get(JOIN), "keep it in your account, or discard it")
    # Gone elsewhere, the learner finds the question again on Your data.
    assertContains(client.get("/en/accounts/data/"), f'href="{JOIN}"')
    client.post(JOIN, {"choice": "discard"})
    assert f'href="{JOIN}"' not in client.get("/en/accounts/data/").content.decode()


def test_discard_deletes_the_anonymous_progress(
    client, anonymous_attempt, django_user_model
):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    sign_in(client)
    response = client.post(JOIN, {"choice": "discard", "next": "/en/progress/"})
    assertRedirects(response, "/en/progress/", fetch_redirect_response=False)
    assert not Attempt.objects.filter(pk=anonymous_attempt.pk).exists()
    assert not user.attempts.exists()
    assert client.post("/en/accounts/data/export/").json()["attempts"] == []


def test_no_anonymous_progress_asks_nothing(client, django_user_model):
    django_user_model.objects.create_user("learner", password=PASSWORD)
    assertRedirects(sign_in(client), "/en/progress/")
    # Reached anyway, the page has nothing to ask.
    assertRedirects(client.get(JOIN), "/en/progress/")


def test_a_replayed_choice_does_nothing_twice(
    client, anonymous_attempt, django_user_model
):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    sign_in(client)
    client.post(JOIN, {"choice": "keep"})
    assert list(user.attempts.all()) == [anonymous_attempt]
    # The back button and a replayed form: nothing is left to keep or discard.
    assertRedirects(client.get(JOIN), "/en/progress/")
    response = client.post(JOIN, {"choice": "discard"})
    assertRedirects(response, "/en/progress/", fetch_redirect_response=False)
    assert list(user.attempts.all()) == [anonymous_attempt]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert not any("saved to your account" in m for m in messages)


def test_the_question_keeps_only_a_safe_next(
    client, anonymous_attempt, django_user_model
):
    django_user_model.objects.create_user("learner", password=PASSWORD)
    sign_in(client)
    response = client.post(JOIN, {"choice": "keep", "next": "//evil.example/"})
    assertRedirects(response, "/en/progress/", fetch_redirect_response=False)


def test_log_in_joins_kept_progress_without_double_counting(
    client, anonymous_attempt, django_user_model
):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    sign_in(client)
    client.post(JOIN, {"choice": "keep"})
    assert list(user.attempts.all()) == [anonymous_attempt]
    client.post("/en/accounts/logout/")
    assertRedirects(sign_in(client), "/en/progress/")
    assert user.attempts.count() == 1
    answer = anonymous_attempt.answers.get()
    assert answer.is_answered and answer.mark == 1.0


def test_bad_sign_up_shows_errors_tied_to_fields(client):
    response = client.post(
        "/en/accounts/signup/", {"username": "", "password1": "1", "password2": "2"}
    )
    assert response.status_code == 400
    assertContains(response, 'aria-invalid="true"', status_code=400)
    assertContains(response, 'aria-describedby="id_username_error', status_code=400)
    assert not get_user_model().objects.exists()


def test_wrong_password_is_a_clear_message(client, django_user_model):
    django_user_model.objects.create_user("learner", password=PASSWORD)
    response = client.post(
        "/en/accounts/login/", {"username": "learner", "password": "no"}
    )
    assertContains(response, "correct username and password")


def test_log_out_is_a_post(client, django_user_model):
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    client.force_login(user)
    assert client.get("/en/accounts/logout/").status_code == 405
    assertRedirects(client.post("/en/accounts/logout/"), "/en/")


def test_password_change_and_reset(client, django_user_model):
    user = django_user_model.objects.create_user(
        "learner", email="learner@example.org", password=PASSWORD
    )
    client.force_login(user)
    response = client.post(
        "/en/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assertRedirects(response, "/en/accounts/password/change/done/")
    client.post("/en/accounts/logout/")
    response = client.post(
        "/en/accounts/password/reset/", {"email": "learner@example.org"}
    )
    assertRedirects(response, "/en/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1
    assert "/en/accounts/password/reset/" in mail.outbox[0].body


def test_signup_ignores_an_offsite_next(client):
    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "learner",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assertRedirects(response, "/en/progress/")
