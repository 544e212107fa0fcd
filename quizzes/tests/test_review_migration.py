"""The Leitner queue becomes FSRS cards (migrations 0012 to 0014)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from quizzes.models import Answer, Attempt, ReviewItem

from .factories import make_question, make_quiz

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quizzes", "0011_practice_bank")]
AFTER = [("quizzes", "0014_fsrs_review_done")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    # Tests that run after this one expect every migration applied, not
    # just those up to AFTER: later migrations add columns they insert.
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def answer(attempt, question, right, days_ago):
    row = attempt.answers.get(question=question)
    row.mark = 1.0 if right else 0.0
    row.answered_at = timezone.now() - datetime.timedelta(days=days_ago)
    row.save()


def test_the_queue_becomes_one_card_per_learner_and_family():
    quiz = make_quiz(slug="old")
    q1, q2 = make_question(quiz, key="old-1"), make_question(quiz, key="old-2")
    q3 = make_question(quiz, key="old-3", family="old-f")
    q4 = make_question(quiz, key="old-4", family="old-f")
    q5 = make_question(quiz, key="old-5")
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    answer(attempt, q1, False, 3)
    answer(attempt, q2, True, 3)
    answer(attempt, q3, False, 3)
    answer(attempt, q4, True, 2)
    erased = Attempt.objects.start(
        quiz=quiz, user=AnonymousUser(), learner_key="erased:xyz"
    )
    answer(erased, q1, False, 3)
    Answer.objects.filter(attempt=attempt, question=q5).delete()

    old_apps = migrate(BEFORE)
    OldItem = old_apps.get_model("quizzes", "ReviewItem")
    now = timezone.now()
    promised = now - datetime.timedelta(days=2)
    OldItem.objects.create(learner_key="k", question_id=q1.pk, box=1, due_at=promised)
    OldItem.objects.create(
        learner_key="k",
        question_id=q5.pk,
        box=3,
        due_at=now + datetime.timedelta(days=2),
    )
    migrate(AFTER)

    cards = {item.family: item for item in ReviewItem.objects.all()}
    assert set(cards) == {"key:old-1", "key:old-2", "old-f", "key:old-5"}
    assert all(item.learner_key == "k" for item in cards.values())
    # Replayed: a wrong answer three days ago was due after a day, and no
    # card comes back later than the queue had promised.
    assert cards["key:old-1"].due_at <= promised
    assert cards["key:old-1"].reps == 1
    # A right answer is a card now too, due two days after it.
    right = cards["key:old-2"]
    assert abs(
        right.due_at - (right.last_review + datetime.timedelta(days=2))
    ) < datetime.timedelta(seconds=1)
    # Two variants of one family: one card, reviewed twice, by the later.
    family = cards["old-f"]
    assert (family.reps, family.lapses, family.question_id) == (2, 0, q4.pk)
    # A queued question without history keeps its box's interval and date.
    orphan = cards["key:old-5"]
    assert orphan.stability == 7.0 and orphan.reps == 3
    assert orphan.due_at == now + datetime.timedelta(days=2)
