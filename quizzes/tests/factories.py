import datetime
import itertools
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awareness.tests.factories import make_source
from quizzes.models import Answer, Attempt, Choice, Question, Quiz

_numbers = itertools.count(1)


def make_quiz(**kwargs):
    n = next(_numbers)
    kwargs.setdefault("title", f"Quiz {n}")
    kwargs.setdefault("slug", f"quiz-{n}")
    kwargs.setdefault("summary", "Spot the scam.")
    kwargs.setdefault("last_verified", datetime.date(2026, 11, 25))
    kwargs.setdefault("is_published", True)
    kwargs.setdefault("shuffle_questions", False)
    kwargs.setdefault("shuffle_choices", False)
    return Quiz.objects.create(**kwargs)


def make_question(
    quiz, kind="single", choices=(("Right", True), ("Wrong", False)), **kwargs
):
    """Make a published question; choices are (text, correct) or
    (text, correct, misconception)."""
    n = next(_numbers)
    kwargs.setdefault("key", f"question-{n}")
    kwargs.setdefault("topic", Question.Topic.CALLS)
    kwargs.setdefault("skill", Question.Skill.SPOT)
    kwargs.setdefault("prompt", f"Question {n}?")
    kwargs.setdefault("explanation", "Because.")
    kwargs.setdefault("order", n)
    kwargs.setdefault("is_published", True)
    kwargs.setdefault("last_verified", datetime.date(2026, 11, 25))
    if "source" not in kwargs:
        kwargs["source"] = make_source()
    if kind == Question.Kind.SCAM_OR_LEGIT:
        kwargs.setdefault("is_scam", True)
        kwargs.setdefault("channel", Question.Channel.SMS)
        kwargs.setdefault("body", "Tap http://refund.example now.")
        choices = (("Scam", kwargs["is_scam"]), ("Legit", not kwargs["is_scam"]))
    if kind == Question.Kind.RED_FLAGS:
        kwargs.setdefault("channel", Question.Channel.SMS)
        kwargs.setdefault("body", "".join(text for text, *_rest in choices))
    question = Question.objects.create(quiz=quiz, kind=kind, **kwargs)
    for order, (text, correct, *misconception) in enumerate(choices, start=1):
        Choice.objects.create(
            question=question,
            text=text,
            is_correct=correct,
            explanation=f"Why {text}.",
            misconception=misconception[0] if misconception else "",
            order=order,
        )
    return question


def bulk_attempts(quiz, count, *, seed=1, language="", learner_prefix="learner"):
    """Create ``count`` finished attempts of simulated learners, fast.

    Each learner has an ability; a question's chance of being answered right
    rises with it, so that item statistics have something to find. Learner
    keys depend on the seed and prefix only, so calling again with the same
    ones makes the same learners try again. Rows are written with
    bulk_create, the way 10,000 attempts can be made in a test.
    """
    rng = random.Random(seed)
    now = timezone.now()
    plans = []
    for question in quiz.questions.published().prefetch_related("choices"):
        choices = list(question.choices.all())
        right = [c for c in choices if c.is_correct]
        wrong = [c for c in choices if not c.is_correct]
        if question.allows_many:
            partly = right[:1] + wrong[:1]
            wrongly = [(partly, question.grade(partly))]
        else:
            wrongly = [([c], 0.0) for c in wrong]
        plans.append((question, (right, question.grade(right)), wrongly))
    drawn = []
    for _n in range(count):
        ability = rng.random()
        drawn.append(
            [
                (
                    question,
                    *(
                        rightly
                        if rng.random() < 0.25 + 0.7 * ability
                        else rng.choice(wrongly)
                    ),
                )
                for question, rightly, wrongly in plans
            ]
        )
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            learner_key=f"{learner_prefix}-{seed}-{n}",
            seed=n,
            language=language,
            completed_at=now,
            score=round(100 * sum(mark for _q, _c, mark in answers) / len(answers), 1)
            if answers
            else 0,
        )
        for n, answers in enumerate(drawn)
    )
    # The ORM's per-row work would dominate here: write plain rows.
    answered_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Answer._meta.db_table} "
            "(attempt_id, question_id, position, mark, answered_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (attempt.pk, question.pk, position, mark, answered_at)
                for attempt, answers in zip(attempts, drawn, strict=True)
                for position, (question, _chosen, mark) in enumerate(answers, start=1)
            ],
        )
        made = Answer.objects.filter(
            attempt__quiz=quiz,
            attempt_id__gte=attempts[0].pk,
            attempt_id__lte=attempts[-1].pk,
        )
        ids = {
            (attempt_id, question_id): pk
            for pk, attempt_id, question_id in made.values_list(
                "pk", "attempt_id", "question_id"
            )
        }
        cursor.executemany(
            f"INSERT INTO {Answer.choices.through._meta.db_table} "
            "(answer_id, choice_id) VALUES (%s, %s)",
            [
                (ids[attempt.pk, question.pk], choice.pk)
                for attempt, answers in zip(attempts, drawn, strict=True)
                for question, choices, _mark in answers
                for choice in choices
            ],
        )
    return attempts


def count_queries(request):
    """Return how many queries ``request()`` makes; it must answer 200."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert request().status_code == 200
    return len(queries)
