import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from awareness.logs import JsonFormatter
from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db

USERNAME = "wanglei2025"
PASSWORD = "Correct-Horse-7731"
EMAIL = "wang.lei@example.com"
ADDRESS = "203.0.113.77"
ANSWER = "Hang up and call the bank's number yourself"


@pytest.mark.usefixtures("frozen_clock")
def test_a_full_visit_logs_no_personal_data(caplog, settings):
    settings.RATE_LIMITS = {"answer": "1/60", "login": "5/900"}
    caplog.set_level(logging.DEBUG)
    quiz = make_quiz(slug="calls")
    right = make_question(quiz, choices=((ANSWER, True), ("Call back", False)))
    make_question(quiz)
    visitor = Client(REMOTE_ADDR=ADDRESS)

    visitor.post(
        reverse("accounts:signup"),
        {
            "username": USERNAME,
            "email": EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    visitor.post(reverse("accounts:logout"))
    visitor.post(
        reverse("accounts:login"), {"username": USERNAME, "password": PASSWORD + "x"}
    )
    visitor.post(
        reverse("accounts:login"), {"username": USERNAME, "password": PASSWORD}
    )
    visitor.post(reverse("quizzes:quiz_start", args=["calls"]))
    attempt = Attempt.objects.get()
    key = right.choices.get(is_correct=True).key
    for position in (1, 2):  # the second answer is over the limit: 429
        visitor.post(
            reverse("quizzes:answer", args=[attempt.public_id, position]),
            {"choice": key},
        )
    visitor.get("/no-such-page/?email=" + EMAIL)

    lines = [JsonFormatter().format(record) for record in caplog.records]
    text = "\n".join(lines)
    for secret in (USERNAME, PASSWORD, EMAIL, ADDRESS, ANSWER, key):
        assert secret not in text, secret
    events = [json.loads(line) for line in lines]
    kinds = {event.get("event") for event in events}
    # The visit was logged, enough to act on, just without personal data.
    assert {"login", "login_failed", "logout", "rate_limited"} <= kinds
    assert any(event.get("status_code") == 404 for event in events)
    assert any(event.get("status_code") == 429 for event in events)
    assert all(
        event["network"] == "203.0.113.0/24" for event in events if "network" in event
    )


def test_log_lines_are_single_line_json_that_drops_unknown_fields():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "two\nlines", None, None
    )
    record.username = USERNAME
    record.event = "test"
    line = JsonFormatter().format(record)
    assert "\n" not in line and USERNAME not in line
    assert json.loads(line)["message"] == "two\nlines"


def test_access_log_lines_hold_a_network_and_no_secrets():
    import datetime
    from types import SimpleNamespace

    from gunicorn.config import Config

    from awareness.access_log import AccessLogger

    config = Config()
    config.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(q)s %(a)s')
    environ = {
        "REMOTE_ADDR": ADDRESS,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/accounts/password/reset/MQ/cbx-0123456789abcdef/",
        "QUERY_STRING": "q=" + EMAIL,
        "RAW_URI": "/accounts/password/reset/MQ/cbx-0123456789abcdef/?q=" + EMAIL,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Phone " + USERNAME,
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=abc")])
    atoms = AccessLogger(config).atoms(
        response, request, environ, datetime.timedelta(milliseconds=12)
    )
    line = config.access_log_format % atoms
    assert line.startswith('203.0.113.0/24 "GET /accounts/password/reset/…/…/" 200')
    for secret in (ADDRESS, EMAIL, USERNAME, "cbx-0123456789abcdef", "abc"):
        assert secret not in line


TOKEN = "cbx-0123456789abcdef"


@pytest.fixture
def site_log():
    """Return what the site's own log handler writes, as text, while active."""
    import io

    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_reset_tokens_in_paths_never_reach_the_log(client, site_log):
    for path in (
        f"/en/accounts/password/reset/MQ/{TOKEN}/extra/",
        f"/accounts/password/reset/MQ/{TOKEN}",
        f"/no/password/reset/MQ/{TOKEN}/",
    ):
        assert client.get(path).status_code in (301, 302, 404)
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        f"/en/accounts/password/reset/MQ/{TOKEN}/",
        extra={"status_code": 500},
    )
    text = site_log.getvalue()
    assert "password/reset/…/…/" in text
    assert TOKEN not in text


def test_tracebacks_carry_no_username_or_row(site_log, django_user_model):
    from django.db import IntegrityError, transaction

    django_user_model.objects.create_user(USERNAME, email=EMAIL)
    try:
        with transaction.atomic():
            django_user_model.objects.create_user(USERNAME, email=EMAIL)
    except IntegrityError:
        logging.getLogger("django.request").exception("Internal Server Error")
    text = site_log.getvalue()
    assert "IntegrityError" in text
    assert USERNAME not in text and EMAIL not in text


def test_database_errors_lose_the_values_they_quote():
    from awareness.logs import redact

    detail = (
        'duplicate key value violates unique constraint "auth_user_username_key"\n'
        f"DETAIL:  Key (username)=({USERNAME}) already exists.\n"
        f"DETAIL:  Failing row contains (1, {USERNAME}, {EMAIL}).\n"
        f"DETAIL:  Key (lower(username::text))=({USERNAME}) already exists."
    )
    redacted = redact(detail)
    assert "Key (username)=(…) already exists" in redacted
    assert USERNAME not in redacted and EMAIL not in redacted
