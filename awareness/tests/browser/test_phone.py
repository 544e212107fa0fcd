"""The quiz on a phone (390 × 844): every page kind fits its first screen.

On each kind of quiz page (a question with a mock, scam or legit, red
flags, the feedback, the result) the header takes at most 120 px, the
Answer or Next button is in sight without scrolling and stays there while
the question scrolls, the focus starts at the question and moves to the
feedback, and the sticky bar never covers the last of what it follows.
"""

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from quizzes.models import Question, Quiz
from quizzes.tests.mock_examples import attempt_on

from .test_journeys import open_menu

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
HEADER_MAX = 120

BOX = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, height: box.height};
}"""

# What comes last before the action bar, and the bar itself, once the page
# is scrolled as far as it goes.
LAST_BEFORE_BAR = """() => {
  window.scrollTo(0, document.documentElement.scrollHeight);
  const bar = document.querySelector(".action-bar");
  let last = bar.previousElementSibling;
  while (last && last.getBoundingClientRect().height === 0) {
    last = last.previousElementSibling;
  }
  const parent = bar.parentElement.getBoundingClientRect();
  const before = last ? last.getBoundingClientRect().bottom : parent.top;
  return {before, bar: bar.getBoundingClientRect().top};
}"""


def question_of(quiz, kind, *, mock):
    questions = Question.objects.published().filter(quiz=quiz, kind=kind)
    questions = questions.exclude(channel="") if mock else questions.filter(channel="")
    return questions.first()


@pytest.fixture
def pages(live_server):
    """Return {kind: (session, question url)}: that kind first, one after."""
    call_command("load_content", verbosity=0)
    quiz = Quiz.objects.published().get(slug="suspicious-calls")
    kinds = {
        "mock": question_of(quiz, Question.Kind.SINGLE, mock=True),
        "scam_or_legit": question_of(quiz, Question.Kind.SCAM_OR_LEGIT, mock=True),
        "red_flags": question_of(quiz, Question.Kind.RED_FLAGS, mock=True),
        "plain": question_of(quiz, Question.Kind.SINGLE, mock=False),
    }
    assert all(kinds.values()), kinds
    made = {}
    for name, question in kinds.items():
        client = Client()
        other = kinds["plain" if name != "plain" else "mock"]
        attempt = attempt_on(client, question, other, key=f"phone-{name}")
        made[name] = (
            client.cookies["sessionid"].value,
            f"/en/attempts/{attempt.public_id}/1/",
        )
    return made


def open_phone(open_context, session=None, url="/en/", **options):
    context = open_context("phone", session=session, **options)
    page = context.new_page()
    assert page.goto(url).status == 200
    return page


def assert_header_fits(page):
    assert page.evaluate(BOX, ".site-header")["height"] <= HEADER_MAX


def assert_in_sight(page, selector, *, at_top=True):
    """The element is on screen as the page opened, before any scrolling."""
    if at_top:
        assert page.evaluate("window.scrollY") == 0
    box = page.evaluate(BOX, selector)
    assert box["top"] >= 0 and box["bottom"] <= HEIGHT, (selector, box)


def assert_bar_stays_in_sight(page):
    """Scrolled through what the bar follows, the bar stays on screen."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 300):
        page.evaluate("(y) => window.scrollTo(0, y)", y)
        body = page.evaluate(BOX, "#quiz-body")
        if body["bottom"] < HEIGHT:
            break
        box = page.evaluate(BOX, ".action-bar")
        assert box["top"] >= 0 and box["bottom"] <= HEIGHT + 0.5, (y, box)
    covered = page.evaluate(LAST_BEFORE_BAR)
    assert covered["before"] <= covered["bar"] + 0.5, covered


def answer_somehow(page):
    if page.locator("label.segment").count():
        page.locator("label.segment").first.click()
    else:
        page.locator(".option").first.click()
    # By keyboard, so that the focus ring the feedback shows is the one a
    # keyboard user sees.
    page.locator(".question__submit").focus()
    page.keyboard.press("Enter")
    page.locator("#feedback").wait_for()


