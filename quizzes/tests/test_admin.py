import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects
from reversion.models import Version

from awareness.tests.factories import in_english, make_source
from quizzes.models import Answer, Attempt, Choice, Question, Quiz, ReviewItem

from .admin_forms import (
    MOCKS,
    question_change_data,
    question_data,
    question_url,
    quiz_data,
    quiz_url,
)
from .factories import bulk_attempts, count_queries, make_question, make_quiz

pytestmark = pytest.mark.django_db

FLAGS = (
    ("Dear customer, ", False),
    ("tap http://refund.example ", True),
    ("and enter your code", True),
    (" today.", False),
)

VALID = {
    "single": {
        "choices": (("Hang up.", True), ("Call back.", False, "trusts-caller-id"))
    },
    "true_false": {"choices": (("True", False), ("False", True))},
    "multiple": {"choices": (("Link", True), ("Code", True), ("Greeting", False))},
    "scam_or_legit": {
        "choices": (("Scam", True), ("Legit", False)),
        "is_scam": "true",
        **MOCKS,
    },
    "red_flags": {"choices": FLAGS, "channel": "sms", "sender": "95588"},
}


@pytest.fixture
def quiz():
    return make_quiz(slug="calls", is_published=False)


@pytest.fixture
def source():
    return make_source(slug="pd")


def test_a_red_flag_message_with_no_red_flag_is_saved_as_an_all_clear(
    editor_client, quiz, source
):
    choices = (("Your parcel is ", False), ("in locker 12.", False))
    data = question_data(quiz, source, kind="red_flags", channel="sms", choices=choices)
    assert editor_client.post(question_url(), data).status_code == 302
    question = Question.objects.get(key="new-question")
    assert question.body == "Your parcel is in locker 12."
    assert question.grade([]) == 1.0
    assert question.grade(question.choices.all()[:1]) == 0.0


@pytest.mark.parametrize("kind", list(VALID))
def test_a_valid_question_of_every_kind_is_saved(editor_client, quiz, source, kind):
    data = question_data(quiz, source, kind=kind, **VALID[kind])
    response = editor_client.post(question_url(), data)
    assert response.status_code == 302, response.context["errors"]
    question = Question.objects.get(key="new-question")
    assert question.kind == kind
    assert question.choices.count() == len(VALID[kind]["choices"])
    assert LogEntry.objects.filter(
        object_id=str(question.pk), action_flag=ADDITION
    ).exists()
    assert Version.objects.get_for_object(question).count() == 1


BROKEN = [
    (
        "two right options",
        "single",
        {"choices": (("A", True), ("B", True))},
        "exactly one right option",
    ),
    (
        "no right option",
        "single",
        {"choices": (("A", False), ("B", False))},
        "exactly one right option",
    ),
    (
        "one option only",
        "single",
        {"choices": (("A", True),)},
        "at least two options",
    ),
    (
        "three options to true or false",
        "true_false",
        {"choices": (("True", True), ("False", False), ("Maybe", False))},
        "exactly two options",
    ),
    (
        "select-all with nothing right",
        "multiple",
        {"choices": (("A", False), ("B", False))},
        "at least one right option",
    ),
    (
        "scam or legit without its verdict",
        "scam_or_legit",
        {**VALID["scam_or_legit"], "is_scam": "unknown"},
        "needs its verdict",
    ),
    (
        "scam or legit without the message",
        "scam_or_legit",
        {**VALID["scam_or_legit"], "body": "  "},
        "needs the message",
    ),
    (
        "a mock without its channel",
        "scam_or_legit",
        {**VALID["scam_or_legit"], "channel": ""},
        "needs its channel",
    ),
    (
        "red flags without a decoy",
        "red_flags",
        {**VALID["red_flags"], "choices": (("Tap", True), ("here", True))},
        "at least one harmless part",
    ),
    (
        "a misconception on the right option",
        "single",
        {"choices": (("A", True, "trusts-caller-id"), ("B", False))},
        "Only a wrong option can carry a misconception",
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "fields", "message"), BROKEN, ids=[case[0] for case in BROKEN]
)
def test_a_broken_question_is_refused_with_a_clear_message(
    editor_client, quiz, source, case, kind, fields, message
):
    response = editor_client.post(
        question_url(), question_data(quiz, source, kind=kind, **fields)
    )
    assert response.status_code == 200
    assertContains(response, message)
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


