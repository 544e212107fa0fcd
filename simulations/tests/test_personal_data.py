from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from quizzes import personal_data
from quizzes.models import ERASED_PREFIX
from simulations.models import Run, Turn

from .factories import load_fixture, paths_to_endings, play

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulation():
    return load_fixture()


def play_in_browser(client, simulation, ending):
    """Play to an ending through the site, as an anonymous visitor."""
    client.post(reverse("simulations:start", args=[simulation.slug]))
    run = Run.objects.latest("started_at")
    for position, choice in enumerate(paths_to_endings(simulation)[ending], start=1):
        client.post(
            reverse("simulations:choose", args=[run.public_id, position]),
            {"choice": run.option_value(choice), "confidence": "3"},
        )
    run.refresh_from_db()
    return run


def test_my_progress_lists_runs_and_changes_with_them(client, simulation):
    progress = reverse("quizzes:progress")
    assertContains(client.get(progress), "You have not played a simulation yet.")
    run = play_in_browser(client, simulation, "stopped")
    # play_in_browser only posts; a real browser holds the CSRF cookie that
    # the pages' forms (the footer's easy-read switch among them) set.
    client.get(progress)
    page = client.get(progress)
    assertContains(page, simulation.title)
    assertContains(page, "Stopped in time: 60 out of 100")
    assertContains(page, reverse("simulations:debrief", args=[run.public_id]))
    # A new run changes the page's ETag, so a reload is never stale.
    again = client.get(progress, HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304
    client.post(reverse("simulations:start", args=[simulation.slug]))
    changed = client.get(progress, HTTP_IF_NONE_MATCH=page["ETag"])
    assert changed.status_code == 200
    assertContains(changed, "Not finished: resume")


def test_runs_join_the_export(client, simulation):
    run = play_in_browser(client, simulation, "scammed")
    key = client.session["learner"]
    data = personal_data.export(user=AnonymousUser(), learner_key=key)
    [exported] = data["simulation_runs"]
    assert exported["id"] == str(run.public_id)
    assert exported["outcome"] == "unsafe" and exported["score"] == 0
    assert [t["step"] for t in exported["turns"]] == ["call", "code"]
    assert exported["turns"][1]["how_sure"] == "Very sure"
    response = client.post(reverse("accounts:export_data"))
    assert response.json()["simulation_runs"][0]["simulation_slug"] == "bank-call"
    assert (
        personal_data.export(user=AnonymousUser(), learner_key="other")[
            "simulation_runs"
        ]
        == []
    )


def test_signing_in_can_claim_the_runs(client, simulation, django_user_model):
    run = play_in_browser(client, simulation, "hung-up")
    key = client.session["learner"]
    assert (
        personal_data.held(user=AnonymousUser(), learner_key=key)["simulation_runs"]
        == 1
    )
    user = django_user_model.objects.create_user("li", password="x-long-password")
    moved = personal_data.claim(learner_key=key, user=user)
    assert moved["simulation_runs"] == 1
    run.refresh_from_db()
    assert run.user == user


def test_discarding_deletes_the_runs(client, simulation):
    play_in_browser(client, simulation, "hung-up")
    key = client.session["learner"]
    assert personal_data.discard(learner_key=key)["simulation_runs"] == 1
    assert not Run.objects.exists() and not Turn.objects.exists()


def test_erasure_keeps_finished_runs_unlinked_and_deletes_the_rest(
    simulation, django_user_model
):
    user = django_user_model.objects.create_user("li", password="x-long-password")
    paths = paths_to_endings(simulation)
    finished = [play(simulation, paths["scammed"], user=user) for _ in range(2)]
    open_run = play(simulation, paths["stopped"][:1], user=user)
    other = play(simulation, paths["hung-up"], learner_key="someone-else")
    erased = personal_data.erase(user=user, learner_key="")
    assert erased["simulation_runs_kept_anonymously"] == 2
    assert erased["simulation_runs_deleted"] == 1
    assert not Run.objects.filter(pk=open_run.pk).exists()
    kept = Run.objects.filter(pk__in=[r.pk for r in finished])
    assert {r.user for r in kept} == {None}
    # One new token for the learner's runs of one simulation, new ids.
    assert len({r.learner_key for r in kept}) == 1
    assert kept[0].learner_key.startswith(ERASED_PREFIX)
    assert not kept.filter(public_id__in=[r.public_id for r in finished]).exists()
    assert {r.started_at.time() for r in kept} == {timezone.datetime.min.time()}
    assert Turn.objects.filter(run__in=kept).count() == 4
    other.refresh_from_db()
    assert other.learner_key == "someone-else"


def test_anonymous_runs_expire_with_the_rest_unless_still_played(simulation):
    paths = paths_to_endings(simulation)
    old = play(simulation, paths["hung-up"], learner_key="gone")
    Run.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - timedelta(days=200)
    )
    Turn.objects.filter(run=old).update(
        answered_at=timezone.now() - timedelta(days=200)
    )
    recent = play(simulation, paths["stopped"][:1], learner_key="here")
    Run.objects.filter(pk=recent.pk).update(
        started_at=timezone.now() - timedelta(days=200)
    )
    # "here" took a turn today: still playing, kept.
    call_command("expire_anonymous_progress", days=90, verbosity=0)
    old.refresh_from_db()
    assert old.learner_key.startswith(ERASED_PREFIX)
    assert Run.objects.get(pk=recent.pk).learner_key == "here"
