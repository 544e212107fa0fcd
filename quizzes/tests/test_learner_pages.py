import re

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from awareness.tests.factories import make_case_study
from quizzes import learner_pages
from quizzes.models import LEARNER_SESSION_KEY, Attempt

from .factories import make_question, make_quiz
from .test_views import answer, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


@pytest.fixture(
    autouse=True,
    params=[DATABASE_SESSIONS, "awareness.sessions"],
    ids=["database sessions", "cached sessions read ahead"],
)
def session_engine(request, settings):
    """Every test runs with the sessions of a single server (the database)
    and with those of several (the cache, read ahead with the page)."""
    settings.SESSION_ENGINE = request.param
    learner_pages._owner_of_session.clear()
    return request.param


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="Who calls from +?")
    make_question(quiz, prompt="Who texts a link?")
    return quiz


def question_url(attempt, position=1):
    return f"/en/attempts/{attempt.public_id}/{position}/"


def stored(client, url):
    """Return the page once it is in the learner's cache.

    The first view sets the CSRF cookie, so it is the second that is kept.
    """
    client.get(url)
    return client.get(url)


def test_a_learners_second_view_comes_from_their_own_cache(
    client, quiz, django_assert_num_queries, session_engine, monkeypatch
):
    attempt = start(client, quiz)
    first = stored(client, question_url(attempt))
    trips = count_round_trips(monkeypatch)
    # Only the session, when it is kept in the database.
    queries = 1 if session_engine == DATABASE_SESSIONS else 0
    with django_assert_num_queries(queries):
        second = client.get(question_url(attempt))
    # The page (and the session, when it is cached) in one round trip.
    assert len(trips) == 1
    assert second.content == first.content
    assertContains(second, "Who calls from +?")
    stored(client, "/en/progress/")
    trips.clear()
    with django_assert_num_queries(queries):
        assertContains(client.get("/en/progress/"), quiz.title)
    assert len(trips) == 1


def count_round_trips(monkeypatch):
    """Return a list that gets the keys of each read from the cache."""
    trips = []
    cache = caches["default"]
    reading = []
    for name in ("get", "get_many"):
        read = getattr(cache, name)

        def spy(keys, *args, read=read, **kwargs):
            # The local memory cache's get_many() calls get() for each key:
            # on a real server that is still one round trip.
            if not reading:
                trips.append(keys)
            reading.append(keys)
            try:
                return read(keys, *args, **kwargs)
            finally:
                reading.pop()

        monkeypatch.setattr(cache, name, spy)
    return trips


def test_a_session_that_changed_hands_never_gets_the_old_learners_page(client, quiz):
    attempt = start(client, quiz)
    stored(client, question_url(attempt))
    someone = Client()
    start(someone, quiz)
    # The same session now holds someone else's progress: a guess made
    # from the session's last page must not serve it.
    session = client.session
    session[LEARNER_SESSION_KEY] = someone.session[LEARNER_SESSION_KEY]
    session.save()
    assert client.get(question_url(attempt)).status_code == 404


def test_answering_shows_the_feedback_and_not_the_stored_question(client, quiz):
    attempt = start(client, quiz)
    assertContains(stored(client, question_url(attempt)), 'name="choice"')
    answer(client, attempt, 1, "Right")
    page = client.get(question_url(attempt))
    assertContains(page, "Right.")
    assertNotContains(page, 'name="choice"')


def test_my_pages_are_never_served_to_someone_else(client, quiz):
    attempt = start(client, quiz)
    stored(client, question_url(attempt))
    assertContains(stored(client, "/en/progress/"), attempt.get_absolute_url())
    someone = Client()
    assert someone.get(question_url(attempt)).status_code == 404
    start(someone, quiz)
    assert someone.get(question_url(attempt)).status_code == 404
    assertNotContains(someone.get("/en/progress/"), attempt.get_absolute_url())


def test_staff_edits_retire_learner_pages(client, quiz):
    attempt = start(client, quiz)
    stored(client, question_url(attempt))
    question = attempt.answers.get(position=1).question
    question.prompt = "Who calls from an unknown number?"
    question.save()
    assertContains(client.get(question_url(attempt)), "unknown number")


def test_a_waiting_message_is_shown_once(client, quiz):
    attempt = start(client, quiz)
    answer(client, attempt, 1, "Right")
    stored(client, question_url(attempt))
    answer(client, attempt, 1, "Wrong")
    assertContains(client.get(question_url(attempt)), "your first answer counts")
    assertNotContains(client.get(question_url(attempt)), "your first answer counts")


def test_reading_a_case_study_shows_on_my_progress(client, quiz):
    case = make_case_study(title="Trojans in training firms")
    start(client, quiz)
    assertNotContains(stored(client, "/en/progress/"), case.title)
    client.get(case.get_absolute_url())
    assertContains(client.get("/en/progress/"), case.title)


def test_progress_on_one_device_shows_on_the_other(quiz, django_user_model):
    user = django_user_model.objects.create_user(username="ada", password="pw-12345")
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    assertNotContains(stored(laptop, "/en/progress/"), quiz.title)
    start(phone, quiz)
    assertContains(laptop.get("/en/progress/"), quiz.title)


def test_signing_out_leaves_nothing_of_mine_on_the_page(client, quiz):
    assert (
        client.post(
            "/en/accounts/signup/",
            {
                "username": "bea",
                "password1": "a-long-pass-53",
                "password2": "a-long-pass-53",
            },
        ).status_code
        == 302
    )
    start(client, quiz)
    assertContains(stored(client, "/en/progress/"), quiz.title)
    client.post("/en/accounts/logout/")
    assertNotContains(client.get("/en/progress/"), quiz.title)


def test_a_new_csrf_secret_gets_a_page_with_a_token_that_works(quiz):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/en/quizzes/{quiz.slug}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    client.post(f"/en/quizzes/{quiz.slug}/start/", {"csrfmiddlewaretoken": token})
    attempt = Attempt.objects.get()
    stored(client, question_url(attempt))
    client.cookies["csrftoken"] = "n" * 32
    page = client.get(question_url(attempt)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    choice = re.search(r'name="choice" value="([^"]+)"', page)[1]
    response = client.post(
        f"{question_url(attempt)}answer/",
        {"csrfmiddlewaretoken": token, "choice": choice},
    )
    assert response.status_code == 302
    assert attempt.answers.get(position=1).is_answered