def test_red_flag_message_is_its_segments_spaces_and_all(editor_client, quiz, source):
    editor_client.post(
        question_url(),
        question_data(quiz, source, kind="red_flags", **VALID["red_flags"]),
    )
    question = Question.objects.get()
    assert (
        question.body
        == "Dear customer, tap http://refund.example and enter your code today."
    )


def test_a_published_quiz_needs_a_published_question(editor_client, source):
    response = editor_client.post(quiz_url(), quiz_data(is_published="on"))
    assertContains(response, "needs at least one published question")
    assert not Quiz.objects.exists()

    response = editor_client.post(quiz_url(), quiz_data())
    assert response.status_code == 302
    quiz = Quiz.objects.get()
    draft = make_question(quiz, is_published=False)
    changelist = quiz_url("changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [quiz.pk]})
    quiz.refresh_from_db()
    assert not quiz.is_published

    editor_client.post(
        question_url("changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    editor_client.post(changelist, {"action": "publish", "_selected_action": [quiz.pk]})
    quiz.refresh_from_db()
    assert quiz.is_published


def test_the_last_published_question_of_a_live_quiz_stays(editor_client):
    quiz = make_quiz()
    only = make_question(quiz)
    response = editor_client.post(
        question_url("change", only.pk), question_change_data(only, is_published=None)
    )
    assertContains(response, "this is its only published question")
    editor_client.post(
        question_url("changelist"),
        {"action": "unpublish", "_selected_action": [only.pk]},
    )
    response = editor_client.get(question_url("delete", only.pk))
    assertContains(response, "needs at least one published question")
    only.refresh_from_db()
    assert only.is_published

    second = make_question(quiz)
    editor_client.post(
        question_url("changelist"),
        {"action": "unpublish", "_selected_action": [only.pk, second.pk]},
    )
    assert Question.objects.filter(quiz=quiz, is_published=True).count() == 1


def test_options_learners_chose_cannot_be_deleted(editor_client):
    quiz = make_quiz()
    question = make_question(
        quiz, choices=(("Right", True), ("Wrong", False), ("Also wrong", False))
    )
    bulk_attempts(quiz, 3)
    chosen = Choice.objects.filter(question=question, answers__isnull=False).first()
    data = question_change_data(question)
    index = list(question.choices.all()).index(chosen)
    data[f"choices-{index}-DELETE"] = "on"
    response = editor_client.post(question_url("change", question.pk), data)
    assertContains(response, "Learners have chosen")
    assert Choice.objects.filter(pk=chosen.pk).exists()


def test_answered_questions_and_attempted_quizzes_cannot_be_deleted(superuser_client):
    quiz = make_quiz(is_published=False)
    question = make_question(quiz)
    bulk_attempts(quiz, 2)
    for url in (question_url("delete", question.pk), quiz_url("delete", quiz.pk)):
        response = superuser_client.post(url, {"post": "yes"})
        assertContains(response, "has learners&#x27; answers")
    assert Answer.objects.count() == 2


def test_duplicate_a_quiz_as_a_draft_with_its_questions(editor_client):
    quiz = make_quiz(slug="calls", title="Calls")
    source = make_source()
    quiz.sources.add(source)
    question = make_question(
        quiz,
        key="calls-plus",
        choices=(("Hang up", True), ("Call", False, "trusts-caller-id")),
    )
    editor_client.post(
        quiz_url("changelist"), {"action": "duplicate", "_selected_action": [quiz.pk]}
    )
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    assert (copy.slug, copy.title, copy.is_published) == (
        "calls-copy",
        "Calls (copy)",
        False,
    )
    assert list(copy.sources.all()) == [source]
    (copied,) = copy.questions.all()
    assert copied.key == "calls-plus-copy" and copied.prompt == question.prompt
    assert [(c.text, c.misconception) for c in copied.choices.all()] == [
        ("Hang up", ""),
        ("Call", "trusts-caller-id"),
    ]
    assert {c.key for c in copied.choices.all()}.isdisjoint(
        c.key for c in question.choices.all()
    )
    assert LogEntry.objects.filter(object_repr="Calls (copy)").exists()


def test_duplicate_a_question_as_a_draft(editor_client):
    question = make_question(make_quiz(), key="calls-plus")
    for _ in range(2):
        editor_client.post(
            question_url("changelist"),
            {"action": "duplicate", "_selected_action": [question.pk]},
        )
    copies = Question.objects.exclude(pk=question.pk).order_by("pk")
    assert [q.key for q in copies] == ["calls-plus-copy", "calls-plus-copy-2"]
    assert not any(q.is_published for q in copies)


def test_mark_verified_today_clears_stale_items(editor_client):
    question = make_question(make_quiz(), last_verified="2020-01-01")
    editor_client.post(
        question_url("changelist"),
        {"action": "mark_verified", "_selected_action": [question.pk]},
    )
    question.refresh_from_db()
    assert str(question.last_verified) != "2020-01-01"


ODD_QUERIES = ("courier", "'\"%_\\", "快递", "nul\x00byte", "a" * 500, "trusts ID")


@pytest.mark.parametrize(
    "url",
    [
        "admin:quizzes_quiz_changelist",
        "admin:quizzes_question_changelist",
        "admin:quizzes_attempt_changelist",
        "admin:admin_logentry_changelist",
    ],
)
def test_search_and_filters_never_fail(superuser_client, url):
    quiz = make_quiz()
    make_question(quiz, choices=(("Right", True), ("Wrong", False, "trusts-caller-id")))
    bulk_attempts(quiz, 2)
    for query in ODD_QUERIES:
        assert superuser_client.get(reverse(url), {"q": query}).status_code == 200
    for params in ({"is_published__exact": "1"}, {"kind": "bogus"}, {"o": "99"}):
        assert superuser_client.get(reverse(url), params).status_code in (200, 302)


def test_question_search_looks_into_options_and_related_pages(superuser_client):
    quiz = make_quiz(title="Jobs")
    found = make_question(
        quiz, prompt="Which job ad?", choices=(("Pay a deposit", False), ("No", True))
    )
    make_question(quiz, prompt="Something else")
    response = superuser_client.get(question_url("changelist"), {"q": "deposit"})
    assert list(response.context["cl"].result_list) == [found]
    response = superuser_client.get(quiz_url("changelist"), {"q": "which job"})
    assert list(response.context["cl"].result_list) == [quiz]


@pytest.mark.parametrize(
    "url",
    [
        "admin:quizzes_quiz_changelist",
        "admin:quizzes_question_changelist",
        "admin:quizzes_attempt_changelist",
        "admin:admin_logentry_changelist",
        "admin:awareness_casestudy_changelist",
        "admin:awareness_precautiontip_changelist",
    ],
)
def test_list_pages_make_as_many_queries_for_more_rows(
    superuser_client, django_assert_num_queries, url
):
    from awareness.tests.factories import make_case_study, make_tip

    def grow():
        quiz = make_quiz()
        for _ in range(3):
            make_question(quiz)
        bulk_attempts(quiz, 2)
        make_case_study(tips=[make_tip()])
        superuser_client.post(
            quiz_url("changelist"),
            {"action": "mark_verified", "_selected_action": [quiz.pk]},
        )

    grow()
    few = count_queries(lambda: superuser_client.get(reverse(url)))
    for _ in range(4):
        grow()
    with django_assert_num_queries(few):
        assert superuser_client.get(reverse(url)).status_code == 200


def test_history_shows_and_restores_an_earlier_question(editor_client):
    quiz = make_quiz()
    question = make_question(quiz, prompt="First wording?")
    url = question_url("change", question.pk)
    editor_client.post(url, question_change_data(question, prompt="Second wording?"))
    editor_client.post(url, question_change_data(question, prompt="Third wording?"))
    response = editor_client.get(question_url("history", question.pk))
    versions = Version.objects.get_for_object(question)
    assert versions.count() == 2
    oldest = versions.last()
    revision_url = reverse(
        "admin:quizzes_question_revision", args=[question.pk, oldest.pk]
    )
    assertContains(response, revision_url)
    assertContains(editor_client.get(revision_url), "Second wording?")
    question.refresh_from_db()
    data = question_change_data(question, prompt="Second wording?")
    assertRedirects(
        editor_client.post(revision_url, data),
        question_url("changelist"),
        fetch_redirect_response=False,
    )
    question.refresh_from_db()
    assert question.prompt == "Second wording?"


def test_restoring_a_version_that_would_erase_answers_is_refused(editor_client):
    quiz = make_quiz()
    question = make_question(quiz)
    url = question_url("change", question.pk)
    editor_client.post(url, question_change_data(question))
    data = question_change_data(question)
    data.update(
        in_english(
            {
                "choices-TOTAL_FORMS": 3,
                "choices-2-order": 3,
                "choices-2-text": "New wrong option",
                "choices-2-explanation": "Why not.",
            }
        )
    )
    editor_client.post(url, data)
    new = Choice.objects.get(text="New wrong option")
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    attempt.answers.get().record([new])
    oldest = Version.objects.get_for_object(question).last()
    revision_url = reverse(
        "admin:quizzes_question_revision", args=[question.pk, oldest.pk]
    )
    response = editor_client.post(revision_url, question_change_data(question))
    assert response.status_code == 302
    assert Choice.objects.filter(pk=new.pk).exists()
    assert attempt.answers.get().choices.get() == new


# Preview


def preview_url(question):
    return reverse("admin:quizzes_question_preview", args=[question.pk])


def learner_rows():
    return (
        Attempt.objects.count(),
        Answer.objects.count(),
        Answer.choices.through.objects.count(),
        ReviewItem.objects.count(),
    )


@pytest.mark.parametrize("kind", list(VALID))
def test_preview_shows_the_question_as_learners_see_it_and_records_nothing(
    editor_client, quiz, source, kind
):
    editor_client.post(
        question_url(), question_data(quiz, source, kind=kind, **VALID[kind])
    )
    question = Question.objects.get()
    before = learner_rows()
    response = editor_client.get(preview_url(question))
    assertContains(response, question.prompt)
    assertContains(response, "Nothing you do here is recorded")
    assertTemplateUsed = [t.name for t in response.templates]
    assert "quizzes/_question.html" in assertTemplateUsed
    if question.is_mock:
        assertContains(response, "Training example")
    # Answer wrongly, the way learners do, and see the feedback.
    wrong = [c.key for c in question.choices.all() if not c.is_correct][:1]
    response = editor_client.get(preview_url(question), {"choice": wrong, "check": "1"})
    assert "quizzes/_review.html" in [t.name for t in response.templates]
    assertContains(response, "Not quite.")
    right = [c.key for c in question.choices.all() if c.is_correct]
    response = editor_client.get(preview_url(question), {"choice": right, "check": "1"})
    assertContains(response, "Right.")
    assert learner_rows() == before
    assert "learner" not in editor_client.session


def test_preview_asks_again_when_nothing_is_chosen(editor_client):
    question = make_question(make_quiz())
    response = editor_client.get(preview_url(question), {"check": "1"})
    assert response.status_code == 400
    assertContains(response, "Choose an answer before you continue.", status_code=400)


def test_quiz_preview_lists_drafts_too_and_records_nothing(editor_client):
    quiz = make_quiz()
    make_question(quiz, prompt="Live one?")
    make_question(quiz, prompt="Draft one?", is_published=False)
    response = editor_client.get(reverse("admin:quizzes_quiz_preview", args=[quiz.pk]))
    assertContains(response, "Live one?")
    assertContains(response, "Draft one?")
    assertContains(response, "Learners get 1 published question.")
    assert learner_rows() == (0, 0, 0, 0)


def test_preview_needs_staff_with_view_permission(staff_client):
    question = make_question(make_quiz())
    assert Client().get(preview_url(question)).status_code == 302
    assert staff_client.get(preview_url(question)).status_code == 403


def test_preview_of_nothing_is_a_404(editor_client):
    url = reverse("admin:quizzes_question_preview", args=["not-a-number"])
    assert editor_client.get(url).status_code == 404


def test_change_pages_link_to_preview_and_statistics(superuser_client, editor):
    question = make_question(make_quiz())
    editor_client = Client()
    editor_client.force_login(editor)
    response = superuser_client.get(quiz_url("change", question.quiz.pk))
    assertContains(
        response, reverse("admin:quizzes_quiz_preview", args=[question.quiz.pk])
    )
    assertContains(
        response, reverse("admin:quizzes_quiz_statistics", args=[question.quiz.pk])
    )
    assertContains(response, "Add a question to this quiz")
    response = editor_client.get(quiz_url("change", question.quiz.pk))
    assertNotContains(
        response, reverse("admin:quizzes_quiz_statistics", args=[question.quiz.pk])
    )
    assertContains(
        editor_client.get(question_url("change", question.pk)), preview_url(question)
    )


def test_draft_questions_are_not_given_to_learners(client):
    quiz = make_quiz(slug="calls")
    make_question(quiz, prompt="Live?")
    make_question(quiz, prompt="Draft?", is_published=False)
    attempt = Attempt.objects.start(quiz=quiz, user=AnonymousUser(), learner_key="k")
    assert [a.question.prompt for a in attempt.answers.all()] == ["Live?"]
    response = client.get(reverse("quizzes:quiz_detail", args=["calls"]))
    assertContains(response, "1 question, one per page.")


def test_an_editor_writes_previews_and_publishes_a_quiz_of_every_kind(
    editor_client, source
):
    """The issue's "done when", for Editors, through the admin alone."""
    assert editor_client.post(quiz_url(), quiz_data(slug="new-quiz")).status_code == 302
    quiz = Quiz.objects.get(slug="new-quiz")
    for n, kind in enumerate(VALID, start=1):
        data = question_data(
            quiz, source, kind=kind, key=f"q-{kind}", order=n, **VALID[kind]
        )
        assert editor_client.post(question_url(), data).status_code == 302, kind
    preview = editor_client.get(reverse("admin:quizzes_quiz_preview", args=[quiz.pk]))
    assertContains(preview, "Learners get 5 published questions.")
    editor_client.post(
        quiz_url("changelist"), {"action": "publish", "_selected_action": [quiz.pk]}
    )
    learner = Client()
    response = learner.post(reverse("quizzes:quiz_start", args=["new-quiz"]))
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert attempt.answers.count() == 5
    assert learner_rows()[0] == 1


def test_an_editor_saves_a_quiz_of_1300_questions(editor_client, editor):
    """Each question's row on the quiz page is three fields; all of them
    would pass Django's limit of 1,000 fields a request."""
    from awareness.tests.fuzzing import admin_fields

    quiz = make_quiz(slug="big", is_published=False)
    source = make_source()
    Question.objects.bulk_create(
        Question(
            quiz=quiz,
            key=f"q-{n}",
            order=n,
            topic="calls",
            prompt=f"Question {n}?",
            explanation="Because.",
            source=source,
            last_verified=quiz.last_verified,
        )
        for n in range(1300)
    )
    page = editor_client.get(quiz_url("change", quiz.pk))
    assert page.status_code == 200
    assertContains(page, "List all 1300 questions")
    _obj, data = admin_fields(Quiz, editor, quiz)
    (inline,) = page.context["inline_admin_formsets"]
    formset = inline.formset
    prefix = formset.prefix
    for n, form in enumerate(formset.forms):
        data[f"{prefix}-{n}-id"] = form.instance.pk
        data[f"{prefix}-{n}-quiz"] = quiz.pk
        data[f"{prefix}-{n}-order"] = form.instance.order
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(formset.forms)
    data["title_en"] = "A long quiz"
    response = editor_client.post(quiz_url("change", quiz.pk), data)
    assert response.status_code == 302, response.content[:2000]
    quiz.refresh_from_db()
    assert quiz.title == "A long quiz"
    assert quiz.questions.count() == 1300
