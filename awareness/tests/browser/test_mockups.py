"""Mock-ups in a real browser: every channel, both widths, both schemes.

axe-core finds no WCAG violation before or after the answer, red-flag
targets are at least 44 × 44 px on every line they cover and toggle by
click, by tap on a later part of the same phrase, and by keyboard, and the
form still works without JavaScript.
"""

from pprint import pformat

import pytest
from django.test import Client

from quizzes.models import Answer
from quizzes.tests.factories import make_quiz
from quizzes.tests.mock_examples import attempt_on, make_mock_questions

from .test_accessibility import AXE_TAGS, HIDDEN_FOCUS, RUN_AXE, SCROLLS_SIDEWAYS

pytestmark = pytest.mark.browser

SIZES = {"phone": 390, "desktop": 1280}

# Each label's line boxes and its whole box, in CSS px.
TARGETS = """() => [...document.querySelectorAll("label.segment")].map((label) => {
  const whole = label.getBoundingClientRect();
  return {
    text: label.textContent.trim().slice(0, 40),
    width: whole.width,
    height: whole.height,
    lines: [...label.getClientRects()].map((box) => box.height),
  };
})"""

CHECKED = """() => [...document.querySelectorAll(".segment__input")]
  .map((input) => input.checked)"""

# The look of a part: its border and its flag mark.
LOOK = """(label) => ({
  border: getComputedStyle(label).borderTopStyle + " " +
    getComputedStyle(label).borderTopColor,
  mark: getComputedStyle(label.querySelector(".segment__mark"), "::before").content,
  outline: parseFloat(getComputedStyle(label).outlineWidth) *
    (getComputedStyle(label).outlineStyle === "none" ? 0 : 1),
})"""


@pytest.fixture
def mocks(transactional_db):
    """Return {channel: session cookie} for an attempt on each channel."""
    questions = make_mock_questions(make_quiz(slug="mock-ups"))
    sessions = {}
    for channel, question in questions.items():
        client = Client()
        attempt = attempt_on(client, question, key=f"learner-{channel}")
        sessions[channel] = (
            client.cookies["sessionid"].value,
            f"/en/attempts/{attempt.public_id}/1/",
            question,
        )
    return sessions


def open_page(open_context, session, url, viewport="phone", **options):
    context = open_context(viewport, session=session, **options)
    page = context.new_page()
    assert page.goto(url).status == 200
    return page


def answer_somehow(page):
    """Flag the first part, or pick the first option, and answer."""
    if page.locator("label.segment").count():
        page.locator("label.segment").first.click()
    else:
        page.locator(".option").first.click()
    page.locator(".question__submit").click()
    page.locator("#feedback").wait_for()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(SIZES))
def test_axe_finds_nothing_on_any_mock_before_or_after_the_answer(
    live_server, open_context, axe_source, shots, mocks, viewport, scheme
):
    found = {}
    for channel, (session, url, _question) in mocks.items():
        context = open_context(viewport, session=session, scheme=scheme)
        context.add_init_script(path=axe_source)
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(url)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        if violations := page.evaluate(RUN_AXE, AXE_TAGS):
            found[channel] = violations
            shots(page, f"{channel} question")
        answer_somehow(page)
        if violations := page.evaluate(RUN_AXE, AXE_TAGS):
            found[f"{channel} answered"] = violations
            shots(page, f"{channel} answered")
        if page.evaluate(SCROLLS_SIDEWAYS):
            found[f"{channel} scrolls sideways"] = True
    assert not found, pformat(found, width=100)


@pytest.mark.parametrize("viewport", list(SIZES))
def test_red_flag_targets_are_44_px_on_every_line(
    live_server, open_context, mocks, viewport
):
    small = {}
    for channel, (session, url, question) in mocks.items():
        if question.kind != "red_flags":
            continue
        page = open_page(open_context, session, url, viewport)
        targets = page.evaluate(TARGETS)
        assert targets, channel
        for target in targets:
            if target["width"] < 44 or min(target["lines"]) < 44:
                small.setdefault(channel, []).append(target)
    assert not small, pformat(small, width=100)


def test_red_flags_toggle_by_click_by_a_later_part_and_by_keyboard(
    live_server, open_context, mocks
):
    session, url, question = mocks["call"]
    page = open_page(open_context, session, url)
    segments = question.choices.count()
    assert page.evaluate(CHECKED) == [False] * segments
    first = page.locator("label.segment").first
    before = first.evaluate(LOOK)
    first.click()
    assert page.evaluate(CHECKED) == [True] + [False] * (segments - 1)
    after = first.evaluate(LOOK)
    # More than colour: the border's style and the flag's shape change too.
    assert before["mark"] != after["mark"]
    assert before["border"].split()[0] == after["border"].split()[0] == "solid"
    assert before["border"] != after["border"]
    first.click()
    assert page.evaluate(CHECKED) == [False] * segments

    # The second segment runs over two turns: its later part toggles it,
    # and shows its state.
    later = page.locator("label.segment--more").first
    later.click()
    assert page.evaluate(CHECKED)[1] is True
    assert (
        later.evaluate(LOOK)["mark"]
        == page.locator("label.segment").nth(1).evaluate(LOOK)["mark"]
    )
    later.click()
    assert page.evaluate(CHECKED)[1] is False

    # Keyboard: Tab to a checkbox, Space toggles it, the ring shows.
    page.locator(".question__hint").click()
    for _n in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('segment__input')"):
            break
    else:
        pytest.fail("Tab never reached a red-flag checkbox.")
    page.keyboard.press("Space")
    assert page.evaluate(CHECKED)[0] is True
    label = page.locator("label.segment").first
    assert label.evaluate(LOOK)["outline"] >= 2
    assert not page.evaluate(HIDDEN_FOCUS)
    # Its accessible name is the phrase.
    name = page.locator(".segment__input").first.evaluate(
        "(input) => [...input.labels].map((l) => l.textContent).join(' ')"
    )
    assert name.strip() == "Hello, is that Ms Wang?"


def test_without_javascript_red_flags_are_a_plain_form(
    live_server, open_context, mocks
):
    session, url, question = mocks["sms"]
    page = open_page(open_context, session, url, javascript=False)
    page.locator("label.segment").nth(1).click()
    page.locator(".question__submit").click()
    page.locator("#feedback").wait_for()
    answer = Answer.objects.get(attempt__public_id=url.split("/")[3])
    assert [choice.text for choice in answer.choices.all()] == [
        question.choices.all()[1].text
    ]
    assert page.locator(".mock .segment--found").count() == 1
    assert page.locator(".mock-legend").is_visible()


def test_on_desktop_the_mock_sits_in_a_phone_frame_beside_the_options(
    live_server, open_context, mocks
):
    session, url, _question = mocks["email"]
    page = open_page(open_context, session, url, "desktop")
    mock = page.locator(".question__screen .mock").bounding_box()
    options = page.locator(".options").bounding_box()
    assert 340 <= mock["width"] <= 420
    assert options["x"] >= mock["x"] + mock["width"]
    assert options["y"] < mock["y"] + mock["height"]
    page = open_page(open_context, session, url, "phone")
    mock = page.locator(".question__screen .mock").bounding_box()
    assert mock["width"] >= 390 - 2 * 24


def test_every_mock_reflows_at_320_px(live_server, open_context, mocks):
    wide = [
        channel
        for channel, (session, url, _question) in mocks.items()
        if open_page(open_context, session, url, "narrow").evaluate(SCROLLS_SIDEWAYS)
    ]
    assert not wide, wide
