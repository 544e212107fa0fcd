"""What the browser draws, where the HTML alone cannot tell."""

import pytest
from django.core.management import call_command

from awareness.tests.browser.test_accessibility import visit_tour
from awareness.tests.tour import build_tour

pytestmark = pytest.mark.browser

# The words of each result title as a reader sees them, laid out.
TITLES = """() => [...document.querySelectorAll(".results__title a")].map(
  (link) => [link.innerText.replace(/\\s+/g, " ").trim(), link.textContent.trim()]
)"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_highlighted_search_titles_keep_their_spaces(
    live_server, open_context, viewport
):
    call_command("load_content", verbosity=0)
    page = open_context(viewport).new_page()
    page.goto("/en/search/?q=courier+slip")
    titles = page.evaluate(TITLES)
    assert titles and page.locator(".results__title mark").count()
    for seen, text in titles:
        assert seen == " ".join(text.split())
    keep = [seen for seen, _text in titles if seen.startswith("Keep")]
    assert keep == ["Keep courier slips and receipts safe"]


# The ring each field shows once focused, beside the colours of a link and
# of an error message on the same page.
FIELD_RINGS = """() => {
  const colour = (selector) => getComputedStyle(document.querySelector(selector)).color;
  const rings = [];
  for (const input of document.querySelectorAll(".field input")) {
    input.focus();
    const style = getComputedStyle(input);
    rings.push([input.name, style.outlineStyle, parseFloat(style.outlineWidth),
      style.outlineColor]);
  }
  return {rings, link: colour("main a"), error: colour(".field__error")};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_form_fields_focus_with_a_calm_ring_not_the_error_colour(
    live_server, open_context, scheme
):
    page = open_context("phone", scheme=scheme).new_page()
    page.goto("/en/accounts/signup/")
    page.fill("#id_username", "learner")
    page.fill("#id_password1", "1234")
    page.fill("#id_password2", "1234")
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".field__error")
    found = page.evaluate(FIELD_RINGS)
    assert {name for name, *_ring in found["rings"]} >= {"username", "password1"}
    for name, style, width, colour in found["rings"]:
        assert style == "solid" and width >= 2, name
        assert colour == found["link"] != found["error"], name


# The "Training example" label: its lines, and whether it fits its mock-up.
WATERMARK = """() => {
  const label = document.querySelector(".mock__watermark");
  if (!label) return null;
  const style = getComputedStyle(label);
  const box = label.getBoundingClientRect();
  const mock = label.closest(".mock").getBoundingClientRect();
  return {
    lines: Math.round(box.height / parseFloat(style.lineHeight)),
    inside: box.left >= mock.left && box.right <= mock.right,
  };
}"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_training_example_label_stays_on_one_line(
    live_server, open_context, language
):
    # At 320 px, the narrowest a page must reflow to; wider phones follow.
    viewport = "narrow"
    tour = build_tour(language)
    seen = {}
    for item, page in visit_tour(open_context, tour, viewport, language=language):
        label = page.evaluate(WATERMARK)
        if label:
            seen[item.name] = label
    assert len(seen) >= 5, seen
    assert all(label == {"lines": 1, "inside": True} for label in seen.values()), seen
