"""Reminders without contact data: the .ics download and the private feed."""

import datetime
import io
import logging
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from awareness.logs import JsonFormatter, redact
from quizzes import personal_data
from quizzes.models import Attempt, ReviewCalendar, ReviewItem

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

PROMPT = "Does the bank ask for your code?"


@pytest.fixture
def learner(client):
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt=PROMPT)
    make_question(quiz, topic="shopping")
    client.post("/en/quizzes/calls/start/")
    attempt = Attempt.objects.get()
    for answer in attempt.answers.select_related("question"):
        client.post(
            f"/en/attempts/{attempt.public_id}/{answer.position}/answer/",
            {"choice": answer.question.choices.get(is_correct=False).key},
        )
    return client


def unfold(text):
    """Return the iCalendar lines, unfolded, after checking the line ends."""
    assert "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines[-1] == ""
    return lines[:-1]


def events(text):
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None and ":" in line and "ALARM" not in line:
            name, value = line.split(":", 1)
            current.setdefault(name, value)
    return found


def ics(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_the_reminder_is_one_event_at_the_next_due_time(learner):
    response = learner.get("/en/review/reminder.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [event] = events(response.content.decode())
    first_due = ReviewItem.objects.order_by("due_at").first().due_at
    assert event["DTSTART"] == ics(first_due)
    assert event["SUMMARY"] == "Time for a review · Guard Your Info"
    assert event["URL"] == f"{settings.SITE_URL}/en/review/"
    assert event["UID"].endswith("@testserver")
    text = response.content.decode()
    assert PROMPT not in text and learner.session["learner"] not in text


def test_an_overdue_reminder_is_for_now_not_the_past(learner):
    ReviewItem.objects.update(due_at=timezone.now() - datetime.timedelta(days=3))
    [event] = events(learner.get("/en/review/reminder.ics").content.decode())
    start = datetime.datetime.strptime(event["DTSTART"], "%Y%m%dT%H%M%SZ")
    start = start.replace(tzinfo=datetime.UTC)
    assert abs((start - timezone.now()).total_seconds()) < 60


def test_the_reminder_speaks_the_learners_language(learner):
    [event] = events(learner.get("/zh-hans/review/reminder.ics").content.decode())
    assert event["URL"].endswith("/zh-hans/review/")
    assert "复习" in event["SUMMARY"]


def test_no_reminder_before_anything_is_answered(client):
    response = client.get("/en/review/reminder.ics")
    assert response.status_code == 302
    assertContains(client.get(response["Location"]), "Nothing is scheduled")


def feed_url(client):
    client.post("/en/review/calendar/", {"action": "renew"})
    calendar = ReviewCalendar.objects.get()
    return calendar, f"/en/review/calendar/{calendar.token}.ics"


def test_the_private_feed_lists_due_days_and_nothing_personal(learner):
    calendar, url = feed_url(learner)
    page = learner.get("/en/review/")
    assertContains(page, f"{settings.SITE_URL}{url}")
    # A calendar app asks without the learner's session.
    learner.cookies.clear()
    response = learner.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content.decode())
    # Both questions fall due the same day: one event.
    assert len(found) == 1
    assert found[0]["DTSTART"] == ics(ReviewItem.objects.first().due_at)
    text = response.content.decode()
    for secret in (PROMPT, calendar.token, calendar.learner_key):
        assert secret not in text
    # Nothing is set for the app that fetched it.
    assert not response.cookies


def test_a_new_link_revokes_the_old_and_off_is_off(learner):
    old, old_url = feed_url(learner)
    new, new_url = feed_url(learner)
    assert old.token != new.token
    assert learner.get(old_url).status_code == 404
    assert learner.get(new_url).status_code == 200
    learner.post("/en/review/calendar/", {"action": "revoke"})
    assert not ReviewCalendar.objects.exists()
    assert learner.get(new_url).status_code == 404
    assertNotContains(learner.get("/en/review/"), "/review/calendar/" + new.token)


def test_the_feed_is_rate_limited(learner, settings):
    _calendar, url = feed_url(learner)
    settings.RATE_LIMITS = {"calendar": "2/3600", "calendar-ip": "100/600"}
    assert [learner.get(url).status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def site_log():
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_the_feed_token_never_reaches_a_log(learner, site_log):
    calendar, url = feed_url(learner)
    learner.post("/en/review/calendar/", {"action": "revoke"})
    # A revoked link is a 404, which Django logs with its path.
    assert learner.get(url).status_code == 404
    text = site_log.getvalue()
    assert "/review/calendar/…" in text
    assert calendar.token not in text
    assert redact(f"GET {url} 200") == "GET /en/review/calendar/… 200"


def test_the_calendar_link_joins_the_account_and_goes_with_erasure(
    learner, django_user_model
):
    calendar, url = feed_url(learner)
    user = django_user_model.objects.create_user("ann", password="long-pass-word-1")
    key = learner.session["learner"]
    assert personal_data.held(user=AnonymousUser(), learner_key=key) == {
        "attempts": 1,
        "readings": 0,
        "review_items": 2,
        "review_calendars": 1,
        "passed_on_links": 0,
        "simulation_runs": 0,
    }
    moved = personal_data.claim(learner_key=key, user=user)
    assert moved["review_calendars"] == 1 and moved["review_items"] == 2
    calendar.refresh_from_db()
    assert (calendar.user, calendar.learner_key) == (user, "")
    # The same link keeps working once it is the account's.
    assert learner.get(url).status_code == 200
    data = personal_data.export(user=user, learner_key="")
    assert [link["link"] for link in data["review_calendar_links"]] == [calendar.token]
    assert {item["family"] for item in data["review_queue"]} == set(
        ReviewItem.objects.values_list("family", flat=True)
    )
    erased = personal_data.erase(user=user, learner_key="")
    assert erased["review_calendars_deleted"] == 1
    assert erased["review_items_deleted"] == 2
    assert learner.get(url).status_code == 404


def test_an_account_keeps_its_own_link_when_a_session_joins_it(django_user_model):
    user = django_user_model.objects.create_user("ann", password="x")
    mine = ReviewCalendar.objects.create(user=user)
    ReviewCalendar.objects.create(learner_key="k")
    assert ReviewCalendar.objects.claim(learner_key="k", user=user) == 0
    assert list(ReviewCalendar.objects.all()) == [mine]


def test_discarding_a_session_discards_its_link():
    ReviewCalendar.objects.create(learner_key="k")
    assert personal_data.discard(learner_key="k")["review_calendars"] == 1
    assert not ReviewCalendar.objects.exists()


def test_long_lines_are_folded_at_75_octets():
    from quizzes.review import Event, calendar

    text = calendar(
        [
            Event(
                uid="u@x",
                start=timezone.now(),
                summary="复习" * 60,
                url="https://x.example/",
            )
        ],
        name="n",
    )
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    assert any(
        line.startswith("SUMMARY:" + "复习" * 20) for line in unfold(text)
    ) and re.search("SUMMARY:(复习){60}\r\n", "\r\n".join(unfold(text)) + "\r\n")
