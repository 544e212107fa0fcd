import datetime
import itertools

from awareness.tests.factories import make_source
from quizzes.models import Choice, Question, Quiz

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
