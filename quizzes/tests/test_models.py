import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awareness.tests.factories import make_case_study, make_tip
from quizzes.models import (
    Answer,
    Attempt,
    LearnerOwned,
    Reading,
    ReviewItem,
    learner_identity,
    learner_identity_expression,
)

from .factories import bulk_attempts, make_question, make_quiz

pytestmark = pytest.mark.django_db

ALL = (("A", True), ("B", True), ("C", False), ("D", False))


def pick(question, *texts):
    return [c for c in question.choices.all() if c.text in texts]


@pytest.mark.parametrize(
    ("picked", "mark"),
    [((), 0.0), (("Right",), 1.0), (("Wrong",), 0.0), (("Right", "Wrong"), 0.0)],
)
def test_single_choice_needs_exactly_the_right_option(picked, mark):
    question = make_question(make_quiz())
    assert question.grade(pick(question, *picked)) == mark


@pytest.mark.parametrize(
    ("picked", "mark"),
    [
        ((), 0.0),
        (("A",), 0.5),
        (("A", "B"), 1.0),
        (("A", "B", "C"), 0.5),
        (("A", "B", "C", "D"), 0.0),
        (("A", "C", "D"), 0.0),
        (("C",), 0.0),
    ],
)
@pytest.mark.parametrize("kind", ["multiple", "red_flags"])
def test_partial_credit_punishes_selecting_everything(kind, picked, mark):
    question = make_question(make_quiz(), kind=kind, choices=ALL)
    assert question.grade(pick(question, *picked)) == mark


def test_a_choice_from_another_question_earns_nothing():
    quiz = make_quiz()
    question = make_question(quiz)
    other = make_question(quiz)
    assert question.grade(pick(other, "Right")) == 0.0


def test_scam_or_legit_is_graded_on_the_verdict():
    question = make_question(make_quiz(), kind="scam_or_legit", is_scam=False)
    assert question.grade(pick(question, "Legit")) == 1.0
    assert question.grade(pick(question, "Scam")) == 0.0


def _start(quiz, key="learner-1"):
    return Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key=key)


def test_start_stores_every_question_once_in_order():
    quiz = make_quiz()
    questions = [make_question(quiz) for _ in range(4)]
    attempt = _start(quiz)
    assert [a.question for a in attempt.answers.all()] == questions
    assert [a.position for a in attempt.answers.all()] == [1, 2, 3, 4]


def test_start_draws_a_random_subset_when_asked():
    quiz = make_quiz(draw=3)
    questions = {make_question(quiz) for _ in range(6)}
    attempt = _start(quiz)
    drawn = [a.question for a in attempt.answers.all()]
    assert len(drawn) == len(set(drawn)) == 3
    assert set(drawn) <= questions


def test_shuffled_order_is_stable_for_an_attempt():
    quiz = make_quiz(shuffle_questions=True, shuffle_choices=True)
    for _ in range(5):
        make_question(quiz, kind="multiple", choices=ALL)
    attempt = _start(quiz)
    question = attempt.answers.first().question
    first = attempt.shuffled_choices(question)
    again = Attempt.objects.get(pk=attempt.pk).shuffled_choices(question)
    assert first == again
    assert sorted(c.pk for c in first) == sorted(c.pk for c in question.choices.all())


def test_true_false_and_verdict_options_are_never_shuffled():
    quiz = make_quiz(shuffle_choices=True)
    question = make_question(
        quiz, kind="true_false", choices=(("True", 1), ("False", 0))
    )
    attempt = _start(quiz)
    assert [c.text for c in attempt.shuffled_choices(question)] == ["True", "False"]


def test_an_answer_is_recorded_once():
    quiz = make_quiz()
    question = make_question(quiz)
    answer = _start(quiz).answers.get()
    assert answer.record(pick(question, "Right"))
    stale = type(answer).objects.get(pk=answer.pk)
    stale.answered_at = None  # as a second request that read it earlier
    assert not stale.record(pick(question, "Wrong"))
    answer.refresh_from_db()
    assert answer.mark == 1.0
    assert [c.text for c in answer.choices.all()] == ["Right"]


def test_finish_scores_once_and_only_when_all_answered():
    quiz = make_quiz(pass_mark=50)
    first, second = make_question(quiz), make_question(quiz)
    attempt = _start(quiz)
    answers = list(attempt.answers.all())
    answers[0].record(pick(first, "Right"))
    assert not attempt.finish()
    answers[1].record(pick(second, "Wrong"))
    assert attempt.finish()
    assert not Attempt.objects.get(pk=attempt.pk).finish()
    attempt.refresh_from_db()
    assert attempt.score == 50.0
    assert attempt.passed()


