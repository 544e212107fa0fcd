"""Journeys through the site in Chromium, at phone and desktop sizes.

Each journey saves screenshots of its steps under var/artifacts/browser/.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from awareness.models import CaseStudy
from awareness.tests.tour import answer, start
from quizzes.models import Attempt, Question, Quiz, ReviewItem
from quizzes.tests.factories import bulk_attempts, make_question, make_quiz

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone", "desktop"]
PASSWORD = "a-long-journey-password"
VERDICT = re.compile(r"Right\.|Partly right\.|Not quite\.")

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el) return "nothing has the focus";
  // The ring may be drawn by the element, its label or its card.
  for (let node = el, depth = 0; node && depth < 4; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
      return null;
    }
    depth += 1;
  }
  return `no visible focus on ${el.outerHTML.slice(0, 120)}`;
}"""


def tab_to(page, target, *, limit=120):
    """Press Tab until the target has the focus; every stop must show it."""
    has_focus = "el => el === document.activeElement"
    for _ in range(limit):
        if target.evaluate(has_focus):
            return
        page.keyboard.press("Tab")
        # Past the last stop, the focus leaves the page before it wraps.
        if page.evaluate("document.activeElement === document.body"):
            continue
        problem = page.evaluate(FOCUS_SHOWN)
        assert problem is None, problem
    pytest.fail(f"Tab never reached {target}.")


def follow(page):
    """Press Enter on the focused link or button, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def skip_to_content(page):
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")


def open_menu(page):
    """Open the header's menu by keyboard where it is folded (on a phone)."""
    toggle = page.locator(".site-menu__toggle")
    if toggle.is_visible():
        tab_to(page, toggle)
        page.keyboard.press("Enter")
        expect(page.locator(".site-menu")).to_have_attribute("open", "")


def expect_question_focused(page):
    """A question page opens with the focus on the question itself."""
    expect(page.locator("#question-prompt")).to_be_focused()


def choose_by_keyboard(page, wanted):
    """Tick the options whose values are wanted, with the keyboard alone.

    Nothing wanted, on a red-flag message, is the answer "nothing here
    looks suspicious".
    """
    if not wanted:
        nothing = page.locator("input[name=nothing]")
        tab_to(page, nothing)
        page.keyboard.press("Space")
        expect(nothing).to_be_checked()
        return
    inputs = page.locator("input[name=choice]")
    values = inputs.evaluate_all("els => els.map(e => e.value)")
    kind = inputs.first.get_attribute("type")
    tab_to(page, inputs.first)
    if kind == "radio":
        # Arrow keys move through a radio group and tick as they go.
        index = values.index(wanted[0])
        if index == 0:
            page.keyboard.press("Space")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
    else:
        for position, value in enumerate(values):
            if value in wanted:
                page.keyboard.press("Space")
            if position < len(values) - 1:
                page.keyboard.press("Tab")
    ticked = inputs.evaluate_all("els => els.filter(e => e.checked).map(e => e.value)")
    assert sorted(ticked) == sorted(wanted)


def keys_for(attempt, position, *, right):
    question = attempt.answers.get(position=position).question
    keys = [c.key for c in question.choices.all() if c.is_correct == right]
    return keys if question.allows_many else keys[:1]


