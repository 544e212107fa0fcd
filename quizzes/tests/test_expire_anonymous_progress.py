import datetime
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awareness.tests.factories import make_case_study
from quizzes.models import Answer, Attempt, Reading, ReviewItem

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="First?")
    make_question(quiz, prompt="Second?")
    return quiz


def learner(quiz, *, finish=True):
    """Return a client whose anonymous learner took the quiz, all wrong."""
    client = Client()
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("started_at")
    for answer in attempt.answers.select_related("question"):
        client.post(
            reverse("quizzes:answer", args=[attempt.public_id, answer.position]),
            {"choice": answer.question.choices.get(is_correct=False).key},
        )
    if finish:
        client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))
    client.get(make_case_study().get_absolute_url())
    return client


def age(client, days):
    """Move a learner's activity into the past."""
    then = timezone.now() - datetime.timedelta(days=days)
    attempts = Attempt.objects.filter(learner_key=client.session["learner"])
    attempts.update(started_at=then)
    Answer.objects.filter(attempt__in=attempts).update(answered_at=then)


def expire(**options):
    out = StringIO()
    call_command("expire_anonymous_progress", stdout=out, **options)
    return out.getvalue()


def rows(client):
    key = client.session["learner"]
    return (
        Attempt.objects.filter(learner_key=key).count(),
        Reading.objects.filter(learner_key=key).count(),
        ReviewItem.objects.filter(learner_key=key).count(),
    )


def test_inactive_anonymous_progress_is_erased_and_recent_progress_kept(quiz, settings):
    settings.ANONYMOUS_PROGRESS_DAYS = 30
    stale = learner(quiz)
    learner(quiz, finish=False)
    age(stale, 31)
    stale_attempt = Attempt.objects.get(learner_key=stale.session["learner"])
    recent = learner(quiz)

    output = expire()

    assert rows(stale) == (0, 0, 0)
    anonymous = Attempt.objects.get(pk=stale_attempt.pk)
    assert anonymous.user is None and anonymous.learner_key.startswith("erased:")
    assert anonymous.public_id != stale_attempt.public_id
    # What was erased stays as it is: it is nobody's anonymous progress.
    expire()
    assert Attempt.objects.get(pk=stale_attempt.pk).public_id == anonymous.public_id
    assert rows(recent) == (1, 1, 2)
    assert "1 finished attempts kept anonymously, 0 attempts deleted" in output


def test_a_recent_attempt_keeps_a_learners_older_progress(quiz, settings):
    settings.ANONYMOUS_PROGRESS_DAYS = 30
    client = learner(quiz)
    age(client, 40)
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    expire()
    assert rows(client) == (2, 1, 2)


def test_unfinished_attempts_and_reviews_of_inactive_learners_are_deleted(quiz):
    client = learner(quiz, finish=False)
    age(client, 91)
    expire()
    assert rows(client) == (0, 0, 0)
    assert not Attempt.objects.exists()


def test_accounts_and_anonymised_rows_are_left_alone(quiz, django_user_model):
    member = learner(quiz)
    user = django_user_model.objects.create_user("learner", password="x-long-pass")
    Attempt.objects.update(user=user)
    Reading.objects.update(user=user, learner_key="")
    ReviewItem.objects.update(user=user, learner_key="")
    age(member, 400)
    forgotten = learner(quiz)
    age(forgotten, 400)
    expire()
    assert user.attempts.count() == 1
    assert user.readings.count() == 1
    assert user.review_items.count() == 2
    before = list(Attempt.objects.filter(user=None).values())
    assert expire() and list(Attempt.objects.filter(user=None).values()) == before


def test_running_twice_changes_nothing_more(quiz):
    client = learner(quiz)
    age(client, 100)
    expire()
    snapshot = list(Attempt.objects.values())
    assert "0 finished attempts kept anonymously" in expire()
    assert list(Attempt.objects.values()) == snapshot


def test_expired_sessions_are_deleted_too(quiz):
    client = learner(quiz)
    key = client.session["learner"]
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expire(verbosity=0)
    assert not Session.objects.exists()
    # The progress itself waits for its own period.
    assert Attempt.objects.filter(learner_key=key).exists()


def test_days_option_overrides_the_setting(quiz):
    client = learner(quiz)
    age(client, 8)
    expire(days=7)
    assert rows(client) == (0, 0, 0)
    with pytest.raises(CommandError):
        expire(days=0)
