import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from awareness.tests.factories import make_case_study
from quizzes.models import Answer, Attempt, Reading, ReviewItem
from quizzes.tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="Who calls from +?")
    make_question(quiz, prompt="What do you do next?")
    return quiz


def take(client, quiz, *, right=True, finish=True):
    """Take the quiz through the site as a learner would; return the attempt."""
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    for answer in attempt.answers.select_related("question"):
        choice = answer.question.choices.get(is_correct=right)
        client.post(
            reverse("quizzes:answer", args=[attempt.public_id, answer.position]),
            {"choice": choice.key},
        )
    if finish:
        client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))
    attempt.refresh_from_db()
    return attempt


def read(client, case_study):
    client.get(reverse("case_study_detail", args=[case_study.slug]))


def export(client):
    response = client.post(reverse("accounts:export_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


@pytest.fixture
def member(client, django_user_model):
    user = django_user_model.objects.create_user(
        "learner", email="me@example.org", password=PASSWORD
    )
    client.force_login(user)
    return user


@pytest.fixture
def someone_else(quiz, django_user_model):
    """Another anonymous learner and another account, each with progress."""
    stranger = Client()
    take(stranger, quiz, right=False, finish=False)
    other = django_user_model.objects.create_user(
        "other-learner", email="other@example.org", password=PASSWORD
    )
    other_client = Client()
    other_client.force_login(other)
    take(other_client, quiz, right=False)
    return stranger, other


def test_an_anonymous_learner_exports_all_their_progress_and_nobody_elses(
    client, quiz, someone_else
):
    case_study = make_case_study(title="Order decryption")
    finished = take(client, quiz, right=False)
    read(client, case_study)
    data = export(client)

    assert data["account"] is None
    assert data["anonymous_learner"]["token"] == client.session["learner"]
    assert [a["id"] for a in data["attempts"]] == [str(finished.public_id)]
    attempt = data["attempts"][0]
    assert attempt["quiz"] == quiz.title
    assert attempt["score_percent"] == 0
    assert [a["question"] for a in attempt["answers"]] == [
        a.question.prompt for a in finished.answers.all()
    ]
    assert attempt["answers"][0]["options_chosen"] == ["Wrong"]
    assert [r["title"] for r in data["reading"]] == ["Order decryption"]
    assert len(data["review_queue"]) == 2
    text = json.dumps(data)
    assert "other-learner" not in text
    assert "other@example.org" not in text
    stranger, other = someone_else
    for attempt in Attempt.objects.exclude(pk=finished.pk):
        assert str(attempt.public_id) not in text


def test_a_member_exports_their_account_and_progress(
    client, quiz, member, someone_else
):
    take(client, quiz)
    data = export(client)
    assert data["account"]["username"] == "learner"
    assert data["account"]["email"] == "me@example.org"
    assert "pbkdf2" not in json.dumps(data) and "md5" not in json.dumps(data)
    assert data["anonymous_learner"] is None
    assert len(data["attempts"]) == 1
    assert data["attempts"][0]["passed"] is True
    # Right answers come back for review too, later.
    assert [item["reviews"] for item in data["review_queue"]] == [1, 1]
    assert data["review_calendar_links"] == []


def test_a_visitor_with_nothing_stored_exports_an_empty_file(client):
    data = export(client)
    assert data["account"] is None and data["anonymous_learner"] is None
    assert data["attempts"] == data["reading"] == data["review_queue"] == []


def test_export_takes_the_same_queries_however_much_progress(
    client, quiz, django_assert_max_num_queries, django_assert_num_queries
):
    take(client, quiz, right=False)
    read(client, make_case_study())
    with django_assert_max_num_queries(12) as first:
        export(client)
    queries = len(first)
    for _ in range(3):
        take(client, quiz, right=False)
    read(client, make_case_study())
    with django_assert_num_queries(queries):
        export(client)


def test_export_is_a_post(client):
    assert client.get(reverse("accounts:export_data")).status_code == 405


def test_my_data_page_lists_what_is_held_and_every_right(client, quiz, member):
    take(client, quiz, right=False)
    response = client.get(reverse("accounts:my_data"))
    assertContains(response, "learner")
    assertContains(response, "me@example.org")
    assertContains(response, "1 quiz attempt, with your answers.")
    assertContains(response, "2 questions waiting for review.")
    for name in ("export_data", "details", "password_change", "delete"):
        assertContains(response, reverse(f"accounts:{name}"))
    assert "no-cache" in response["Cache-Control"]


def test_my_data_page_for_an_anonymous_learner_offers_forget_me(client, quiz):
    take(client, quiz)
    response = client.get(reverse("accounts:my_data"))
    assertContains(response, "1 quiz attempt, with your answers.")
    assertContains(response, "deleted 90 days after your last quiz activity")
    assertContains(response, reverse("accounts:forget"))
    assertNotContains(response, reverse("accounts:delete"))


def assert_forgotten(finished, others):
    """The finished attempt survives only as an unlinkable anonymous row."""
    kept = Attempt.objects.get(pk=finished.pk)
    # Only a new token of its own, which no session holds.
    assert kept.user is None and kept.learner_key.startswith("erased:")
    assert kept.public_id != finished.public_id
    assert kept.score == finished.score
    for moment in (kept.started_at, kept.completed_at):
        assert moment == moment.replace(hour=0, minute=0, second=0, microsecond=0)
    assert kept.started_at.utcoffset() == datetime.timedelta(0)
    for answer in Answer.objects.filter(attempt=kept):
        assert answer.answered_at.time() == datetime.time(0)
        assert answer.choices.count() == 1
    assert set(Attempt.objects.exclude(pk=kept.pk)) == set(others)


def test_deleting_an_account_removes_it_and_everything_personal(
    client, quiz, member, someone_else
):
    finished = take(client, quiz, right=False)
    unfinished = take(client, quiz, finish=False)
    read(client, make_case_study())
    others = list(Attempt.objects.exclude(pk__in=[finished.pk, unfinished.pk]))
    other_rows = (Reading.objects.count() - 1, ReviewItem.objects.count() - 2)

    response = client.get(reverse("accounts:delete"))
    assertContains(response, "Finished quizzes stay only as anonymous results")
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assertRedirects(response, reverse("accounts:deleted"))
    assert not get_user_model().objects.filter(username="learner").exists()
    assert_forgotten(finished, others)
    assert not Attempt.objects.filter(pk=unfinished.pk).exists()
    assert (Reading.objects.count(), ReviewItem.objects.count()) == other_rows
    assert "_auth_user_id" not in client.session
    assertContains(client.get(reverse("accounts:deleted")), "Your account is deleted")
    old_result = reverse("quizzes:attempt_detail", args=[finished.public_id])
    assert client.get(old_result).status_code == 404


def test_a_wrong_password_deletes_nothing(client, quiz, member):
    take(client, quiz)
    response = client.post(reverse("accounts:delete"), {"password": "not-it"})
    assertContains(response, "That is not your password", status_code=400)
    assertContains(response, 'aria-invalid="true"', status_code=400)
    assertContains(response, "<title>Error:", status_code=400)
    member.refresh_from_db()
    assert member.attempts.count() == 1


def test_staff_accounts_are_removed_by_an_administrator(staff_client):
    response = staff_client.post(reverse("accounts:delete"), {"password": "x"})
    assertContains(response, "removed by an administrator", status_code=403)
    assert get_user_model().objects.filter(username="editor").exists()


def test_deleting_needs_a_signed_in_account(client):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_forget_me_clears_an_anonymous_learners_progress_and_session(
    client, quiz, someone_else
):
    finished = take(client, quiz, right=False)
    unfinished = take(client, quiz, finish=False)
    read(client, make_case_study())
    others = list(Attempt.objects.exclude(pk__in=[finished.pk, unfinished.pk]))
    other_rows = (Reading.objects.count() - 1, ReviewItem.objects.count() - 2)

    assertContains(client.get(reverse("accounts:forget")), "2 quiz attempts")
    response = client.post(reverse("accounts:forget"))

    assertRedirects(response, reverse("accounts:forgotten"))
    assert response.cookies["sessionid"].value == ""
    assert_forgotten(finished, others)
    assert not Attempt.objects.filter(pk=unfinished.pk).exists()
    assert (Reading.objects.count(), ReviewItem.objects.count()) == other_rows
    assertContains(client.get(reverse("quizzes:progress")), "not taken a quiz yet")


def test_forget_me_sends_members_to_account_deletion(client, member):
    assertRedirects(
        client.post(reverse("accounts:forget")),
        reverse("accounts:delete"),
        fetch_redirect_response=False,
    )
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_a_member_corrects_their_details(client, member, django_user_model):
    django_user_model.objects.create_user("taken", password=PASSWORD)
    response = client.post(
        reverse("accounts:details"), {"username": "taken", "email": ""}
    )
    assertContains(response, "already exists", status_code=400)
    response = client.post(
        reverse("accounts:details"), {"username": "new-name", "email": ""}
    )
    assertRedirects(response, reverse("accounts:my_data"))
    member.refresh_from_db()
    assert (member.username, member.email) == ("new-name", "")


def test_anonymous_progress_keeps_the_session_alive_for_the_retention_period(
    client, quiz, settings
):
    settings.ANONYMOUS_PROGRESS_DAYS = 30
    take(client, quiz, finish=False)
    assert client.session.get_expiry_age() == 30 * 24 * 60 * 60
    cookie = client.cookies["sessionid"]
    expires = datetime.datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT")
    expected = timezone.now().replace(tzinfo=None) + datetime.timedelta(days=30)
    assert abs(expires - expected) < datetime.timedelta(minutes=1)


def test_signing_in_returns_the_session_to_the_usual_length(
    client, quiz, member, settings, django_user_model
):
    client.logout()
    take(client, quiz, finish=False)
    client.post(
        reverse("accounts:login"), {"username": "learner", "password": PASSWORD}
    )
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_messages_ride_in_the_session_not_in_a_cookie_of_their_own(client, quiz):
    attempt = take(client, quiz)
    response = client.post(
        reverse("quizzes:answer", args=[attempt.public_id, 1]), {"choice": "x"}
    )
    assert "messages" not in response.cookies
    assertContains(client.get(response["Location"]), "here is your result")


@pytest.mark.parametrize("name", ["my_data", "forget"])
def test_data_pages_take_the_same_queries_however_much_progress(
    client, quiz, name, django_assert_max_num_queries, django_assert_num_queries
):
    take(client, quiz, right=False)
    with django_assert_max_num_queries(7) as first:
        client.get(reverse(f"accounts:{name}"))
    queries = len(first)
    for _ in range(3):
        take(client, quiz, right=False)
        read(client, make_case_study())
    with django_assert_num_queries(queries):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200


def test_deleting_an_account_signs_it_out_on_every_device(client, member):
    # Security review, failure 19: the second device's session row kept the
    # deleted user's id.
    from accounts.models import Session

    phone = Client()
    phone.post(reverse("accounts:login"), {"username": "learner", "password": PASSWORD})
    assert "Sign out" in phone.get(reverse("quizzes:progress")).content.decode()
    assert Session.objects.filter(account=member).count() == 2
    client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert not Session.objects.filter(account_id=member.pk).exists()
    assert not any(
        session.get_decoded().get("_auth_user_id") == str(member.pk)
        for session in Session.objects.all()
    )
    assert "Sign out" not in phone.get(reverse("quizzes:progress")).content.decode()


def test_a_session_notes_whose_account_it_is_and_nothing_when_anonymous(
    client, member, quiz
):
    from accounts.models import Session

    anonymous = Client()
    take(anonymous, quiz, finish=False)
    key = anonymous.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).account is None
    assert Session.objects.get(session_key=client.session.session_key).account == member
