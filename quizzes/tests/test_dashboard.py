"""Home and quiz list for a learner with progress (issue 15, "A home that knows the learner")."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from quizzes.models import Attempt

from .factories import count_queries, make_question, make_quiz
from .test_review import latest_review, make_due, take

pytestmark = pytest.mark.django_db


def started(client, quiz):
    client.post(f"/en/quizzes/{quiz.slug}/start/")
    return Attempt.objects.filter(quiz=quiz).latest("started_at")


def quizzes(count, questions=2):
    made = []
    for n in range(count):
        quiz = make_quiz(slug=f"quiz-{n}", order=n, title=f"Quiz {n}", pass_mark=60)
        for m in range(questions):
            make_question(quiz, key=f"q{n}-{m}", prompt=f"Question {n}.{m}?")
        made.append(quiz)
    return made


def test_a_new_visitor_sees_no_dashboard(client):
    quizzes(2)
    for url in ("/en/", "/en/quizzes/"):
        assertNotContains(client.get(url), "Where you left off")


def test_home_and_quiz_list_show_resume_best_score_and_next_quiz(client):
    first, second, third = quizzes(3)
    take(client, started(client, first), "Right")
    unfinished = started(client, second)
    home = client.get("/en/")
    assertContains(home, "Where you left off")
    assertContains(
        home, f'<a href="{unfinished.get_absolute_url()}">Resume “Quiz 1”</a>'
    )
    best = Attempt.objects.get(quiz=first)
    assertContains(
        home, f'Quiz 0: <a href="{best.get_absolute_url()}">100%</a>, passed ✓'
    )
    # Never tried comes first; the one in progress is offered to resume.
    assertContains(
        home, f'Next suggested quiz: <a href="{third.get_absolute_url()}">Quiz 2</a>'
    )
    listing = client.get("/en/quizzes/")
    assertContains(listing, "Your best: 100%, passed ✓")
    assertContains(listing, "In progress: resume")
    assertContains(listing, "Next suggested quiz")
    # Someone else sees none of it.
    assertNotContains(Client().get("/en/quizzes/"), "Your best")


def test_the_next_quiz_is_the_weakest_not_yet_passed(client):
    first, second = quizzes(2)
    take(client, started(client, first), "Wrong")
    take(client, started(client, second), "Right")
    assertContains(
        client.get("/en/"),
        f'Next suggested quiz: <a href="{first.get_absolute_url()}">Quiz 0</a>',
    )
    take(client, started(client, first), "Right")
    assertContains(client.get("/en/"), "You have passed every quiz.")


def test_the_reviews_due_start_exactly_what_the_button_says(client):
    (quiz,) = quizzes(1, questions=12)
    take(client, started(client, quiz), "Wrong")
    make_due()
    home = client.get("/en/")
    assertContains(home, "12 questions are due for review.")
    assertContains(home, "Review 10 of the 12 now")
    client.post("/en/review/start/")
    assert latest_review().answers.count() == 10
    # Started, the review is resumed rather than started again.
    assertContains(client.get("/en/"), "Resume the review")


def test_a_small_due_set_starts_whole(client):
    (quiz,) = quizzes(1, questions=3)
    take(client, started(client, quiz), "Wrong")
    make_due()
    assertContains(client.get("/en/quizzes/"), "Review the 3 questions now")
    client.post("/en/review/start/")
    assert latest_review().answers.count() == 3


def test_a_drawing_quiz_says_how_many_an_attempt_holds(client):
    quiz = make_quiz(slug="draws", draw=3)
    for n in range(7):
        make_question(quiz, key=f"d{n}")
    assertContains(client.get("/en/quizzes/"), "3 questions per attempt, drawn from 7")
    assert started(client, quiz).answers.count() == 3


@pytest.mark.parametrize("url", ["/en/", "/en/quizzes/"])
def test_the_pages_take_the_same_queries_however_much_progress(client, url):
    made = quizzes(2)
    take(client, started(client, made[0]), "Wrong")
    make_due()
    few = count_queries(lambda: client.get(url))
    made += quizzes_more(3)
    for quiz in made:
        take(client, started(client, quiz), "Right")
        take(client, started(client, quiz), "Wrong")
    started(client, made[-1])
    make_due()
    assert count_queries(lambda: client.get(url)) == few


def quizzes_more(count):
    extra = []
    for n in range(count):
        quiz = make_quiz(slug=f"more-{n}", order=10 + n, title=f"More {n}")
        for m in range(3):
            make_question(quiz, key=f"m{n}-{m}")
        extra.append(quiz)
    return extra
