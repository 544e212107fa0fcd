import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from simulations.models import Run, Turn

from .factories import load_fixture, paths_to_endings

# SQLite serialises writers, so only a real server shows a race.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(*calls):
    """Run the calls at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=10)
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_choices_for_one_turn_at_once_take_it_once():
    simulation = load_fixture()
    run = Run.objects.start(
        simulation=simulation, user=AnonymousUser(), learner_key="k"
    )
    hang_up, confirm = (
        simulation.start.choices.select_related("ending").get(key=key)
        for key in ("hang-up", "confirm")
    )
    results = run_together(
        lambda: Run.objects.get(pk=run.pk).take(position=1, choice=hang_up),
        lambda: Run.objects.get(pk=run.pk).take(position=1, choice=confirm),
        lambda: Run.objects.get(pk=run.pk).take(position=1, choice=confirm),
    )
    assert sorted(results) == [False, False, True]
    turn = Turn.objects.get()
    run.refresh_from_db()
    assert run.turn_count == 1
    if turn.choice == hang_up:
        assert run.is_finished and run.ending.key == "hung-up"
    else:
        assert not run.is_finished and run.step.key == "code"


def test_a_double_submit_through_the_site_counts_once_and_lands_on_the_step():
    simulation = load_fixture()
    first = Client()
    first.post(reverse("simulations:start", args=[simulation.slug]))
    second = Client()
    second.cookies = first.cookies
    run = Run.objects.get()
    confirm = paths_to_endings(simulation)["stopped"][0]
    url = reverse("simulations:choose", args=[run.public_id, 1])
    data = {"choice": run.option_value(confirm)}
    responses = run_together(
        lambda: first.post(url, data), lambda: second.post(url, data)
    )
    step = reverse("simulations:run", args=[run.public_id])
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {step}
    assert Turn.objects.count() == 1
    run.refresh_from_db()
    assert run.turn_count == 1 and run.step.key == "code"
    # Both tabs show the same, current step.
    assert "Turn 2" in first.get(step).content.decode()


def test_the_last_choice_raced_with_a_stale_one_ends_the_run_once():
    simulation = load_fixture()
    client = Client()
    client.post(reverse("simulations:start", args=[simulation.slug]))
    run = Run.objects.get()
    confirm, read_code = paths_to_endings(simulation)["scammed"]
    client.post(
        reverse("simulations:choose", args=[run.public_id, 1]),
        {"choice": run.option_value(confirm)},
    )
    stop = simulation.steps.get(key="code").choices.get(key="stop")
    url = reverse("simulations:choose", args=[run.public_id, 2])
    responses = run_together(
        lambda: client.post(url, {"choice": run.option_value(read_code)}),
        lambda: client.post(url, {"choice": run.option_value(stop)}),
    )
    assert [r.status_code for r in responses] == [302, 302]
    run.refresh_from_db()
    assert run.is_finished and Turn.objects.filter(position=2).count() == 1
    assert run.ending.key == Turn.objects.get(position=2).choice.ending.key
