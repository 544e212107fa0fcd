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
    """Create ``count`` finished first attempts of simulated learners, fast.

    Each learner has an ability; a question's chance of being answered right
    rises with it, so that item statistics have something to find. Rows are
    written with bulk_create, the way 10,000 attempts can be made in a test.
    """
    rng = random.Random(seed)
    questions = list(quiz.questions.published().prefetch_related("choices"))
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            learner_key=f"{learner_prefix}-{seed}-{n}",
            seed=n,
            language=language,
            completed_at=now,
        )
        for n in range(count)
    )
    answers, picked = [], []
    for attempt in attempts:
        ability = rng.random()
        for position, question in enumerate(questions, start=1):
            choices = list(question.choices.all())
            right = [c for c in choices if c.is_correct]
            wrong = [c for c in choices if not c.is_correct]
            if rng.random() < 0.25 + 0.7 * ability:
                chosen = right
            elif question.allows_many:
                chosen = right[:1] + wrong[:1]
            else:
                chosen = [rng.choice(wrong)]
            answers.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    mark=question.grade(chosen),
                    answered_at=now,
                )
            )
            picked.append(chosen)
    Answer.objects.bulk_create(answers, batch_size=2000)
    Answer.choices.through.objects.bulk_create(
        (
            Answer.choices.through(answer_id=answer.pk, choice_id=choice.pk)
            for answer, chosen in zip(answers, picked, strict=True)
            for choice in chosen
        ),
        batch_size=5000,
    )
    by_attempt = {}
    for answer in answers:
        by_attempt.setdefault(answer.attempt_id, []).append(answer.mark)
    for attempt in attempts:
        marks = by_attempt.get(attempt.pk, [])
        attempt.score = round(100 * sum(marks) / len(marks), 1) if marks else 0
    Attempt.objects.bulk_update(attempts, ["score"], batch_size=2000)
    return attempts


def count_queries(request):
    """Return how many queries ``request()`` makes; it must answer 200."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        assert request().status_code == 200
    return len(queries)
