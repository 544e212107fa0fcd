"""Easy-read mode in a real browser: axe, 200 % zoom, targets, read aloud."""

from pprint import pformat

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from awareness.models import CaseStudy, PrecautionTip
from awareness.tests.browser.test_accessibility import (
    AXE_TAGS,
    RUN_AXE,
    SCROLLS_SIDEWAYS,
    SMALL_TARGETS,
)
from awareness.tests.tour import answer, start
from quizzes.models import Question, Quiz

pytestmark = pytest.mark.browser

# Speech is stubbed so that the test hears what would be said; the real
# engine speaks nothing a test could check.
RECORD_SPEECH = """
window.spoken = [];
window.speechSynthesis.speak = (utterance) => {
  window.spoken.push({text: utterance.text, lang: utterance.lang});
};
"""


@pytest.fixture
def easy_reader(db):
    """Return the pages to look at, and the session of a reader in easy read."""
    call_command("load_content", verbosity=0)
    client = Client()
    kind = Question.Kind.SCAM_OR_LEGIT
    quiz = (
        Quiz.objects.published()
        .filter(feedback=Quiz.Feedback.IMMEDIATE, questions__kind=kind)
        .first()
    )
    question = start(client, quiz, first_kind=kind)
    answered = start(client, quiz, first_kind=kind)
    answer(client, answered, 1, right=False)
    client.post(reverse("easy_read"), {"easy_read": "on", "next": "/"})
    pages = {
        "case": CaseStudy.objects.get(slug="order-decryption").get_absolute_url(),
        "tip": PrecautionTip.objects.first().get_absolute_url(),
        "question": reverse("quizzes:question", args=[question.public_id, 1]),
        "feedback": reverse("quizzes:question", args=[answered.public_id, 1]),
    }
    return pages, client.cookies["sessionid"].value


@pytest.mark.parametrize(
    ("viewport", "scheme"), [("phone", "light"), ("desktop", "dark")]
)
def test_easy_read_pages_pass_axe_and_make_every_target_48_px(
    live_server, open_context, axe_source, shots, easy_reader, viewport, scheme
):
    pages, session = easy_reader
    context = open_context(viewport, scheme=scheme, session=session)
    context.add_init_script(path=axe_source)
    page = context.new_page()
    violations, small = {}, {}
    for name, url in pages.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.classList.contains('easy-read')")
        found = page.evaluate(RUN_AXE, AXE_TAGS)
        if found:
            violations[name] = found
            shots(page, name)
        small[name] = page.evaluate(SMALL_TARGETS, 48)
        base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert base >= 20, name
    assert not violations, pformat(violations, width=100)
    small = {name: found for name, found in small.items() if found}
    assert not small, pformat(small, width=100)


def test_easy_read_pages_at_200_percent_zoom_never_scroll_sideways(
    live_server, open_context, easy_reader
):
    pages, session = easy_reader
    # 200 % zoom of a 1280 px window: 640 CSS px, two device pixels each.
    context = open_context("desktop", session=session)
    page = context.new_page()
    page.set_viewport_size({"width": 640, "height": 800})
    found = []
    for name, url in pages.items():
        page.goto(url)
        if page.evaluate(SCROLLS_SIDEWAYS):
            found.append(name)
        # The full case, opened, must reflow too.
        if page.locator("details.full-text").count():
            page.locator("details.full-text > summary").click()
            if page.evaluate(SCROLLS_SIDEWAYS):
                found.append(f"{name}, full text")
    assert not found, found


def test_read_aloud_reads_the_visible_question_in_its_language(
    live_server, open_context, easy_reader
):
    pages, session = easy_reader
    context = open_context("phone", session=session)
    context.add_init_script(script=RECORD_SPEECH)
    page = context.new_page()
    page.goto(pages["question"])
    # One button reads the question with its mock-up.
    assert page.locator("button.read-aloud").count() == 1
    question = page.locator("fieldset.question").first
    button = question.locator("xpath=preceding-sibling::button[1]")
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text().strip() == "Stop reading"
    [spoken] = page.evaluate("window.spoken")
    assert spoken["lang"] == "en"
    assert page.locator("legend.question__prompt").inner_text() in spoken["text"]
    said = " ".join(spoken["text"].split())
    screen = page.locator("figure.mock .mock__screen").inner_text().splitlines()
    longest = max(screen, key=len)
    assert " ".join(longest.split()) in said
    # Nothing hidden from view: not the mock-up's caption for screen readers.
    caption = page.locator("figure.mock figcaption").text_content()
    assert caption.strip() not in spoken["text"]
    assert "Training example" not in spoken["text"]
    assert "Answer" not in spoken["text"].split("\n")[-1]
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text().strip() == "Read aloud"


def test_read_aloud_speaks_chinese_summaries_with_a_chinese_voice(
    live_server, open_context, easy_reader
):
    pages, session = easy_reader
    context = open_context("phone", session=session)
    context.add_init_script(script=RECORD_SPEECH)
    page = context.new_page()
    page.goto("/zh-hans" + pages["case"].removeprefix("/en"))
    page.locator(".easy-summary button.read-aloud").click()
    [spoken] = page.evaluate("window.spoken")
    assert spoken["lang"] == "zh-CN"
    assert "韩某某在网店买了茶叶。" in spoken["text"]
    assert page.locator(".easy-summary button.read-aloud").inner_text() == "停止朗读"


def test_with_javascript_off_there_is_no_dead_button_and_the_switch_works(
    live_server, open_context, easy_reader
):
    pages, session = easy_reader
    context = open_context("phone", session=session, javascript=False)
    page = context.new_page()
    page.goto(pages["case"])
    assert page.locator("button.read-aloud").count() == 0
    page.locator(".site-footer .easy-read-switch__button").click()
    page.wait_for_url(f"**{pages['case']}")
    assert not page.evaluate("document.documentElement.className")
    assert page.locator(".easy-summary").count() == 0
