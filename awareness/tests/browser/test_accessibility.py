"""WCAG 2.2 AA on every page type: axe-core, then what axe cannot judge."""

from pprint import pformat

import pytest
from django.conf import settings
from django.urls import reverse

from awareness.tests.tour import build_tour

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best practices that Lighthouse counts too: an h1 on every page, headings
# one level at a time, and landmarks a screen reader can tell apart.
AXE_RULES = ["page-has-heading-one", "heading-order", "landmark-unique"]
# Adding a language to settings.LANGUAGES adds its runs here.
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Long results render their far sections lazily (content-visibility: auto),
# as placeholders until they scroll into view. axe finds a text's background
# by what lies under it, so it must see the page laid out in full, as every
# part is when a visitor looks at it. Called with a list of tags, or with
# {tags, rules} to run some rules besides.
RUN_AXE = """async (wanted) => {
  const {tags, rules = []} = Array.isArray(wanted) ? {tags: wanted} : wanted;
  for (const element of document.querySelectorAll("*")) {
    if (getComputedStyle(element).contentVisibility === "auto") {
      element.style.contentVisibility = "visible";
    }
  }
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: Object.fromEntries(rules.map((rule) => [rule, {enabled: true}])),
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    where: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
  }));
}"""

# Touch targets smaller than 44 px square, except those inside a sentence,
# which WCAG exempts (2.5.5 and 2.5.8: "inline").
SMALL_TARGETS = """(minimum) => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.bottom > 0 &&
      getComputedStyle(el).visibility !== "hidden";
  };
  const inSentence = (el) => {
    if (!getComputedStyle(el).display.startsWith("inline")) return false;
    let block = el.parentElement;
    while (getComputedStyle(block).display.startsWith("inline")) {
      block = block.parentElement;
    }
    return block.textContent.trim().length > el.textContent.trim().length;
  };
  // A card's link stretches an absolutely placed ::after over the card.
  const area = (el) => {
    const after = getComputedStyle(el, "::after");
    const stretched = after.content !== "none" && after.position === "absolute";
    return (stretched && el.offsetParent ? el.offsetParent : el)
      .getBoundingClientRect();
  };
  const targets = new Set();
  for (const el of document.querySelectorAll(
    "a[href], button, select, textarea, summary, input:not([type=hidden])"
  )) {
    const choice = el.type === "radio" || el.type === "checkbox";
    targets.add(choice ? (el.closest("label") || el) : el);
  }
  return [...targets]
    .filter((el) => visible(el) && !inSentence(el))
    .filter((el) => {
      const box = area(el);
      return box.width < minimum || box.height < minimum;
    })
    .map((el) => {
      const box = area(el);
      const name = (el.textContent || el.value || el.name || "").trim();
      return `${el.tagName.toLowerCase()} "${name.slice(0, 40)}" ` +
        `${Math.round(box.width)}x${Math.round(box.height)}`;
    });
}"""

# Everything that takes the focus, focused in turn after a real key press
# (so that :focus-visible applies as it does for keyboard users), must show
# a ring of at least 2 px: on itself, its label or its card.
HIDDEN_FOCUS = """() => {
  const selector = "a[href], button:not([disabled]), input:not([type=hidden])," +
    " select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const shown = (el) => {
    for (let node = el, depth = 0; node && depth < 4; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
        return true;
      }
      depth += 1;
    }
    return false;
  };
  const hidden = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") {
      continue;
    }
    el.focus();
    if (document.activeElement === el && !shown(el)) {
      hidden.push(el.outerHTML.slice(0, 100));
    }
  }
  return hidden;
}"""

SCROLLS_SIDEWAYS = """() =>
  document.documentElement.scrollWidth > document.documentElement.clientWidth
"""


def visit_tour(open_context, tour, viewport, *, inject=None, prepare=None, **options):
    """Yield (tour page, browser page) for every page of the tour."""
    pages = {}
    for who in tour.clients:
        context = open_context(viewport, session=tour.session_cookie(who), **options)
        if inject:
            # Injected into every page as it loads: far quicker than adding
            # it to each page afterwards.
            context.add_init_script(path=inject)
        pages[who] = context.new_page()
        if prepare:
            prepare(pages[who])
    for item in tour.pages:
        page = pages[item.who]
        response = page.goto(item.url)
        assert response.status == item.status, item
        yield item, page


# Colours follow only the scheme and layout only the width, so these two
# runs check both schemes and both layouts in half the time of all four.
LOOKS = [("phone", "light"), ("desktop", "dark")]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("viewport", "scheme"), LOOKS)
def test_axe_finds_no_wcag_violation_on_any_page(
    live_server, open_context, axe_source, shots, viewport, scheme, language
):
    tour = build_tour(language)
    found = {}
    for item, page in visit_tour(
        open_context,
        tour,
        viewport,
        scheme=scheme,
        language=language,
        inject=axe_source,
    ):
        violations = page.evaluate(RUN_AXE, {"tags": AXE_TAGS, "rules": AXE_RULES})
        if violations:
            found[item.name] = violations
            shots(page, item.name)
    assert not found, pformat(found, width=100)


def test_every_control_is_a_44_px_target_and_shows_its_focus(live_server, open_context):
    tour = build_tour()
    small, unfocused = {}, {}
    for item, page in visit_tour(open_context, tour, "phone"):
        small[item.name] = page.evaluate(SMALL_TARGETS, 44)
        page.keyboard.press("Tab")
        unfocused[item.name] = page.evaluate(HIDDEN_FOCUS)
    small = {name: found for name, found in small.items() if found}
    unfocused = {name: found for name, found in unfocused.items() if found}
    assert not small, pformat(small, width=100)
    assert not unfocused, pformat(unfocused, width=100)


def test_pages_reflow_at_320_px_without_sideways_scrolling(live_server, open_context):
    tour = build_tour()
    found = []
    for item, page in visit_tour(open_context, tour, "narrow"):
        if page.evaluate(SCROLLS_SIDEWAYS):
            found.append(item.name)
    assert not found, found


def double_the_text_size(page):
    # The browser's own text-size setting, as a reader would change it:
    # rem, em and media queries all follow it.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})


def test_text_resizes_to_200_percent_without_loss(live_server, open_context, shots):
    tour = build_tour()
    found = []
    for item, page in visit_tour(
        open_context, tour, "desktop", prepare=double_the_text_size
    ):
        if page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 32:
            pytest.fail("The text did not grow.")
        if page.evaluate(SCROLLS_SIDEWAYS):
            found.append(item.name)
            shots(page, item.name)
    assert not found, found


# Forms as a learner sees them after a mistake: errors tied to their fields.
FORMS_WITH_ERRORS = [
    ("sign up", "accounts:signup", {"#id_password1": "1234", "#id_password2": "5678"}),
    ("sign in", "accounts:login", {"#id_username": "nobody", "#id_password": "wrong"}),
    ("password reset", "accounts:password_reset", {"#id_email": "not an address"}),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violation_on_forms_with_errors(
    live_server, open_context, axe_source, shots, scheme
):
    context = open_context("phone", scheme=scheme)
    context.add_init_script(path=axe_source)
    page = context.new_page()
    found = {}
    for name, url_name, values in FORMS_WITH_ERRORS:
        page.goto(reverse(url_name))
        for selector, value in values.items():
            page.fill(selector, value)
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        assert page.locator(".field__error, .form-error").count(), name
        violations = page.evaluate(RUN_AXE, {"tags": AXE_TAGS, "rules": AXE_RULES})
        if violations:
            found[name] = violations
            shots(page, name)
    assert not found, pformat(found, width=100)