def a_case_and_its_quiz():
    """Return a case study and the shortest immediate-feedback quiz on it."""
    pairs = [
        (case_study, quiz)
        for case_study in CaseStudy.objects.published()
        for quiz in Quiz.objects.published()
        .teaching(case_study)
        .filter(feedback=Quiz.Feedback.IMMEDIATE)
    ]
    return min(pairs, key=lambda pair: pair[1].draw or pair[1].questions.count())


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_new_visitor_reads_a_case_takes_a_quiz_by_keyboard_and_keeps_progress(
    live_server, open_context, shots, viewport
):
    call_command("load_content", verbosity=0)
    case_study, quiz = a_case_and_its_quiz()
    page = open_context(viewport).new_page()

    page.goto(reverse("home"))
    shots(page, "home")
    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name=case_study.title))
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(case_study.title)
    shots(page, "case study")

    tab_to(page, page.get_by_role("link", name=f"Quiz: {quiz.title}"))
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    shots(page, "quiz")
    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    follow(page)
    expect(page.get_by_text(re.compile(r"Question 1 of \d+"))).to_be_visible()
    attempt = Attempt.objects.get()
    total = attempt.answers.count()
    # Sending no choice is an error only where one answer is expected.
    empty_at = attempt.answers.exclude(
        question__kind__in=[Question.Kind.MULTIPLE, Question.Kind.RED_FLAGS]
    )[0].position

    for position in range(1, total + 1):
        status = page.locator("#quiz-status")
        # The live region is in the page, silent, before the answer.
        expect(status).to_have_attribute("role", "status")
        expect(status).to_have_text("")
        expect_question_focused(page)
        if position == empty_at:
            tab_to(page, page.get_by_role("button", name="Answer"))
            page.keyboard.press("Enter")
            expect(status).to_have_text("Choose an answer before you continue.")
            expect(page.locator("input[name=choice]").first).to_be_focused()
            shots(page, "question answered with nothing chosen")
        right = position != 2
        choose_by_keyboard(page, keys_for(attempt, position, right=right))
        if position <= 2:
            shots(page, f"question {position}")
        tab_to(page, page.get_by_role("button", name="Answer"))
        page.keyboard.press("Enter")

        expect(page.locator("#feedback")).to_be_focused()
        expect(status).to_have_text(VERDICT)
        expect(page).to_have_title(VERDICT)
        if right:
            expect(status).to_contain_text("Right.")
        else:
            expect(status).not_to_contain_text("Right.")
            # Words say which answer was whose, not colour alone.
            feedback = page.locator("#feedback")
            expect(feedback.get_by_text("Your answer").first).to_be_visible()
            expect(
                feedback.get_by_text(re.compile("Right answer|Red flag")).first
            ).to_be_visible()
        if position <= 2:
            shots(page, f"feedback {position}")
        if position < total:
            tab_to(page, page.get_by_role("link", name="Next question"))
            follow(page)
            expect(
                page.get_by_text(f"Question {position + 1} of {total}")
            ).to_be_visible()

    tab_to(page, page.get_by_role("button", name="See your result"))
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    attempt.refresh_from_db()
    score = f"{floatformat(attempt.score, 0)}%"
    expect(page.locator(".score__value")).to_have_text(score)
    shots(page, "result")

    open_menu(page)
    tab_to(page, page.get_by_role("link", name="My progress"))
    follow(page)
    tab_to(page, page.get_by_role("link", name="create an account"))
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    for label, text in (
        ("Username", "keyboard-learner"),
        ("Password", PASSWORD),
        ("Password confirmation", "not the same password"),
    ):
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(text)
    tab_to(page, page.get_by_role("button", name="Create my account"))
    follow(page)
    expect(page).to_have_title(re.compile("^Error:"))
    confirmation = page.get_by_label("Password confirmation", exact=True)
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    expect(confirmation).to_have_accessible_description(
        re.compile("password fields didn’t match")
    )
    shots(page, "sign up with an error")
    for label in ("Password", "Password confirmation"):
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_role("button", name="Create my account"))
    follow(page)

    # Progress made before signing in joins the account only when asked to.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Progress from before you signed in"
    )
    shots(page, "asked about earlier progress")
    tab_to(page, page.get_by_role("button", name="Keep them in my account"))
    follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    expect(page.get_by_text("now saved to your account")).to_be_visible()
    # The quiz's row (a topic of the same name has a row of its own).
    row = page.get_by_role("row").filter(has_text=quiz.title).filter(has_text=score)
    expect(row.first).to_be_visible()
    shots(page, "progress kept")
    assert Attempt.objects.get().user.username == "keyboard-learner"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_quiz_works_with_javascript_off(live_server, open_context, shots, viewport):
    call_command("load_content", verbosity=0)
    quiz = Quiz.objects.published().filter(feedback=Quiz.Feedback.IMMEDIATE).first()
    page = open_context(viewport, javascript=False).new_page()

    page.goto(quiz.get_absolute_url())
    skip_to_content(page)
    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    follow(page)
    attempt = Attempt.objects.get()
    total = attempt.answers.count()

    # Sending no choice is an error only where one answer is expected.
    first = attempt.answers.get(position=1)
    if first.question.allows_many:
        single = attempt.answers.exclude(pk=first.pk).exclude(
            question__kind__in=[Question.Kind.MULTIPLE, Question.Kind.RED_FLAGS]
        )[0]
        attempt.answers.filter(pk=single.pk).update(position=0)
        attempt.answers.filter(pk=first.pk).update(position=single.position)
        attempt.answers.filter(pk=single.pk).update(position=1)
        page.reload()
    expect_question_focused(page)
    question_url = page.url
    tab_to(page, page.get_by_role("button", name="Answer"))
    follow(page)
    # No choice: the question's own page comes back (Post/Redirect/Get),
    # with the error tied to the question.
    assert page.url == question_url
    expect(page).to_have_title(re.compile("^Error:"))
    first = page.locator("input[name=choice]").first
    expect(first).to_be_focused()
    expect(page.locator("fieldset.question")).to_have_accessible_description(
        "⚠ Choose an answer before you continue."
    )
    shots(page, "answered with nothing chosen")

    for position in range(1, total + 1):
        if position > 1:
            expect_question_focused(page)
        choose_by_keyboard(page, keys_for(attempt, position, right=position % 2 == 1))
        tab_to(page, page.get_by_role("button", name="Answer"))
        follow(page)
        # A full page load: it opens at the feedback, which has the focus,
        # and the title a screen reader reads first starts with the verdict.
        assert page.url.endswith("#feedback")
        expect(page.locator("#feedback")).to_be_focused()
        expect(page).to_have_title(
            re.compile(r"^(Right\.|Partly right\.|Not quite\.) ")
        )
        if position <= 2:
            shots(page, f"feedback {position}")
        name = "Next question" if position < total else "See your result"
        target = page.get_by_role("link" if position < total else "button", name=name)
        tab_to(page, target)
        follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    attempt.refresh_from_db()
    assert attempt.is_finished
    expect(page.locator(".score__value")).to_have_text(
        f"{floatformat(attempt.score, 0)}%"
    )
    shots(page, "result")


