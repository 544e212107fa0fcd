import re

import pytest

from awareness.rendering import render_markdown
from awareness.templatetags.awareness_tags import highlight


def test_markdown_keeps_structure():
    html = render_markdown(
        "### Steps\n\n1. Call **110**\n2. Keep [evidence](https://example.org)"
    )
    assert "<h3>Steps</h3>" in html
    assert '<strong><a href="tel:110">110</a></strong>' in html
    assert (
        '<a href="https://example.org" rel="noopener noreferrer">evidence</a>' in html
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"></svg>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_markdown_cannot_inject_scripts_styles_or_handlers(text):
    html = render_markdown(text).lower()
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "style",
        "<iframe",
        "data:text",
    ):
        assert forbidden not in html


def test_highlight_marks_terms_and_escapes_the_rest():
    html = highlight("Keep <courier> slips safe; Courier data leaks.", ["courier"])
    assert "&lt;<mark>courier</mark>&gt;" in html
    assert "<mark>Courier</mark> data" in html


def test_highlight_centres_the_excerpt_on_the_first_match():
    text = "word " * 200 + "needle in the haystack " + "word " * 200
    html = highlight(text, ["needle"], 120)
    assert html.startswith("… ")
    assert "<mark>needle</mark>" in html
    assert len(html) < 200


def test_highlight_strips_markdown_syntax():
    assert highlight("### Steps\n\n**Call** [110](https://example.org)", []) == (
        "Steps Call 110"
    )


def test_highlight_cuts_excerpts_between_words():
    text = " ".join(["information"] * 100)
    html = highlight(text, ["information"], 100)
    assert html.endswith("</mark> …")


@pytest.mark.parametrize(
    "text, links",
    [
        ("Call 110 now.", ["110"]),
        ("拨打96110咨询，或登录 12321 举报。", ["96110", "12321"]),
        ("Reports to 12381 and 18222.", ["12381", "18222"]),
        # Counts, amounts, dates and numbers inside others stay text.
        ("2,110 yuan; 1100 cases; 110% sure; 0110; 2021-11-08", []),
        ("[110](tel:110) is linked once.", ["110"]),
        ("`110`", []),
    ],
)
def test_hotline_numbers_become_tel_links(text, links):
    html = render_markdown(text)
    assert re.findall(r'href="tel:(\d+)"', html) == links
