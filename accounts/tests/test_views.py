import logging
from functools import partial
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.forms import AccountDetailsForm, SignupForm
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


def test_the_header_names_who_is_signed_in_and_signing_out_says_so(
    client, django_user_model
):
    user = django_user_model.objects.create_user("learner<b>", password=PASSWORD)
    client.force_login(user)
    page = client.get("/en/")
    assertContains(page, "Signed in as <strong>learner&lt;b&gt;</strong>", html=False)
    assertContains(page, 'action="/en/accounts/logout/"')
    home = client.post("/en/accounts/logout/", follow=True)
    assertContains(home, "You are signed out.")
    assertNotContains(home, "Signed in as")
    assertNotContains(client.get("/en/"), "You are signed out.")


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


def test_the_reset_link_names_the_configured_site_not_the_host_header(
    client, django_user_model, settings
):
    settings.ALLOWED_HOSTS = ["example.org"]
    settings.SITE_URL = "https://example.org"
    django_user_model.objects.create_user(
        "learner", email="learner@example.org", password=PASSWORD
    )
    client.post(
        "/en/accounts/password/reset/",
        {"email": "learner@example.org"},
        HTTP_HOST="example.org:6666",
    )
    body = mail.outbox[0].body
    assert "https://example.org/en/accounts/password/reset/" in body
    assert ":6666" not in body


def _racing(form_class, rival):
    """Let rival() commit between the form's checks and its save.

    That is where a racing request's row lands.
    """
    is_valid = form_class.is_valid

    def rival_after_checks(self):
        valid = is_valid(self)
        rival()
        return valid

    return mock.patch.object(form_class, "is_valid", rival_after_checks)


def test_a_double_clicked_sign_up_makes_one_account_and_signs_in(
    client, django_user_model, caplog
):
    """The second click's insert fails on the first one's row: it signs in."""
    caplog.set_level(logging.DEBUG)
    rival = partial(django_user_model.objects.create_user, "learner", password=PASSWORD)
    with _racing(SignupForm, rival):
        response = client.post(
            "/en/accounts/signup/",
            {"username": "learner", "password1": PASSWORD, "password2": PASSWORD},
        )
    assertRedirects(response, "/en/progress/")
    user = django_user_model.objects.get()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "learner" not in caplog.text


def test_a_sign_up_racing_someone_else_for_the_name_is_a_form_error(
    client, django_user_model, caplog
):
    caplog.set_level(logging.DEBUG)
    rival = partial(
        django_user_model.objects.create_user, "learner", password="someone-elses-pw"
    )
    with _racing(SignupForm, rival):
        response = client.post(
            "/en/accounts/signup/",
            {"username": "learner", "password1": PASSWORD, "password2": PASSWORD},
        )
    assertContains(
        response, "A user with that username already exists.", status_code=400
    )
    assert "_auth_user_id" not in client.session
    assert django_user_model.objects.count() == 1
    assert "learner" not in caplog.text


def test_two_accounts_renamed_to_one_name_at_once_is_a_form_error(
    client, django_user_model, caplog
):
    caplog.set_level(logging.DEBUG)
    me = django_user_model.objects.create_user("me", password=PASSWORD)
    other = django_user_model.objects.create_user("other", password=PASSWORD)
    client.force_login(me)

    def rival():
        other.username = "wanted"
        other.save()

    with _racing(AccountDetailsForm, rival):
        response = client.post(
            "/en/accounts/details/", {"username": "wanted", "email": ""}
        )
    assertContains(
        response, "A user with that username already exists.", status_code=400
    )
    me.refresh_from_db()
    assert me.username == "me"
    assert "wanted" not in caplog.text


def test_without_mail_the_reset_pages_say_no_e_mail_is_sent(
    client, django_user_model, settings, tmp_path, capfd
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.EMAIL_IS_SENT = False
    user = django_user_model.objects.create_user(
        "learner", email="learner@example.org", password=PASSWORD
    )
    link = f"/en/accounts/password/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
    assertContains(client.get("/en/accounts/password/reset/"), "does not send e-mail")
    response = client.post(
        "/en/accounts/password/reset/", {"email": "learner@example.org"}, follow=True
    )
    assertContains(response, "No e-mail was sent")
    assert "Check your e-mail" not in response.content.decode()
    (saved,) = tmp_path.iterdir()
    assert link in saved.read_text()
    printed = capfd.readouterr()
    assert link not in printed.out + printed.err


def test_with_mail_the_reset_pages_say_check_your_e_mail(client, settings):
    settings.EMAIL_IS_SENT = True
    response = client.get("/en/accounts/password/reset/")
    assert "does not send e-mail" not in response.content.decode()
    assertContains(client.get("/en/accounts/password/reset/sent/"), "Check your e-mail")
