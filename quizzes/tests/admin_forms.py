"""Form data for the question and quiz admin pages, as a browser sends it."""

from django.urls import reverse

from awareness.tests.factories import in_english

MOCKS = {"channel": "sms", "sender": "95588", "body": "Tap http://refund.example"}


def question_url(view="add", *args):
    return reverse(f"admin:quizzes_question_{view}", args=args)


def quiz_url(view="add", *args):
    return reverse(f"admin:quizzes_quiz_{view}", args=args)


def question_data(quiz, source, *, kind="single", choices=None, **fields):
    """Return the add form's data for a question with the given options.

    ``choices`` are (text, correct) or (text, correct, misconception);
    a field given as None is left out, as an unticked box is.
    """
    if choices is None:
        choices = (("Hang up.", True), ("Call back.", False))
    data = {
        "quiz": quiz.pk,
        "order": 1,
        "key": "new-question",
        "kind": kind,
        "topic": "calls",
        "skill": "spot",
        "family": "",
        "prompt": "A call from +?",
        "channel": "",
        "sender": "",
        "subject": "",
        "sent_at": "",
        "details": "",
        "body": "",
        "is_scam": "unknown",
        "explanation": "Overseas.",
        "case_study": "",
        "tip": "",
        "guide": "",
        "chain_link": "",
        "source": source.pk,
        "last_verified": "2026-11-25",
        "is_published": "on",
        "zh_hant_is_converted": "on",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for n, (text, correct, *misconception) in enumerate(choices):
        data[f"choices-{n}-order"] = n + 1
        data[f"choices-{n}-text"] = text
        data[f"choices-{n}-explanation"] = f"Why {text}"
        data[f"choices-{n}-misconception"] = misconception[0] if misconception else ""
        if correct:
            data[f"choices-{n}-is_correct"] = "on"
    data.update(fields)
    return in_english({key: value for key, value in data.items() if value is not None})


def question_change_data(question, **fields):
    """Return the change form's data for a saved question, as it stands."""
    choices = list(question.choices.all())
    data = question_data(
        question.quiz,
        question.source,
        kind=question.kind,
        choices=[(c.text, c.is_correct, c.misconception) for c in choices],
        key=question.key,
        topic=question.topic,
        prompt=question.prompt,
        channel=question.channel,
        sender=question.sender,
        body=question.body,
        is_scam={None: "unknown", True: "true", False: "false"}[question.is_scam],
        explanation=question.explanation,
        last_verified=question.last_verified.isoformat(),
        is_published="on" if question.is_published else None,
        order=question.order,
    )
    data["choices-INITIAL_FORMS"] = len(choices)
    for n, choice in enumerate(choices):
        data[f"choices-{n}-id"] = choice.pk
        data[f"choices-{n}-question"] = question.pk
        data[f"choices-{n}-order"] = choice.order
        data[f"choices-{n}-explanation"] = choice.explanation
    data.update(fields)
    return in_english({key: value for key, value in data.items() if value is not None})


def quiz_data(**fields):
    data = {
        "order": 1,
        "title": "Calls",
        "slug": "calls",
        "summary": "Spot the scam call.",
        "feedback": "immediate",
        "pass_mark": 70,
        "draw": 0,
        "last_verified": "2026-11-25",
        "zh_hant_is_converted": "on",
        "published_at_0": "2026-11-01",
        "published_at_1": "09:00:00",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    data.update(fields)
    return in_english({key: value for key, value in data.items() if value is not None})
