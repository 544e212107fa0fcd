import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from awareness.tests.factories import make_case_study, make_tip
from quizzes.models import Attempt, ReviewItem

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


def take(client, quiz, right=True):
    """Finish the quiz, every answer right or every answer wrong."""
    client.post(f"/en/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.latest("started_at")
    for answer in attempt.answers.select_related("question"):
        key = next(
            choice.key
            for choice in answer.question.choices.all()
            if choice.is_correct == right
        )
        client.post(
            f"/en/attempts/{attempt.public_id}/{answer.position}/answer/",
            {"choice": key},
        )
    client.post(f"/en/attempts/{attempt.public_id}/finish/")
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def result(client, attempt):
    return client.get(f"/en/attempts/{attempt.public_id}/")


def next_steps(page):
    html = page.content.decode()
    return html[html.index('id="next-heading"') :]


@pytest.fixture
def quizzes():
    made = [
        make_quiz(slug=slug, title=slug.title(), order=order)
        for order, slug in enumerate(("first", "second", "third"), start=1)
    ]
    for quiz in made:
        make_question(quiz)
    return made


def test_the_result_offers_the_next_quiz_not_yet_finished(client, quizzes):
    first, second, third = quizzes
    take(client, second)
    steps = next_steps(result(client, take(client, first)))
    assert 'href="/en/quizzes/third/"' in steps
    assert "/en/quizzes/second/" not in steps


def test_after_the_last_quiz_the_first_unfinished_one_is_next(client, quizzes):
    first, second, third = quizzes
    take(client, second)
    steps = next_steps(result(client, take(client, third)))
    assert 'href="/en/quizzes/first/"' in steps


def test_with_every_quiz_finished_the_result_says_so(client, quizzes):
    for quiz in quizzes:
        attempt = take(client, quiz)
    steps = next_steps(result(client, attempt))
    assert "You have finished every quiz." in steps
    assert "Next quiz" not in steps


def test_an_unpublished_quiz_is_never_next(client, quizzes):
    first, second, third = quizzes
    second.is_published = False
    second.save()
    steps = next_steps(result(client, take(client, first)))
    assert 'href="/en/quizzes/third/"' in steps


def test_the_pages_behind_what_was_missed_are_offered(client):
    quiz = make_quiz(slug="pages")
    case = make_case_study(slug="the-case", title="The courier case")
    tip = make_tip(slug="the-tip", title="Hang up and call back")
    make_question(quiz, case_study=case)
    make_question(quiz, tip=tip)
    attempt = take(client, quiz, right=False)
    steps = next_steps(result(client, attempt))
    assert "The courier case" in steps and "Hang up and call back" in steps
    attempt = take(client, quiz, right=True)
    steps = next_steps(result(client, attempt))
    assert "The courier case" not in steps and "Hang up and call back" not in steps


def test_due_reviews_are_offered_with_the_review_pages_count(client, quizzes):
    attempt = take(client, quizzes[0], right=False)
    assert "due now" not in next_steps(result(client, attempt))
    ReviewItem.objects.update(due_at=timezone.now())
    steps = next_steps(result(client, attempt))
    assert re.search(
        r'<a href="/en/review/">Review 1 question</a> that is due now.', steps
    )


def test_a_long_result_folds_its_answers_and_a_short_one_does_not(client):
    short = make_quiz(slug="short")
    for _n in range(5):
        make_question(short)
    page = result(client, take(client, short))
    assertContains(page, '<details class="all-answers" open>')
    long = make_quiz(slug="long")
    for _n in range(6):
        make_question(long)
    page = result(client, take(client, long))
    assertContains(page, '<details class="all-answers">')
    assertContains(page, "Show all 6 answers")
    assertContains(page, 'class="answers__item"', count=6)


def test_the_result_page_queries_do_not_grow_with_what_was_missed(client):
    counts = []
    for size in (1, 4):
        quiz = make_quiz(slug=f"size-{size}")
        for n in range(size):
            make_question(
                quiz,
                case_study=make_case_study(slug=f"case-{size}-{n}"),
                tip=make_tip(slug=f"tip-{size}-{n}"),
            )
        attempt = take(client, quiz, right=False)
        with CaptureQueriesContext(connection) as queries:
            page = result(client, attempt)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_staff_reading_a_learners_result_get_no_next_steps_of_their_own(
    client, quizzes, django_user_model
):
    from django.contrib.auth.models import Permission
    from django.test import Client

    attempt = take(client, quizzes[0], right=False)
    staff = django_user_model.objects.create_user("coach", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_learner_progress"))
    reader = Client()
    reader.force_login(staff)
    page = result(reader, attempt)
    assert page.status_code == 200
    assertNotContains(page, "Next quiz")


def test_a_kept_result_is_made_again_once_another_quiz_is_finished(client, quizzes):
    first, second, third = quizzes
    attempt = take(client, first)
    # The first page sets the CSRF cookie that the ETag depends on.
    result(client, attempt)
    kept = result(client, attempt)
    assert 'href="/en/quizzes/second/"' in next_steps(kept)
    again = client.get(
        f"/en/attempts/{attempt.public_id}/", headers={"if-none-match": kept["ETag"]}
    )
    assert again.status_code == 304
    take(client, second)
    fresh = client.get(
        f"/en/attempts/{attempt.public_id}/", headers={"if-none-match": kept["ETag"]}
    )
    assert fresh.status_code == 200
    assert 'href="/en/quizzes/third/"' in next_steps(fresh)
