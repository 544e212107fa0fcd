from importlib import import_module
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from awareness import addresses, throttle
from quizzes.models import LEARNER_SESSION_KEY, Attempt, learner_identity_expression
from quizzes.tests.factories import make_question, make_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PASSWORD = "a-long-test-password"


@pytest.fixture
def ann(django_user_model):
    return django_user_model.objects.create_user(username="ann", password=PASSWORD)


def sign_in(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        **extra,
    )


def test_five_failed_sign_ins_lock_the_account_from_that_network(
    client, ann, rate_limits
):
    for _ in range(5):
        assert sign_in(client, "ann", "wrong").status_code == 200
    response = sign_in(client, "ann", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 900
    body = response.content.decode()
    assert "Too many failed sign-ins" in body and "15 minutes" in body
    assert reverse("accounts:password_reset") in body
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_reach_other_networks_or_accounts(
    client, ann, django_user_model, rate_limits
):
    django_user_model.objects.create_user(username="bo", password=PASSWORD)
    for _ in range(5):
        sign_in(client, "ann", "wrong")
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "ann", PASSWORD).status_code == 302
    assert sign_in(Client(), "bo", PASSWORD).status_code == 302


def test_the_lockout_ignores_the_case_of_the_username(client, ann, rate_limits):
    for name in ("ann", "ANN", "Ann", "aNN", "anN"):
        sign_in(client, name, "wrong")
    assert sign_in(client, "ann", PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_failures(client, ann, rate_limits):
    for _ in range(4):
        sign_in(client, "ann", "wrong")
    assert sign_in(client, "ann", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        sign_in(client, "ann", "wrong")
    assert sign_in(client, "ann", PASSWORD).status_code == 302


def test_staff_sign_in_to_the_admin_is_locked_out_too(
    client, django_user_model, rate_limits
):
    django_user_model.objects.create_superuser(username="boss", password=PASSWORD)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "boss", "password": "wrong"})
    response = client.post(url, {"username": "boss", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_locked_out_sign_in_checks_no_password(client, ann, rate_limits):
    for _ in range(5):
        sign_in(client, "ann", "wrong")
    with mock.patch("django.contrib.auth.models.User.check_password") as check:
        assert sign_in(client, "ann", PASSWORD).status_code == 429
    check.assert_not_called()


def test_answering_faster_than_a_person_gets_the_friendly_429(client, settings):
    settings.RATE_LIMITS = {"answer": "3/60"}
    quiz = make_quiz(slug="fast")
    for _ in range(5):
        make_question(quiz)
    client.post(reverse("quizzes:quiz_start", args=["fast"]))
    attempt = Attempt.objects.get()
    statuses = []
    for answer in attempt.answers.select_related("question"):
        key = answer.question.choices.first().key
        url = reverse("quizzes:answer", args=[attempt.public_id, answer.position])
        statuses.append(client.post(url, {"choice": key}))
    assert [r.status_code for r in statuses] == [302, 302, 302, 429, 429]
    limited = statuses[-1]
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "Please slow down" in limited.content.decode()
    assert attempt.answers.filter(answered_at__isnull=False).count() == 3


def test_each_learner_has_their_own_answer_limit(settings):
    settings.RATE_LIMITS = {"answer": "1/60", "answer-ip": "100/60"}
    quiz = make_quiz(slug="two")
    make_question(quiz)
    make_question(quiz)
    for learner in (Client(), Client()):
        learner.post(reverse("quizzes:quiz_start", args=["two"]))
        attempt = Attempt.objects.order_by("-pk").first()
        url = reverse("quizzes:answer", args=[attempt.public_id, 1])
        key = attempt.answers.get(position=1).question.choices.first().key
        assert learner.post(url, {"choice": key}).status_code == 302


def test_a_learner_is_limited_under_the_name_statistics_count(
    client, django_user_model, settings
):
    settings.RATE_LIMITS = {"start": "100/60"}
    quiz = make_quiz(slug="named")
    make_question(quiz)
    url = reverse("quizzes:quiz_start", args=["named"])
    user = django_user_model.objects.create_user("learner", password=PASSWORD)
    named = []
    with mock.patch.object(throttle, "hit", side_effect=lambda *a: named.append(a)):
        client.post(url)  # makes the learner's token
        client.post(url)
        client.force_login(user)
        client.post(url)
    first, anonymous, signed_in = Attempt.objects.order_by("pk").annotate(
        learner=learner_identity_expression()
    )
    assert first.learner == anonymous.learner
    per_client = [ident for scope, ident in named if scope == "start"]
    # The first start, before any session, counts towards the network only.
    assert per_client == [anonymous.learner, signed_in.learner]
    assert signed_in.learner == f"user:{user.pk}"


def test_a_visitor_who_is_not_a_learner_is_limited_by_session(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    assert throttle.client_key(request) is None
    request.session.save()
    assert throttle.client_key(request) == f"session:{request.session.session_key}"
    request.session[LEARNER_SESSION_KEY] = "token"
    assert throttle.client_key(request) == "learner:token"


def test_first_starts_from_one_network_do_not_lock_out_its_newcomers(rate_limits):
    """Visitors without a session count only towards the network's ceiling."""
    quiz = make_quiz(slug="classroom")
    make_question(quiz)
    url = reverse("quizzes:quiz_start", args=["classroom"])
    # Each first start comes from a new browser on the same network.
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(url).status_code for n in range(1, 41)
    ]
    assert statuses == [302] * 40


def test_a_network_still_has_a_ceiling_on_first_starts(settings):
    settings.RATE_LIMITS = {"start": "30/600", "start-ip": "3/600"}
    quiz = make_quiz(slug="ceiling")
    make_question(quiz)
    url = reverse("quizzes:quiz_start", args=["ceiling"])
    statuses = [
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(url).status_code for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]


def test_one_browser_is_limited_per_session(settings):
    settings.RATE_LIMITS = {"start": "2/600", "start-ip": "600/600"}
    quiz = make_quiz(slug="mine")
    make_question(quiz)
    url = reverse("quizzes:quiz_start", args=["mine"])
    browser = Client(REMOTE_ADDR="203.0.113.1")
    statuses = [browser.post(url).status_code for _ in range(4)]
    # The first start is made before the browser has a session, so only the
    # network counts it.
    assert statuses == [302, 302, 302, 429]
    assert Client(REMOTE_ADDR="203.0.113.2").post(url).status_code == 302


def test_sign_ups_are_limited_per_network(client, settings):
    settings.RATE_LIMITS = {"signup": "2/600"}
    url = reverse("accounts:signup")
    for n in range(2):
        response = client.post(url, {"username": f"u{n}", "password1": "x"})
        assert response.status_code == 400
    assert client.post(url, {"username": "u9"}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.post(url, {"username": "u9"}).status_code == 400


def test_limits_fail_open_when_the_cache_is_down(client, settings, ann):
    settings.RATE_LIMITS = {"login": "1/60", "signup": "1/60"}
    down = ConnectionError("down")
    with (
        mock.patch.object(cache, "add", side_effect=down),
        mock.patch.object(cache, "get", side_effect=down),
    ):
        for _ in range(3):
            response = client.post(reverse("accounts:signup"), {"username": "x"})
            assert response.status_code == 400
        assert sign_in(client, "ann", "wrong").status_code == 200
        assert sign_in(client, "ann", PASSWORD).status_code == 302


def test_client_address_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.PROXY_COUNT = 0
    assert addresses.client_ip(request) == "10.0.0.2"
    settings.PROXY_COUNT = 1
    assert addresses.client_ip(request) == "203.0.113.9"
    settings.PROXY_COUNT = 2
    assert addresses.client_ip(request) == "6.6.6.6"
    settings.PROXY_COUNT = 3  # fewer entries than proxies: not trusted
    assert addresses.client_ip(request) == "10.0.0.2"


def test_networks_hide_the_host_part_of_an_address():
    assert addresses.network("203.0.113.77") == "203.0.113.0/24"
    assert addresses.network("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert addresses.network("not an address") == "unknown"


def test_counter_keys_hold_no_address_or_username(settings):
    settings.RATE_LIMITS = {"login": "5/900"}
    throttle.hit("login", "ann|203.0.113.0/24")
    keys = list(cache._cache)
    assert keys and not any("ann" in key or "203.0" in key for key in keys)


def test_rate_limits_can_be_switched_off_or_changed_from_the_environment():
    import os
    import subprocess
    import sys

    probe = "import awareness.settings as s; print(s.RATE_LIMITS)"
    env = {**os.environ, "DJANGO_SECRET_KEY": "k"}
    for value, expected in (
        ("off", "{}"),
        ("answer=5/60,signup=off", "'answer': '5/60'"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            env={**env, "DJANGO_RATE_LIMITS": value},
            capture_output=True,
            text=True,
            check=True,
        )
        assert expected in result.stdout
    assert "'signup': 'off'" in result.stdout


@pytest.mark.parametrize(
    ("url", "field", "rest"),
    [
        (
            "accounts:password_change",
            "old_password",
            {
                "new_password1": "a-new-long-passphrase",
                "new_password2": "a-new-long-passphrase",
            },
        ),
        ("accounts:delete", "password", {}),
    ],
)
def test_password_checks_from_a_signed_in_session_are_locked_out_too(
    client, ann, rate_limits, url, field, rest
):
    client.force_login(ann)
    for _ in range(5):
        response = client.post(reverse(url), {field: "wrong", **rest})
        assert response.status_code == 400
    response = client.post(reverse(url), {field: PASSWORD, **rest})
    assert response.status_code == 429
    assert "Too many failed" in response.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)
