"""Each group can do its job and nothing else."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from awareness.tests.factories import (
    in_english,
    make_case_study,
    make_guide,
    make_source,
    make_tip,
)
from quizzes.models import Attempt
from quizzes.tests.factories import bulk_attempts, make_question, make_quiz

pytestmark = pytest.mark.django_db

CONTENT_MODELS = (
    "awareness.casestudy",
    "awareness.precautiontip",
    "awareness.chainlink",
    "awareness.chainrole",
    "awareness.keyfigure",
    "awareness.guide",
    "awareness.source",
    "quizzes.quiz",
    "quizzes.question",
    "quizzes.choice",
    "simulations.simulation",
    "simulations.step",
    "simulations.ending",
    "simulations.choice",
    "tracks.track",
    "tracks.trackquiz",
)


def codes(group_name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related(
            "content_type"
        )
    }


def test_editors_hold_content_rights_and_the_audit_trail_only():
    expected = {
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    } | {"admin.view_logentry"}
    assert codes("Editors") == expected


def test_analysts_hold_read_only_quizzes_and_statistics_only():
    assert codes("Analysts") == {
        "quizzes.view_quiz",
        "quizzes.view_question",
        "quizzes.view_choice",
        "quizzes.view_quiz_statistics",
        "simulations.view_simulation",
        "simulations.view_step",
        "simulations.view_ending",
        "simulations.view_choice",
        "simulations.view_simulation_statistics",
        "tracks.view_track",
        "tracks.view_trackquiz",
        "tracks.view_track_statistics",
    }


def test_neither_group_may_see_an_individual_learner():
    for group in ("Editors", "Analysts"):
        assert "quizzes.view_learner_progress" not in codes(group)
        assert not any(code.startswith("auth.") for code in codes(group))
        assert not any(
            code.endswith(
                ("_attempt", "_answer", "_reading", "_reviewitem", "_run", "_turn")
            )
            for code in codes(group)
        )


@pytest.fixture
def content():
    quiz = make_quiz()
    question = make_question(quiz)
    bulk_attempts(quiz, 3)
    return {
        "casestudy": make_case_study(),
        "precautiontip": make_tip(),
        "guide": make_guide(),
        "source": make_source(),
        "quiz": quiz,
        "question": question,
    }


def admin_url(obj, view="change"):
    opts = obj._meta
    args = [] if view in ("add", "changelist") else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def learner_pages(content):
    attempt = Attempt.objects.filter(quiz=content["quiz"]).first()
    return [
        reverse("admin:quizzes_attempt_changelist"),
        reverse("admin:quizzes_attempt_change", args=[attempt.pk]),
        reverse("admin:auth_user_changelist"),
    ], attempt


def test_editors_write_content_and_quizzes(editor_client, content):
    for obj in content.values():
        assert editor_client.get(admin_url(obj)).status_code == 200
        assert editor_client.get(admin_url(obj, "add")).status_code == 200
        response = editor_client.get(admin_url(obj))
        assertContains(response, 'name="_save"')
    tip = content["precautiontip"]
    response = editor_client.post(
        admin_url(tip),
        in_english(
            {
                "number": 1,
                "title": "Hang up on + calls",
                "slug": tip.slug,
                "summary": tip.summary,
                "why_it_matters": "Why.",
                "what_to_do": "Hang up.",
                "editor_note": "",
                "last_verified": "2026-11-25",
                "is_published": "on",
                "published_at_0": "2026-11-01",
                "published_at_1": "09:00:00",
            }
        ),
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.title == "Hang up on + calls"
    assert (
        editor_client.get(reverse("admin:admin_logentry_changelist")).status_code == 200
    )


def test_editors_cannot_read_statistics_or_learners(editor_client, content):
    quiz = content["quiz"]
    url = reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])
    assert editor_client.get(url).status_code == 403
    assert editor_client.get(url, {"export": "questions"}).status_code == 403
    pages, attempt = learner_pages(content)
    for page in pages:
        assert editor_client.get(page).status_code == 403
    assert editor_client.get(attempt.get_absolute_url()).status_code == 404
    response = editor_client.get(reverse("admin:index"))
    assertNotContains(response, "The last seven days")
    assertContains(response, "Content to check again")


def test_analysts_read_statistics_and_nothing_else(analyst_client, content):
    quiz, question = content["quiz"], content["question"]
    bulk_attempts(quiz, 10, seed=5)
    url = reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])
    assert analyst_client.get(url).status_code == 200
    assert analyst_client.get(url, {"export": "questions"}).status_code == 200
    for name in ("casestudy", "precautiontip", "guide", "source"):
        obj = content[name]
        assert analyst_client.get(admin_url(obj)).status_code == 403
        assert analyst_client.get(admin_url(obj, "add")).status_code == 403
        assert analyst_client.post(admin_url(obj), {}).status_code == 403
    # Quizzes and questions are readable, to make sense of the statistics.
    for obj in (quiz, question):
        response = analyst_client.get(admin_url(obj))
        assert response.status_code == 200
        assertNotContains(response, 'name="_save"')
        assert analyst_client.post(admin_url(obj), {"title": "x"}).status_code == 403
        assert analyst_client.get(admin_url(obj, "add")).status_code == 403
        assert analyst_client.get(admin_url(obj, "delete")).status_code == 403
    response = analyst_client.post(
        admin_url(quiz, "changelist"),
        {"action": "unpublish", "_selected_action": [quiz.pk]},
    )
    assert response.status_code in (200, 302)
    quiz.refresh_from_db()
    assert quiz.is_published  # unchanged: the action is not theirs
    pages, attempt = learner_pages(content)
    for page in pages:
        assert analyst_client.get(page).status_code == 403
    assert analyst_client.get(attempt.get_absolute_url()).status_code == 404
    assert (
        analyst_client.get(reverse("admin:admin_logentry_changelist")).status_code
        == 403
    )
    assert analyst_client.get(reverse("admin:stale_content")).status_code == 403
    response = analyst_client.get(reverse("admin:index"))
    assertContains(response, "The last seven days")
    assertNotContains(response, "Content to check again")


def test_only_the_learner_progress_permission_opens_single_attempts(
    django_user_model, content
):
    user = django_user_model.objects.create_user("coach", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_learner_progress"),
        Permission.objects.get(codename="view_attempt"),
    )
    client = Client()
    client.force_login(user)
    pages, attempt = learner_pages(content)
    assert client.get(pages[0]).status_code == 200
    assert client.get(pages[1]).status_code == 200
    assert client.get(attempt.get_absolute_url()).status_code == 200


def test_plain_staff_see_the_admin_but_no_data(staff_client, content):
    assert staff_client.get(reverse("admin:index")).status_code == 200
    url = reverse("admin:quizzes_quiz_statistics", args=[content["quiz"].pk])
    assert staff_client.get(url).status_code == 403
    assert staff_client.get(admin_url(content["casestudy"])).status_code == 403


def test_learners_do_not_get_into_the_admin(client, django_user_model, content):
    learner = django_user_model.objects.create_user("learner", password="x")
    client.force_login(learner)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert not Attempt.objects.for_learner(learner, "").exists()
    assert AnonymousUser().has_perm("quizzes.view_quiz_statistics") is False