@pytest.fixture
def learner_with_mistakes(live_server, django_user_model):
    """An account that got a quiz all wrong some days ago."""
    call_command("load_content", verbosity=0)
    user = django_user_model.objects.create_user("reviewer", password=PASSWORD)
    client = Client()
    client.force_login(user)
    quiz = Quiz.objects.published().filter(feedback=Quiz.Feedback.IMMEDIATE).first()
    attempt = start(client, quiz)
    for position in range(1, attempt.answers.count() + 1):
        answer(client, attempt, position, right=False)
    client.post(reverse("quizzes:attempt_finish", args=[attempt.public_id]))
    ReviewItem.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))
    return user


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_learner_signs_in_and_reviews_mistakes(
    learner_with_mistakes, open_context, shots, viewport
):
    due = ReviewItem.objects.count()
    page = open_context(viewport).new_page()
    page.goto(reverse("home"))
    open_menu(page)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    shots(page, "sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text(f"{due} questions are due for review.")).to_be_visible()
    shots(page, "review queue")
    start_label = (
        f"Review the {due} questions now"
        if due <= 10
        else f"Review 10 of the {due} now"
    )
    page.get_by_role("button", name=start_label).click()

    review = Attempt.objects.latest("started_at")
    total = review.answers.count()
    assert review.is_review and total == min(due, 10)
    for position in range(1, total + 1):
        expect(page.get_by_text(f"Question {position} of {total}")).to_be_visible()
        keys = keys_for(review, position, right=True)
        for key in keys:
            page.locator(f"input[value='{key}']").check()
        if not keys:
            page.locator("input[name=nothing]").check()
        page.get_by_role("button", name="Answer").click()
        expect(page.locator("#quiz-status")).to_contain_text("Right.")
        if position == 1:
            shots(page, "review feedback")
        if position < total:
            page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="See your result").click()
    expect(page.locator(".score__value")).to_have_text("100%")
    shots(page, "review result")
    page.get_by_role("link", name="Back to my review queue").click()
    remaining = due - total
    if remaining:
        expect(page.get_by_text(f"{remaining} question")).to_be_visible()
    else:
        expect(page.get_by_text("Nothing is due yet")).to_be_visible()
    shots(page, "review queue afterwards")
    # Each reviewed family's card now names the variant just answered and
    # is no longer due.
    reviewed = set(review.answers.values_list("question", flat=True))
    cards = ReviewItem.objects.filter(question__in=reviewed)
    assert set(cards.values_list("question", flat=True)) == reviewed
    assert not cards.filter(due_at__lte=timezone.now()).exists()


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def staff_member(live_server):
    user = get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="quizzes",
            codename__in=[
                "view_question",
                "change_question",
                "view_quiz",
                "view_quiz_statistics",
            ],
        )
    )
    return user


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_edits_previews_and_reads_the_statistics(
    staff_member, open_context, shots, viewport
):
    quiz = make_quiz(title="Spot the fake parcel", slug="fake-parcel")
    question = make_question(quiz, prompt="Which message is the scam?")
    make_question(quiz, prompt="What do you do next?")
    bulk_attempts(quiz, 12)
    page = open_context(viewport).new_page()

    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Questions").first.click()
    page.get_by_role("link", name="Which message is the scam?").click()
    # Each language of the prompt has its own box, side by side.
    page.locator("#id_prompt_en").fill("A courier texts you a link to pay a fee. Scam?")
    page.locator("#id_prompt_zh_hans").fill("快递员发短信让您点链接付费。是诈骗吗？")
    shots(page, "editing a question in two languages")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    question.refresh_from_db()
    assert question.prompt_en.startswith("A courier texts you")
    assert question.prompt_zh_hant == "快遞員發簡訊讓您點連結付費。是詐騙嗎？"

    page.get_by_role("link", name="Preview").click()
    expect(page.locator("legend")).to_have_text(
        "A courier texts you a link to pay a fee. Scam?"
    )
    shots(page, "the question previewed as learners see it")
    assert not Attempt.objects.filter(user=staff_member).exists()

    page.goto(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    page.get_by_role("link", name="Statistics").click()
    expect(page.locator("h1")).to_contain_text("Statistics")
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.locator("#table-questions")).to_be_visible()
    shots(page, "the quiz statistics")

    page.goto(url_in("zh-hans", "quizzes:quiz_detail", quiz.slug))
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("legend")).to_have_text(
        "快递员发短信让您点链接付费。是诈骗吗？"
    )
    shots(page, "the edited question on the Chinese site")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reader_switches_language_and_stays_on_the_page(
    live_server, open_context, shots, viewport, javascript
):
    call_command("load_content", verbosity=0)
    page = open_context(viewport, javascript=javascript, language="zh-CN").new_page()

    # A browser set to Chinese lands on the Simplified Chinese site.
    page.goto("/")
    assert page.url.endswith("/zh-hans/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("谁在贩卖你的个人信息？")

    page.goto(url_in("zh-hans", "case_study_detail", "order-decryption"))
    shots(page, "a case in Simplified Chinese")
    open_menu(page)
    switcher = page.get_by_role("navigation", name="语言")
    expect(switcher.locator("[aria-current=true]")).to_have_text("简体中文")
    tab_to(page, switcher.get_by_role("link", name="繁體中文（台灣）"))
    follow(page)
    assert page.url.endswith(url_in("zh-hant", "case_study_detail", "order-decryption"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_contain_text("訂單解密")
    shots(page, "the same case in Traditional Chinese")

    open_menu(page)
    tab_to(page, page.get_by_role("link", name="English"))
    follow(page)
    assert page.url.endswith(url_in("en", "case_study_detail", "order-decryption"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("order decryption")
    shots(page, "the same case in English")
