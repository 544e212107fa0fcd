import itertools

from django.urls import reverse

from quizzes.models import Attempt, Question
from quizzes.tests.factories import make_question, make_quiz
from tracks.models import Track, TrackQuiz

_numbers = itertools.count(1)


def make_track(quizzes=(), **kwargs):
    n = next(_numbers)
    kwargs.setdefault("slug", f"track-{n}")
    kwargs.setdefault("title", f"Track {n}")
    kwargs.setdefault("summary", "Quizzes on one theme.")
    kwargs.setdefault("position", n)
    kwargs.setdefault("is_published", True)
    track = Track.objects.create(**kwargs)
    for position, quiz in enumerate(quizzes, start=1):
        TrackQuiz.objects.create(track=track, quiz=quiz, position=position)
    return track


def verdict(quiz, family, is_scam):
    return make_question(
        quiz, kind=Question.Kind.SCAM_OR_LEGIT, family=family, is_scam=is_scam
    )


def track_with_families(families=6, variants=2, quizzes=2):
    """Return a track over quizzes whose scam-or-legit items come in families.

    Family i holds ``variants`` items, scams for even i and genuine for odd
    i, spread over the quizzes; each quiz also has one plain question.
    """
    made = [make_quiz() for _ in range(quizzes)]
    for quiz in made:
        make_question(quiz)
    for family in range(families):
        for variant in range(variants):
            verdict(
                made[(family + variant) % quizzes], f"fam-{family}", family % 2 == 0
            )
    return make_track(made)


def answer_all(client, attempt, *, right=lambda question: True):
    """Answer every question of an attempt, then finish it; return the response."""
    for answer in attempt.answers.select_related("question").order_by("position"):
        wanted = right(answer.question)
        choice = answer.question.choices.get(is_correct=wanted)
        response = client.post(
            reverse("quizzes:answer", args=[attempt.public_id, answer.position]),
            {"choice": choice.key},
        )
        assert response.status_code == 302, response.content[:400]
    return client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))


def start_check(client, track, stage):
    response = client.post(
        reverse("tracks:check_start", args=[track.slug]), {"stage": stage}
    )
    assert response.status_code == 302
    attempt = Attempt.objects.filter(is_check=True).order_by("-pk").first()
    return response, attempt


def take_quiz(client, quiz):
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    attempt = Attempt.objects.filter(quiz=quiz).order_by("-pk").first()
    answer_all(client, attempt)
    return attempt
