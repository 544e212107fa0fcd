import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import event, given, strategies as st

from awareness.tests.fuzzing import (
    bodies,
    check,
    date_text,
    hostile_text,
    huge_values,
    rolled_back,
)
from quizzes.models import Answer, Attempt, Question

from .factories import make_question, make_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


@pytest.fixture
def quiz():
    quiz = make_quiz(slug="calls", shuffle_questions=True, shuffle_choices=True)
    make_question(quiz)
    make_question(
        quiz, kind="multiple", choices=(("A", True), ("B", True), ("C", False))
    )
    make_question(quiz, kind="scam_or_legit")
    return quiz


def learner_with_attempt(quiz):
    """A fresh browser that has started the quiz; return it and the attempt."""
    client = Client()
    client.post(reverse("quizzes:quiz_start", args=[quiz.slug]))
    return client, Attempt.objects.order_by("-pk").first()


@given(data=st.data())
def test_answering_never_fails_and_records_only_valid_answers(quiz, data):
    with rolled_back():
        client, attempt = learner_with_attempt(quiz)
        answered = data.draw(st.integers(0, 2), label="answered first")
        for answer in attempt.answers.select_related("question")[:answered]:
            answer.record([answer.question.choices.first()])
        position = data.draw(st.integers(1, 3), label="position")
        question = attempt.answers.get(position=position).question
        other = Question.objects.exclude(pk=question.pk).first()
        keys = [c.key for c in question.choices.all()] + [other.choices.first().key]
        placeholders = {f"@{n}": key for n, key in enumerate(keys)}
        body = data.draw(bodies({"choice": ["@0", "@1", "@2", "@3"]}), label="body")
        url = reverse("quizzes:answer", args=[attempt.public_id, position])
        check(client, "POST", url, body, placeholders=placeholders)
        for answer in attempt.answers.prefetch_related("choices"):
            chosen = set(answer.choices.all())
            # Only this question's options, and only on answered rows.
            assert chosen <= set(answer.question.choices.all())
            assert bool(chosen) <= answer.is_answered
            assert (answer.mark is None) == (not answer.is_answered)


@given(slug=st.one_of(st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"), st.just("x")))
def test_starting_a_quiz_with_any_slug(quiz, slug):
    with rolled_back():
        client = Client()
        before = Attempt.objects.count()
        response = check(client, "POST", reverse("quizzes:quiz_start", args=[slug]), {})
        started = Attempt.objects.count() - before
        assert started == (1 if response.status_code == 302 else 0)


@given(body=bodies({"scope": ["all", "due"]}))
def test_starting_a_review_with_any_body(quiz, body):
    with rolled_back():
        client, attempt = learner_with_attempt(quiz)
        for answer in attempt.answers.select_related("question")[:3]:
            wrong = answer.question.choices.filter(is_correct=False).first()
            answer.record([wrong])
        before = Attempt.objects.count()
        check(client, "POST", reverse("quizzes:review_start"), body)
        assert Attempt.objects.count() - before in (0, 1)


@given(body=bodies({"csrfmiddlewaretoken": ["x"]}), answered=st.booleans())
def test_finishing_with_any_body_finishes_only_complete_attempts(quiz, body, answered):
    with rolled_back():
        client, attempt = learner_with_attempt(quiz)
        if answered:
            for answer in attempt.answers.select_related("question"):
                answer.record([answer.question.choices.first()])
        check(
            client,
            "POST",
            reverse("quizzes:attempt_finish", args=[attempt.public_id]),
            body,
        )
        attempt.refresh_from_db()
        assert attempt.is_finished == answered


@given(text=hostile_text)
def test_someone_elses_attempt_is_always_404(quiz, text):
    with rolled_back():
        _owner, attempt = learner_with_attempt(quiz)
        stranger = Client()
        for url in (
            reverse("quizzes:answer", args=[attempt.public_id, 1]),
            reverse("quizzes:attempt_finish", args=[attempt.public_id]),
        ):
            response = check(stranger, "POST", url, {"choice": text})
            assert response.status_code == 404
        assert not Answer.objects.filter(
            attempt=attempt, answered_at__isnull=False
        ).exists()


def _mutated(data, where, key, value):
    """Set one field of the quiz, its first question or that one's option."""
    target = data["quiz"]
    # An earlier change may have replaced the list the path goes through.
    for step in {"quiz": (), "question": ("questions", 0)}.get(
        where, ("questions", 0, "choices", 0)
    ):
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            return data
    if isinstance(target, dict):
        target[key] = value
    return data


DEEP = "@deeply-nested"


@given(data=st.data())
def test_importing_any_file_answers_a_report_or_imports_readable_rows(real_site, data):
    """A file with dates at the edges, NUL, huge values or deep nesting is
    refused in the report and changes nothing, or imports rows every list
    page can show."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quizzes import portability

    quiz = real_site["quiz"]
    base = json.loads(portability.dumps(quiz))
    fields = {
        "quiz": sorted(portability.QUIZ_FIELDS),
        "question": sorted(portability.QUESTION_FIELDS),
        "option": sorted(portability.CHOICE_FIELDS),
    }
    with rolled_back():
        for _change in range(data.draw(st.integers(1, 3), label="changes")):
            where = data.draw(st.sampled_from(sorted(fields)), label="where")
            key = data.draw(st.sampled_from(fields[where]), label="field")
            value = data.draw(
                st.one_of(
                    date_text,
                    huge_values,
                    hostile_text,
                    st.none(),
                    st.booleans(),
                    st.just(DEEP),
                ),
                label="value",
            )
            base = _mutated(base, where, key, value)
        text = json.dumps(base)
        depth = data.draw(st.integers(10, 100_000), label="depth")
        text = text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)
        client = Client()
        client.force_login(real_site["user"])
        upload = SimpleUploadedFile("quiz.json", text.encode("utf-8", "replace"))
        response = check(
            client,
            "POST",
            reverse("admin:quizzes_quiz_import"),
            {"files": [upload]},
        )
        event(str(response.status_code))
        for page in (
            reverse("quizzes:quiz_list"),
            reverse("admin:quizzes_quiz_changelist"),
            reverse("admin:quizzes_question_changelist"),
        ):
            assert client.get(page).status_code == 200, page