def test_claim_gives_anonymous_attempts_to_the_account(django_user_model):
    quiz = make_quiz()
    make_question(quiz)
    mine, theirs = _start(quiz, "mine"), _start(quiz, "theirs")
    user = django_user_model.objects.create_user("learner", password="x")
    assert Attempt.objects.claim(learner_key="mine", user=user) == 1
    assert list(Attempt.objects.for_learner(user, "")) == [mine]
    assert list(Attempt.objects.for_learner(AnonymousUser(), "theirs")) == [theirs]
    assert not Attempt.objects.for_learner(AnonymousUser(), "").exists()


def _review_item(question, **owner):
    return ReviewItem.objects.create(
        question=question,
        family=f"key:{question.key}",
        due_at=timezone.now(),
        reps=owner.pop("reps", 1),
        **owner,
    )


def test_each_learners_model_keeps_its_own_accessor_on_the_account(
    django_user_model,
):
    user = django_user_model.objects.create_user("learner", password="x")
    for model, accessor in (
        (Attempt, "attempts"),
        (Reading, "readings"),
        (ReviewItem, "review_items"),
    ):
        assert issubclass(model, LearnerOwned)
        assert model._meta.get_field("user").related_model is type(user)
        assert getattr(user, accessor).model is model


def test_claim_without_a_token_moves_nothing(django_user_model):
    quiz = make_quiz()
    _start(quiz, "")
    user = django_user_model.objects.create_user("learner", password="x")
    for model in (Attempt, Reading, ReviewItem):
        assert model.objects.claim(learner_key="", user=user) == 0
    assert not Attempt.objects.filter(user=user).exists()


def test_claimed_readings_and_review_items_lose_the_token_attempts_keep_it(
    django_user_model,
):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = _start(quiz, "k")
    reading = Reading.objects.create(learner_key="k", tip=make_tip())
    item = _review_item(question, learner_key="k")
    user = django_user_model.objects.create_user("learner", password="x")
    assert Attempt.objects.claim(learner_key="k", user=user) == 1
    assert Reading.objects.claim(learner_key="k", user=user) == 1
    assert ReviewItem.objects.claim(learner_key="k", user=user) == 1
    for row in (attempt, reading, item):
        row.refresh_from_db()
    assert (attempt.user, attempt.learner_key) == (user, "k")
    assert (reading.user, reading.learner_key) == (user, "")
    assert (item.user, item.learner_key) == (user, "")


def test_claim_keeps_the_accounts_own_reading_and_review_of_the_same_thing(
    django_user_model,
):
    question, other = make_question(make_quiz()), make_question(make_quiz())
    tip, case_study = make_tip(), make_case_study()
    user = django_user_model.objects.create_user("learner", password="x")
    read_before = Reading.objects.create(user=user, tip=tip)
    Reading.objects.create(learner_key="k", tip=tip)
    Reading.objects.create(learner_key="k", case_study=case_study)
    reviewed_thrice = _review_item(question, user=user, reps=3)
    _review_item(question, learner_key="k")
    _review_item(other, learner_key="k")
    assert Reading.objects.claim(learner_key="k", user=user) == 1
    assert ReviewItem.objects.claim(learner_key="k", user=user) == 1
    assert Reading.objects.get(tip=tip) == read_before
    assert Reading.objects.get(case_study=case_study).user == user
    assert ReviewItem.objects.get(question=question) == reviewed_thrice
    assert ReviewItem.objects.get(question=question).reps == 3
    assert ReviewItem.objects.get(question=other).user == user
    assert not Reading.objects.filter(user=None).exists()
    assert not ReviewItem.objects.filter(user=None).exists()


def test_question_kinds_know_their_inputs():
    quiz = make_quiz()
    assert make_question(quiz, kind="multiple").allows_many
    assert not make_question(quiz, kind="single").allows_many
    assert make_question(quiz, kind="scam_or_legit").is_mock
    red_flags = make_question(quiz, kind="red_flags")
    assert red_flags.is_mock and red_flags.allows_many


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("correct", [True, False])
def test_recording_an_answer_takes_at_most_four_queries(correct):
    quiz = make_quiz()
    question = make_question(quiz)
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    # Loaded as the answer view loads it.
    answer = (
        attempt.answers.select_related("question")
        .prefetch_related("question__choices")
        .get()
    )
    choice = question.choices.get(is_correct=correct)
    with CaptureQueriesContext(connection) as queries:
        assert answer.record([choice])
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) <= 4, statements


