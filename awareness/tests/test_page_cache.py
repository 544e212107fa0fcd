"""The public page cache: Django's cache_page on a cache of its own."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from awareness.models import CaseStudy

from .factories import make_case_study, make_tip

pytestmark = pytest.mark.django_db


def test_visitors_share_one_rendering_of_a_public_page(
    client, django_assert_num_queries
):
    make_case_study(title="Trojans in training firms")
    first = client.get(reverse("home"))
    with django_assert_num_queries(0):
        second = Client().get(reverse("home"))
    assert second.content == first.content
    assert "Trojans in training firms" in second.content.decode()
    # Kept, but checked again before each use: a 304 while nothing changed.
    assert "no-cache" in second["Cache-Control"]
    again = Client().get(reverse("home"), headers={"If-None-Match": second["ETag"]})
    assert again.status_code == 304 and not again.content


def test_a_visitor_with_a_cookie_gets_the_page_made_for_them(client, django_user_model):
    make_tip(title="Check the sender")
    Client().get(reverse("tip_list"))
    user = django_user_model.objects.create_user("reader", password="x-long-pass-9")
    client.force_login(user)
    response = client.get(reverse("tip_list"))
    assert "Sign out" in response.content.decode()
    assert "Sign out" not in Client().get(reverse("tip_list")).content.decode()


def _count_files(folder):
    return sum(1 for path in folder.rglob("*") if path.is_file())


def test_a_query_string_is_never_stored(client, settings, tmp_path):
    # Security review, failure 8: junk parameters grew the cache by a page
    # each. A shared cache in files, as the SQLite default has, shows it.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path,
        },
    }
    make_case_study(title="Trojans in training firms")
    for number in range(30):
        assert client.get(f"/en/?utm={number}").status_code == 200
    assert _count_files(tmp_path) == 0
    client.get("/en/")
    stored = _count_files(tmp_path)
    assert stored
    client.get("/en/?utm=again")
    assert _count_files(tmp_path) == stored


def test_saving_content_clears_the_cached_pages(
    client, django_capture_on_commit_callbacks
):
    case = make_case_study(title="Old title")
    url = case.get_absolute_url()
    assert "Old title" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        case.title = "New title"
        case.save()
    body = Client().get(url).content.decode()
    assert "New title" in body and "Old title" not in body


def test_changes_made_in_the_admin_clear_the_cached_pages(
    superuser_client, django_capture_on_commit_callbacks
):
    tip = make_tip(title="Tip before")
    assert "Tip before" in Client().get(reverse("tip_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            reverse("admin:awareness_precautiontip_changelist"),
            {"action": "unpublish", "_selected_action": [tip.pk]},
        )
    assert "Tip before" not in Client().get(reverse("tip_list")).content.decode()


def test_anonymous_requests_never_clear_the_cache(
    client, django_capture_on_commit_callbacks
):
    # Security review, failure 2: an anonymous POST to the admin's sign-in
    # emptied the whole cache.
    case = make_case_study(title="Cached title")
    url = case.get_absolute_url()
    client.get(url)
    # A change that sends no signal: the cached copy is what tells whether
    # anything below cleared the cache.
    CaseStudy.objects.filter(pk=case.pk).update(title="Changed behind its back")
    with django_capture_on_commit_callbacks(execute=True):
        for path in ("/admin/login/", "/admin/logout/", "/en/accounts/login/"):
            Client().post(path, {"username": "", "password": ""})
        Client().get("/admin/")
    assert "Cached title" in Client().get(url).content.decode()


def test_the_page_cache_holds_nothing_else(client):
    # Clearing the pages must never clear a lockout counter or a session.
    client.get(reverse("home"))
    caches["default"].set("counter", 3)
    caches["pages"].clear()
    assert caches["default"].get("counter") == 3


def test_pages_and_counters_live_apart_in_every_configuration():
    from awareness.settings import _file_cache, _next_database, _redis_cache

    assert _file_cache("pages")["LOCATION"] != _file_cache("default")["LOCATION"]
    assert _next_database("redis://cache.internal:6379/0").endswith(":6379/1")
    assert _next_database("redis://cache.internal:6379").endswith(":6379/1")
    redis = _redis_cache("redis://cache.internal:6379/1")
    # Redis that hangs costs a bounded time, and one that is down a miss.
    assert redis["OPTIONS"]["SOCKET_TIMEOUT"] <= 1
    assert redis["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] <= 1
    assert redis["OPTIONS"]["IGNORE_EXCEPTIONS"]


def test_the_default_caches_are_shared_by_every_worker():
    # Security review, failure 10: a cache in each process's memory kept
    # old pages in some workers and counted sign-in failures per worker.
    if settings.REDIS_URL:
        pytest.skip("configured for Redis")
    from awareness import settings as configured

    for alias in ("default", "pages"):
        backend = configured.CACHES[alias]["BACKEND"]
        assert "locmem" not in backend


def test_loading_content_clears_the_cached_pages(
    client, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    client.get(reverse("home"))
    caches["pages"].set("a-page", "kept")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_content", verbosity=0)
    assert caches["pages"].get("a-page") is None
