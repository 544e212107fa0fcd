import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from quizzes.tests.test_concurrency import run_together

# SQLite serialises writers, so only a real server shows a race.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"
    ),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct-horse-battery"


def test_a_sign_up_posted_twice_at_once_makes_one_account_and_no_500():
    first = Client(raise_request_exception=False)
    first.get("/en/accounts/signup/")
    second = Client(raise_request_exception=False)
    second.cookies = first.cookies
    data = {"username": "learner", "password1": PASSWORD, "password2": PASSWORD}
    responses = run_together(
        *[
            lambda browser=browser: browser.post("/en/accounts/signup/", data)
            for browser in (first, second)
            for _ in range(3)
        ]
    )
    # A click whose form check already sees the account is told the name is
    # taken; every other one ends signed in.
    for response in responses:
        if response.status_code != 302:
            assert response.status_code == 400
            assert "A user with that username already exists." in (
                response.content.decode()
            )
    assert get_user_model().objects.count() == 1
