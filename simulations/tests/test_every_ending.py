"""Every real simulation, played through the pages to each of its endings.

In English and in Simplified Chinese, the way a learner with JavaScript off
plays: a GET of the step, a POST of the choice, the redirect to the next
step or the debrief. Each choice of each file is taken once, and the
debrief must then show the path, the feedback and the chain in the
language of the run.
"""

import itertools
import re
import tomllib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from awareness.templatetags.awareness_tags import markdown
from simulations.models import Run, Simulation

from .factories import covering_paths

pytestmark = pytest.mark.django_db

REAL = settings.BASE_DIR / "awareness" / "content" / "simulations"
SLUGS = [
    tomllib.loads(file.read_text("utf-8"))["slug"]
    for file in sorted(REAL.glob("*.toml"))
]
LANGUAGES = ["en", "zh-hans"]
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


@pytest.fixture(scope="module")
def real_content(django_db_setup, django_db_blocker):
    # Loaded once for the module inside a transaction that is rolled back
    # afterwards, so that no quiz, case or simulation outlives these tests.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_content", verbosity=0)
        yield
        transaction.set_rollback(True)


# The pages' own words, looked up in the active language; through a name
# that makemessages does not take for a message of the tests'.
page_words = translation.gettext


def h1(page):
    return re.findall(r"<h1[^>]*>(.*?)</h1>", page.content.decode(), re.S)


def play_through(client, simulation, path, language):
    """Play the path through the pages; return the debrief's response."""
    with translation.override(language):
        start_url = reverse("simulations:start", args=[simulation.slug])
        turn_heading = page_words("Turn %(n)s")
    response = client.post(start_url)
    run = Run.objects.latest("started_at")
    assert run.language == language
    with translation.override(language):
        run_url = reverse("simulations:run", args=[run.public_id])
        debrief_url = reverse("simulations:debrief", args=[run.public_id])
    levels = itertools.cycle(["1", "2", "3", ""])
    for position, choice in enumerate(path, start=1):
        step_url = response["Location"]
        assert step_url == run_url
        page = client.get(step_url)
        assert page.status_code == 200
        html = page.content.decode()
        assert f'<html lang="{HTML_LANG[language]}">' in html
        assert h1(page) == [turn_heading % {"n": position}]
        with translation.override(language):
            step = choice.step
            if step.narration:
                assert f'<p class="sim__narration">{escape(step.narration)}</p>' in html
            assert escape(choice.text) in html, (simulation.slug, choice.key)
        assert '<fieldset class="confidence"' in html
        data = {"choice": run.option_value(choice), "confidence": next(levels)}
        response = client.post(
            reverse("simulations:choose", args=[run.public_id, position]), data
        )
        assert response.status_code == 302, (simulation.slug, choice.key)
    run.refresh_from_db()
    assert run.ending == path[-1].ending and run.turn_count == len(path)
    assert response["Location"] == debrief_url
    return run, client.get(response["Location"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_choice_and_ending_plays_to_its_debrief(
    client, real_content, slug, language
):
    simulation = Simulation.objects.get(slug=slug)
    paths = covering_paths(simulation)
    taken = {choice.pk for path in paths for choice in path}
    assert taken == {
        pk
        for step in simulation.steps.all()
        for pk in step.choices.values_list("pk", flat=True)
    }
    assert {path[-1].ending_id for path in paths} == set(
        simulation.endings.values_list("pk", flat=True)
    )
    for path in paths:
        run, debrief = play_through(client, simulation, path, language)
        assert debrief.status_code == 200
        html = debrief.content.decode()
        with translation.override(language):
            ending = run.ending
            assert h1(debrief) == [escape(ending.title)]
            assert str(markdown(ending.body)) in html
            assert (
                page_words("Score: %(score)s out of 100") % {"score": run.score} in html
            )
            for choice in path:
                assert escape(choice.text) in html
                assert str(markdown(choice.feedback)) in html, (slug, choice.key)
            assert page_words("Your path, step by step") in html
            assert 'class="sim-chain' in html
        # A replayed last choice changes nothing.
        client.post(
            reverse("simulations:choose", args=[run.public_id, len(path)]),
            {"choice": run.option_value(path[-1])},
        )
        assert run.turns.count() == len(path)
