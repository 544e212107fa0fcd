import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from awareness.tests.factories import make_case_study, make_tip
from quizzes import personal_data
from quizzes.tests.factories import (
    bulk_attempts,
    count_queries,
    make_question,
    make_quiz,
)
from staff import dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_activity_counts_this_weeks_learners_attempts_and_passes():
    quiz = make_quiz(pass_mark=50)
    make_question(quiz)
    make_question(quiz)
    attempts = bulk_attempts(quiz, 12)
    bulk_attempts(quiz, 3, seed=1)  # the same first three learners again
    old = bulk_attempts(quiz, 4, seed=2)
    type(old[0]).objects.filter(pk__in=[a.pk for a in old]).update(
        started_at=timezone.now() - datetime.timedelta(days=8)
    )
    activity = dashboard.activity()
    assert activity.learners == 12
    assert (activity.started, activity.finished) == (15, 15)
    passed = sum(1 for a in attempts + attempts[:3] if a.score >= 50)
    assert activity.passed == passed
    assert activity.pass_rate == pytest.approx(passed / 15)
    assert not activity.suppressed
    today = activity.chart.bars[-1]
    assert today.value == 15 and len(activity.chart.bars) == 14


def test_activity_counts_each_erased_learners_attempt_as_a_learner():
    quiz = make_quiz()
    make_question(quiz)
    for attempt in bulk_attempts(quiz, 3):
        personal_data.erase(user=AnonymousUser(), learner_key=attempt.learner_key)
    bulk_attempts(quiz, 2, seed=5)
    assert dashboard.activity().learners == 5


def test_pass_rate_is_hidden_below_ten_learners(superuser_client):
    quiz = make_quiz()
    make_question(quiz)
    bulk_attempts(quiz, 4)
    response = superuser_client.get(reverse("admin:index"))
    assertContains(response, "The pass rate is hidden below 10 learners")


def test_questions_needing_attention_come_from_the_statistics(superuser_client):
    quiz = make_quiz()
    easy = make_question(quiz, prompt="Far too easy?")
    make_question(quiz, prompt="Fine?")
    bulk_attempts(quiz, 20)
    easy.answers.update(mark=1.0)
    response = superuser_client.get(reverse("admin:index"))
    attention = response.context["dashboard"].attention
    assert [entry.question for entry in attention][:1] == [easy]
    assertContains(response, "too easy (facility above 95%)")
    assertContains(response, reverse("admin:quizzes_quiz_statistics", args=[quiz.pk]))


def test_attention_leaves_out_drafts_and_quizzes_not_out_yet():
    later = timezone.now() + datetime.timedelta(days=1)
    for quiz in (make_quiz(is_published=False), make_quiz(published_at=later)):
        easy = make_question(quiz)
        bulk_attempts(quiz, 20)
        easy.answers.update(mark=1.0)
    assert dashboard.attention() == []


def test_stale_content_is_listed_by_age(superuser_client, settings):
    settings.STALE_AFTER_DAYS = 30
    today = timezone.localdate()
    old_case = make_case_study(
        title="Old case", last_verified=today - datetime.timedelta(days=400)
    )
    make_tip(title="Checked tip", last_verified=today - datetime.timedelta(days=10))
    old_question = make_question(
        make_quiz(last_verified=today),
        prompt="Old question?",
        last_verified=today - datetime.timedelta(days=40),
    )
    items = dashboard.stale_content(
        type("Everyone", (), {"has_perm": lambda self, perm: True})()
    )
    assert [item.title for item in items] == ["Old case", "Old question?"]
    assert items[0].age == 400
    response = superuser_client.get(reverse("admin:stale_content"))
    assertContains(response, "Old case")
    assertContains(response, "Old question?")
    assertNotContains(response, "Checked tip")
    assertContains(
        response, reverse("admin:quizzes_question_change", args=[old_question.pk])
    )
    assertContains(
        response, reverse("admin:awareness_casestudy_change", args=[old_case.pk])
    )
    assertContains(superuser_client.get(reverse("admin:index")), "Old case")


def test_editors_see_stale_content_only_of_what_they_edit(editor, settings):
    settings.STALE_AFTER_DAYS = 1
    make_case_study(title="Old case", last_verified=datetime.date(2020, 1, 1))
    client = Client()
    client.force_login(editor)
    assertContains(client.get(reverse("admin:stale_content")), "Old case")


def test_the_admin_home_keeps_its_app_list(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    assertContains(response, "Awareness content")
    assertContains(response, "Recent actions")


def test_admin_home_queries_do_not_grow_with_data(
    superuser_client, django_assert_num_queries, settings
):
    settings.STALE_AFTER_DAYS = 1

    def grow():
        quiz = make_quiz(last_verified=datetime.date(2020, 1, 1))
        for _ in range(3):
            make_question(quiz)
        bulk_attempts(quiz, 12, learner_prefix=quiz.slug)
        make_case_study(last_verified=datetime.date(2020, 1, 1))

    grow()
    superuser_client.get(reverse("admin:index"))  # fills the statistics cache
    warm = count_queries(lambda: superuser_client.get(reverse("admin:index")))
    grow()
    superuser_client.get(reverse("admin:index"))
    for _ in range(3):
        make_case_study(last_verified=datetime.date(2020, 1, 1))
    with django_assert_num_queries(warm):
        superuser_client.get(reverse("admin:index"))