@pytest.mark.parametrize("kind", ["mock", "scam_or_legit", "red_flags", "plain"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_question_and_its_feedback_fit_a_phone(
    pages, open_context, shots, kind, javascript
):
    session, url = pages[kind]
    page = open_phone(open_context, session, url, javascript=javascript)
    assert_header_fits(page)
    expect(page.locator("#question-prompt")).to_be_focused()
    assert_in_sight(page, "#question-prompt")
    assert_in_sight(page, ".question__submit")
    shots(page, f"{kind} question")
    assert_bar_stays_in_sight(page)
    page.evaluate("window.scrollTo(0, 0)")

    answer_somehow(page)
    expect(page.locator("#feedback")).to_be_focused()
    assert_header_fits(page)
    next_link = page.get_by_role("link", name="Next question")
    expect(next_link).to_be_in_viewport()
    # Opened at the feedback (the page scrolls there without JavaScript),
    # with its verdict in sight: right or not is the first thing read.
    assert_in_sight(page, ".quiz__next", at_top=False)
    # The site scrolls smoothly: wait for the scroll to come to rest.
    page.wait_for_function(
        """() => {
          const box = document.querySelector("#feedback [data-announce]")
            .getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }""",
        timeout=3000,
    )
    # A calm ring: the brand's colour, never the colour of an error.
    ring = (
        page.evaluate(
            """() => {
          const style = getComputedStyle(document.activeElement);
          const probe = document.createElement("span");
          document.body.append(probe);
          const colour = (name) => {
            probe.style.color = `var(${name})`;
            return getComputedStyle(probe).color;
          };
          const found = {
            outline: style.outlineColor, width: style.outlineWidth,
            brand: colour("--color-brand"), danger: colour("--color-danger"),
            focus: colour("--color-focus"),
          };
          probe.remove();
          return found;
        }"""
        )
        if javascript
        else None
    )
    if ring:
        assert ring["outline"] == ring["brand"], ring
        assert ring["outline"] not in (ring["danger"], ring["focus"])
    shots(page, f"{kind} feedback")
    assert_bar_stays_in_sight(page)


def test_an_empty_answer_without_javascript_stays_at_the_question(pages, open_context):
    session, url = pages["mock"]
    page = open_phone(open_context, session, url, javascript=False)
    page.locator(".question__submit").click()
    page.wait_for_load_state()
    assert page.url.endswith(url)
    expect(page.locator(".form-error")).to_have_text(
        "Choose an answer before you continue."
    )
    expect(page.locator("input[name=choice]").first).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_header_folds_into_a_menu_that_works_without_javascript(
    live_server, open_context, javascript
):
    call_command("load_content", verbosity=0)
    page = open_phone(open_context, javascript=javascript)
    assert_header_fits(page)
    cases = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cases"
    )
    expect(cases).to_be_hidden()
    open_menu(page)
    expect(cases).to_be_visible()
    for link in page.locator(".site-menu__panel a, .site-menu__toggle").all():
        box = link.bounding_box()
        assert box["height"] >= 44, link.text_content()
    with page.expect_navigation():
        cases.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case studies")


def test_on_a_wide_screen_the_whole_navigation_shows(live_server, open_context):
    call_command("load_content", verbosity=0)
    page = open_context("desktop").new_page()
    page.goto("/en/")
    expect(page.locator(".site-menu__toggle")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="If it leaked")).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_be_visible()
    assert page.evaluate(BOX, ".site-header")["height"] <= 120


@pytest.fixture
def long_result(live_server):
    """Return (session, url) of a finished attempt with every answer wrong."""
    call_command("load_content", verbosity=0)
    from awareness.tests.tour import start, take

    quiz = Quiz.objects.published().get(slug="suspicious-calls")
    client = Client()
    attempt = start(client, quiz)
    take(client, attempt, right=lambda position: False)
    return client.cookies["sessionid"].value, attempt.get_absolute_url()


def test_a_long_result_folds_its_answers_and_ends_with_what_next(
    long_result, open_context, shots
):
    session, url = long_result
    page = open_phone(open_context, session, url)
    assert_header_fits(page)
    answers = page.locator("details.all-answers")
    expect(answers).not_to_have_attribute("open", "")
    expect(page.locator(".answers__item").first).to_be_hidden()
    steps = page.get_by_role("region", name="What next")
    expect(steps.get_by_role("link").first).to_be_visible()
    expect(steps).to_contain_text("Next quiz")
    shots(page, "result")
    page.get_by_text("Show all").click()
    expect(page.locator(".answers__item").first).to_be_visible()
