"""The way back from a teaching page to the question (awareness/back_link.py)."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from awareness.back_link import safe_back, with_back
from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz

from .factories import make_case_study, make_tip


@pytest.mark.parametrize(
    "value",
    [
        "",
        "//evil.com",
        "//evil.com/en/quizzes/",
        "https://evil.com/en/quizzes/",
        "http:/en/quizzes/",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "/\\evil.com",
        "\\\\evil.com",
        "/en/quizzes/\nSet-Cookie: x",
        "/en/quizzes/\x00",
        "en/quizzes/",
        "/en/no-such-page/",
        "/" + "a" * 400,
    ],
)
def test_anything_but_a_same_site_path_is_ignored(db, value):
    assert safe_back(value) == ""


@pytest.mark.parametrize(
    "value",
    ["/en/quizzes/", "/en/attempts/0b2f4a5e-2f1b-4c55-9d3e-6f1c2b7d8e90/3/#feedback"],
)
def test_a_path_on_this_site_is_kept(db, value):
    assert safe_back(value) == value


def test_with_back_goes_before_the_fragment():
    assert with_back("/en/chain/#collect", "/en/x/#feedback") == (
        "/en/chain/?back=%2Fen%2Fx%2F%23feedback#collect"
    )
    assert with_back("/en/tips/wifi/", "") == "/en/tips/wifi/"


@pytest.mark.django_db
def test_learn_more_opens_the_case_with_a_way_back_to_the_question(client):
    case_study = make_case_study(slug="trojans", title="Trojans")
    quiz = make_quiz(slug="calls")
    make_question(quiz, case_study=case_study)
    client.post("/en/quizzes/calls/start/")
    attempt = Attempt.objects.get()
    question = f"/en/attempts/{attempt.public_id}/1/"
    key = attempt.answers.get().question.choices.get(text="Right").key
    client.post(f"{question}answer/", {"choice": key})
    feedback = client.get(question)
    link = f"/en/cases/trojans/?back=%2Fen%2Fattempts%2F{attempt.public_id}%2F1%2F%23feedback"
    assertContains(feedback, f'href="{link}"')
    page = client.get(link)
    assertContains(
        page,
        f'<a class="link-alone" href="{question}#feedback">← Back to the question</a>',
        html=True,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "back", ["//evil.com", "https://evil.com/", "javascript:alert(1)"]
)
def test_a_foreign_back_shows_no_link_and_no_error(client, back):
    make_tip(slug="wifi")
    response = client.get("/en/tips/wifi/", {"back": back})
    assert response.status_code == 200
    assertNotContains(response, "Back to")
    assertNotContains(response, 'class="back-link"')
    # The value shows nowhere as a link of its own (the language switcher
    # keeps the query string, URL-encoded, on this same page).
    assertNotContains(response, f'href="{back}"')


@pytest.mark.django_db
def test_another_page_of_the_site_gets_a_plain_way_back(client):
    make_tip(slug="wifi")
    response = client.get("/en/tips/wifi/", {"back": "/en/quizzes/"})
    assertContains(response, "← Back to where you were")


@pytest.mark.django_db
def test_the_way_back_follows_a_change_of_language(client):
    make_tip(slug="wifi")
    response = client.get("/zh-hans/tips/wifi/", {"back": "/en/quizzes/#top"})
    assertContains(response, 'href="/zh-hans/quizzes/#top"')
