import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awareness import page_cache
from quizzes.models import Attempt

from .factories import make_case_study, make_tip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_visitors_share_one_rendering_of_a_public_page(
    client, django_assert_num_queries
):
    make_case_study(title="Trojans in training firms")
    first = client.get(reverse("home"))
    with django_assert_num_queries(0):
        second = Client().get(reverse("home"))
    assert second.content == first.content
    assert "Trojans in training firms" in second.content.decode()
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "no-cache"
    assert "Cookie" in second["Vary"]


def test_an_unchanged_page_answers_304(client):
    make_tip()
    etag = client.get(reverse("tip_list"))["ETag"]
    response = Client().get(reverse("tip_list"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and not response.content


def test_saving_content_retires_the_cached_pages(client):
    case = make_case_study(title="Old title")
    url = case.get_absolute_url()
    assert "Old title" in client.get(url).content.decode()
    case.title = "New title"
    case.save()
    body = Client().get(url).content.decode()
    assert "New title" in body and "Old title" not in body


def test_changes_made_in_the_admin_retire_the_cached_pages(client, superuser_client):
    tip = make_tip(title="Tip before")
    assert "Tip before" in Client().get(reverse("tip_list")).content.decode()
    # The admin's "unpublish" action writes with update(): no signal at all.
    superuser_client.post(
        reverse("admin:awareness_precautiontip_changelist"),
        {"action": "unpublish", "_selected_action": [tip.pk]},
    )
    assert "Tip before" not in Client().get(reverse("tip_list")).content.decode()


def test_a_scheduled_item_appears_when_it_is_due(settings):
    settings.PAGE_CACHE_SECONDS = 600
    make_case_study(title="Already out")
    assert page_cache.seconds_to_keep() == 600
    soon = timezone.now() + datetime.timedelta(seconds=90)
    make_case_study(title="Coming soon", published_at=soon)
    make_tip(published_at=soon + datetime.timedelta(hours=1))
    assert 85 < page_cache.seconds_to_keep() <= 91


def test_a_signed_in_page_is_never_served_to_visitors_nor_the_reverse(
    client, django_user_model
):
    make_case_study(title="Public case")
    user = django_user_model.objects.create_user(username="zed", password="pw-12345")
    member = Client()
    member.force_login(user)
    member_page = member.get(reverse("home")).content.decode()
    assert "Sign out" in member_page
    visitor_page = client.get(reverse("home")).content.decode()
    assert "Sign out" not in visitor_page and "zed" not in visitor_page
    assert "Sign out" in member.get(reverse("home")).content.decode()


def test_staff_previews_of_drafts_never_reach_visitors(staff_client):
    make_case_study(title="Secret draft", is_published=False)
    assert "Secret draft" in staff_client.get(reverse("home")).content.decode()
    assert "Secret draft" not in Client().get(reverse("home")).content.decode()


def test_learners_with_progress_get_their_own_page(client):
    case = make_case_study(title="Read me")
    Client().get(case.get_absolute_url())  # cached for visitors
    from quizzes.tests.factories import make_question, make_quiz

    quiz = make_quiz(slug="q")
    make_question(quiz)
    client.post(reverse("quizzes:quiz_start", args=["q"]))
    client.get(case.get_absolute_url())
    # The visit was recorded: the view ran for the learner, not the cache.
    assert Attempt.objects.get().learner_key
    from quizzes.models import Reading

    assert Reading.objects.filter(case_study=case).count() == 1


def test_a_page_with_a_pending_message_is_neither_served_nor_stored(client):
    make_case_study()
    client.cookies["messages"] = "something for this visitor"
    response = client.get(reverse("home"))
    assert "ETag" not in response
    assert response["Cache-Control"] == "private, no-cache"


def test_pages_with_a_form_token_are_not_shared(client):
    from quizzes.tests.factories import make_question, make_quiz

    quiz = make_quiz(slug="formed")
    make_question(quiz)
    first = client.get(quiz.get_absolute_url())
    assert "csrfmiddlewaretoken" in first.content.decode()
    second = Client().get(quiz.get_absolute_url())
    assert second.cookies  # its own CSRF cookie, so its own page
    assert "ETag" not in second


def test_each_language_has_its_own_copy(client, rf):
    make_case_study(title="Trojans in training firms")
    english = client.get("/en/")
    chinese = Client().get("/zh-hans/")
    assert english["ETag"] != chinese["ETag"]
    assert Client().get("/en/").content == english.content
    assert Client().get("/zh-hans/").content == chinese.content
    assert chinese["Content-Language"] == "zh-hans"
    # An address without a language is redirected, never cached.
    assert page_cache._key(rf.get("/")) is None


def test_a_cached_page_has_every_header_of_a_rendered_one(
    client, django_assert_num_queries
):
    make_case_study()
    rendered = client.get(reverse("home"))
    with django_assert_num_queries(0):
        cached = Client().get(reverse("home"))
    assert cached.content == rendered.content
    assert dict(cached.items()) == dict(rendered.items())
    assert cached["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in cached


def test_personal_pages_tell_proxies_not_to_keep_them(client):
    from quizzes.tests.factories import make_question, make_quiz

    quiz = make_quiz(slug="p")
    make_question(quiz)
    client.post(reverse("quizzes:quiz_start", args=["p"]))
    attempt = Attempt.objects.get()
    for url in (
        reverse("quizzes:progress"),
        reverse("quizzes:question", args=[attempt.public_id, 1]),
        reverse("home"),
    ):
        response = client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "ETag" not in response, url


def test_the_cache_being_down_only_costs_speed(client):
    from django.core.cache import cache

    down = ConnectionError("down")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
    ):
        make_case_study(title="Still here")
        assert "Still here" in client.get(reverse("home")).content.decode()
