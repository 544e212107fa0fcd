import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tracks.models import Stage

from .factories import answer_all, make_track, start_check, track_with_families

pytestmark = pytest.mark.django_db


def count(client, url):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_shows_published_tracks_only(client):
    shown = track_with_families()
    draft = make_track(is_published=False, title="Unfinished track")
    page = client.get(reverse("tracks:track_list"))
    assertContains(page, shown.title)
    assertNotContains(page, draft.title)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_pages_cost_the_same_with_more_tracks_and_checks(client):
    first = track_with_families()
    _response, pre = start_check(client, first, Stage.PRE)
    answer_all(client, pre)
    urls = [
        reverse("home"),
        reverse("tracks:track_list"),
        first.get_absolute_url(),
        reverse("quizzes:progress"),
    ]
    before = [count(client, url) for url in urls]
    for _ in range(3):
        track = track_with_families()
        _response, pre = start_check(client, track, Stage.PRE)
        answer_all(client, pre)
    after = [count(client, url) for url in urls]
    assert after == before


def test_home_and_track_pages_stay_within_their_budgets(
    client, django_assert_max_num_queries
):
    track = track_with_families()
    # A visitor with no progress: the tracks section reads nothing.
    with django_assert_max_num_queries(4):
        client.get(reverse("home"))
    _response, pre = start_check(client, track, Stage.PRE)
    answer_all(client, pre)
    # The session, the home page's content, then the learner's tracks:
    # tracks, their quizzes, finished quizzes, checks and their answers.
    # Home's own learner section (attempts, review cards and their
    # families, quizzes) and the tracks section's four reads.
    with django_assert_max_num_queries(13):
        assertContains(client.get(reverse("home")), "Your tracks")
    with django_assert_max_num_queries(10):
        client.get(track.get_absolute_url())
    with django_assert_max_num_queries(6):
        client.get(reverse("tracks:track_list"))


def test_the_home_page_of_a_visitor_without_progress_has_no_tracks_section(client):
    track_with_families()
    assertNotContains(client.get(reverse("home")), "Your tracks")


def test_a_published_track_is_in_the_sitemap(client):
    track = track_with_families()
    page = client.get("/sitemap.xml")
    assertContains(page, track.get_absolute_url())
    assertContains(page, reverse("tracks:track_list"))


def test_the_chinese_track_page_is_translated(client):
    track = track_with_families()
    page = client.get(f"/zh-hans/tracks/{track.slug}/")
    assertContains(page, "做前测")
    assertContains(page, "学习路线")


def test_a_check_is_no_quiz_on_my_progress(client):
    track = track_with_families()
    _response, pre = start_check(client, track, Stage.PRE)
    answer_all(client, pre)
    page = client.get(reverse("quizzes:progress"))
    assert [summary["quiz"] for summary in page.context["quizzes"]] == []
    assertContains(page, "Knowledge check")
    assertContains(page, "before the track")