def test_learner_identity_in_python_and_in_sql_agree(django_user_model):
    quiz = make_quiz()
    question = make_question(quiz)
    user = django_user_model.objects.create_user("learner", password="x")
    signed_in = Attempt.objects.start(quiz=quiz, user=user, learner_key="k")
    anonymous = _start(quiz, "k")
    unlinked = _start(quiz, "gone")
    Attempt.objects.filter(pk=unlinked.pk).update(learner_key="")
    Reading.objects.create(user=user, tip=make_tip())
    Reading.objects.create(learner_key="k", tip=make_tip())
    _review_item(question, learner_key="k")
    _review_item(question, user=user)
    for model in (Attempt, Reading, ReviewItem):
        rows = model.objects.values_list("pk", "user_id", "learner_key")
        in_sql = dict(model.objects.values_list("pk", learner_identity_expression()))
        assert in_sql == {
            pk: learner_identity(user_id, key, pk) for pk, user_id, key in rows
        }
    through_attempts = dict(
        Answer.objects.values_list(
            "attempt_id", learner_identity_expression("attempt__")
        )
    )
    assert through_attempts == {
        signed_in.pk: f"user:{user.pk}",
        anonymous.pk: "learner:k",
        unlinked.pk: f"unlinked:{unlinked.pk}",
    }


def test_a_request_with_neither_account_nor_token_names_no_learner():
    assert learner_identity(None, "") is None
    assert learner_identity(None, "", pk=7) == "unlinked:7"


def test_anonymous_rows_have_a_token_and_no_account(django_user_model):
    quiz = make_quiz()
    user = django_user_model.objects.create_user("learner", password="x")
    anonymous = _start(quiz, "k")
    Attempt.objects.start(quiz=quiz, user=user, learner_key="k")
    Attempt.objects.filter(pk=_start(quiz, "gone").pk).update(learner_key="")
    assert list(Attempt.objects.anonymous()) == [anonymous]


def test_an_erased_learners_attempts_share_a_new_token_per_quiz_only():
    """Erasure groups a learner's kept attempts by quiz under a new token no
    session holds, and ties nothing across quizzes or to other learners."""
    from django.contrib.auth.models import AnonymousUser

    from quizzes import personal_data

    first, second = make_quiz(), make_quiz()
    for quiz in (first, second):
        make_question(quiz)
        bulk_attempts(quiz, 1, learner_prefix="me")
        bulk_attempts(quiz, 1, learner_prefix="me")
        bulk_attempts(quiz, 1, learner_prefix="other")
    personal_data.erase(user=AnonymousUser(), learner_key="me-1-0")
    personal_data.erase(user=AnonymousUser(), learner_key="other-1-0")
    tokens = {
        quiz: set(quiz.attempts.values_list("learner_key", flat=True))
        for quiz in (first, second)
    }
    assert all(len(found) == 2 for found in tokens.values())
    assert tokens[first].isdisjoint(tokens[second])
    assert all(t.startswith("erased:") for found in tokens.values() for t in found)
    assert not Attempt.objects.anonymous().exists()


def test_the_migration_keeps_exactly_the_controlled_list_of_misconceptions():
    import importlib

    from quizzes.misconceptions import Misconception

    migration = importlib.import_module("quizzes.migrations.0011_practice_bank")
    assert set(Misconception.values) == migration.SLUGS
    assert 15 <= len(Misconception.values) <= 25


@pytest.mark.parametrize(("count", "legit_share"), [(2, 1), (4, 2), (6, 3), (8, 4)])
def test_a_draw_of_n_keeps_the_quizs_share_of_legit_items(db, count, legit_share):
    import random

    from quizzes.models import draw_questions, is_legit_item

    quiz = make_quiz(slug=f"share-{count}")
    # Half of the quiz is legit items: half of every draw is too.
    questions = [
        make_question(quiz, kind="scam_or_legit", is_scam=is_scam)
        for is_scam in [False] * 5 + [True] * 3
    ] + [make_question(quiz) for _ in range(2)]
    for seed in range(50):
        drawn = draw_questions(questions, count, random.Random(seed))
        assert len(set(drawn)) == count
        assert sum(is_legit_item(q) for q in drawn) == legit_share, seed
