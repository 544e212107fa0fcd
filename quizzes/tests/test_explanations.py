"""An option's explanation says why, never whether the learner was right.

Feedback shows every option's explanation to every learner: a right
option's "Right." would greet a learner who chose another one. The
verdict belongs to the feedback, which knows what the learner chose.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import translation

from awareness.tests.tour import answer, start
from quizzes.models import Choice, Question, Quiz

pytestmark = pytest.mark.django_db

VERDICT = re.compile(
    r"^\W*(right|correct|wrong|not quite|well done)\b|^(答对|答错|回答正确)", re.I
)


@pytest.fixture
def content():
    call_command("load_content", verbosity=0)


def test_no_explanation_opens_with_a_verdict(content):
    choices = Choice.objects.all()
    assert choices.count() > 100
    found = [
        f"{choice.question.key}: {text[:40]}"
        for choice in choices.select_related("question")
        for text in (choice.explanation_en, choice.explanation_zh_hans)
        if VERDICT.search(text or "")
    ]
    assert not found


@pytest.mark.parametrize(
    ("language", "right", "wrong"),
    [("en", "Right.", "Not quite."), ("zh-hans", "答对了", "答错了")],
)
def test_a_wrong_learner_is_never_told_right(client, content, language, right, wrong):
    quiz = Quiz.objects.filter(
        feedback=Quiz.Feedback.IMMEDIATE, questions__kind=Question.Kind.SINGLE
    ).first()
    with translation.override(language):
        attempt = start(client, quiz, first_kind=Question.Kind.SINGLE)
        answer(client, attempt, 1, right=False)
        page = client.get(f"/{language}/attempts/{attempt.public_id}/1/")
    html = page.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert wrong in main
    assert right not in main
