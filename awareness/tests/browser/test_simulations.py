"""A simulation played in Chromium by keyboard, with JavaScript off and on."""

import tomllib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from simulations.models import Run, Simulation
from simulations.tests.factories import (
    covering_paths,
    load_fixture,
    paths_to_endings,
)

from .test_accessibility import AXE_TAGS, RUN_AXE
from .test_journeys import choose_by_keyboard, follow, skip_to_content, tab_to

pytestmark = pytest.mark.browser


def axe(page, javascript):
    """Return axe's violations; with JavaScript off, the run on is checked."""
    return page.evaluate(RUN_AXE, AXE_TAGS) if javascript else []


def pick(page, choice, confidence_label):
    """Choose an option and a level of certainty, with the keyboard alone."""
    run = Run.objects.get()
    choose_by_keyboard(page, [run.option_value(choice)])
    level = page.get_by_label(confidence_label)
    tab_to(page, page.locator("input[name=confidence]").first)
    levels = page.locator("input[name=confidence]")
    index = levels.evaluate_all("els => els.map(e => e.value)").index(
        level.get_attribute("value")
    )
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(level).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Make this choice"))


@pytest.mark.parametrize(
    ("javascript", "viewport"), [(False, "phone"), (True, "desktop")]
)
def test_a_simulation_is_played_to_its_debrief_by_keyboard(
    live_server, open_context, axe_source, shots, javascript, viewport
):
    simulation = load_fixture()
    confirm, read_code = paths_to_endings(simulation)["scammed"]
    context = open_context(viewport, javascript=javascript)
    # Through the DevTools protocol, which the page's CSP does not govern.
    context.add_init_script(path=axe_source)
    page = context.new_page()
    page.goto(reverse("simulations:list"))
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name=simulation.title))
    follow(page)
    tab_to(page, page.get_by_role("button", name="Start the simulation"))
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Turn 1")
    expect(page.locator(".sim__narration")).to_have_text(
        "Your phone rings during lunch."
    )
    step_url = page.url
    assert axe(page, javascript) == []
    shots(page, "first step")

    pick(page, confirm, "Fairly sure")
    if javascript:
        # The next step appears in place, and the focus moves to it.
        page.keyboard.press("Enter")
        title = page.locator("#sim-step-title")
        expect(title).to_have_text("Turn 2")
        expect(title).to_be_focused()
        expect(page.locator("#sim-status")).to_contain_text("Turn 2")
    else:
        follow(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Turn 2")
    expect(page.locator(".sim__narration")).to_have_text(
        "A text arrives while the caller waits."
    )
    assert page.url == step_url
    shots(page, "second step")

    pick(page, read_code, "Very sure")
    follow(page)
    assert page.url.endswith(
        reverse("simulations:debrief", args=[Run.objects.get().public_id])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Your money is gone")
    expect(page.get_by_text("Confidently wrong", exact=True)).to_be_visible()
    chain = page.locator(".sim-chain")
    expect(chain).to_contain_text("your name, your phone number")
    expect(chain).to_contain_text("a verification code, your money")
    assert axe(page, javascript) == []
    shots(page, "debrief")

    # Back to the step page: it shows where the run is, and replays nothing.
    page.go_back()
    page.goto(step_url)
    assert page.url.endswith(
        reverse("simulations:debrief", args=[Run.objects.get().public_id])
    )
    assert Run.objects.get().turns.count() == 2


def test_the_step_and_debrief_reflow_at_320_px(live_server, open_context):
    simulation = load_fixture()
    page = open_context("narrow").new_page()
    page.goto(simulation.get_absolute_url())
    page.get_by_role("button", name="Start the simulation").click()
    sideways = (
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not page.evaluate(sideways)
    run = Run.objects.get()
    for choice in paths_to_endings(simulation)["scammed"]:
        page.locator(f"input[value='{run.option_value(choice)}']").check()
        page.get_by_role("button", name="Make this choice").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your money is gone")
    assert not page.evaluate(sideways)


REAL_SLUGS = [
    tomllib.loads(file.read_text("utf-8"))["slug"]
    for file in sorted(
        (settings.BASE_DIR / "awareness" / "content" / "simulations").glob("*.toml")
    )
]


def translated(text, language):
    """Return the page's words in the language (not a message of their own)."""
    with translation.override(language):
        return translation.gettext(text)


def keyboard_turn(page, run, choice, level):
    """Tick a choice and a level, then send it: Tab, arrows, Space, Enter."""
    choose_by_keyboard(page, [run.option_value(choice)])
    levels = page.locator("input[name=confidence]")
    tab_to(page, levels.first)
    if level == 0:
        page.keyboard.press("Space")
    for _ in range(level):
        page.keyboard.press("ArrowDown")
    expect(levels.nth(level)).to_be_checked()
    button = translated("Make this choice", run.language)
    tab_to(page, page.get_by_role("button", name=button))
    follow(page)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_each_real_simulation_is_played_by_keyboard_without_javascript(
    live_server, open_context, slug, language
):
    """The longest of the paths that take every choice, keys only, JS off."""
    call_command("load_content", verbosity=0)
    simulation = Simulation.objects.get(slug=slug)
    path = max(covering_paths(simulation), key=len)
    with translation.override(language):
        title = simulation.title
        list_url = reverse("simulations:list")
    page = open_context("phone", javascript=False).new_page()
    page.goto(list_url)
    page.keyboard.press("Tab")
    skip = translated("Skip to main content", language)
    expect(page.get_by_role("link", name=skip)).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=title))
    follow(page)
    tab_to(
        page,
        page.get_by_role("button", name=translated("Start the simulation", language)),
    )
    follow(page)
    run = Run.objects.get()
    assert run.language == language
    for position, choice in enumerate(path, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            translated("Turn %(n)s", language) % {"n": position}
        )
        keyboard_turn(page, run, choice, position % 3)
    run.refresh_from_db()
    assert run.ending == path[-1].ending
    with translation.override(language):
        assert page.url.endswith(reverse("simulations:debrief", args=[run.public_id]))
        expect(page.get_by_role("heading", level=1)).to_have_text(run.ending.title)
        for choice in path:
            expect(page.locator(".sim-path")).to_contain_text(choice.text)
    assert run.turns.count() == len(path)
