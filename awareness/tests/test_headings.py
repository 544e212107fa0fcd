"""Every page type has an h1, and headings go down one level at a time.

Screen-reader users move through a page by its headings, and Lighthouse
and axe flag a page whose headings skip a level (an h3 straight under the
h1). The tour visits every public page and every learner page, in the
states a learner sees them.
"""

from html.parser import HTMLParser

import pytest

from awareness.models import CaseStudy, Guide, PrecautionTip
from quizzes.models import Quiz

from .tour import build_tour

pytestmark = pytest.mark.django_db


class Headings(HTMLParser):
    """Collect a page's heading levels, in document order."""

    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def skipped_levels(html):
    """Return each place where a heading goes down more than one level."""
    parser = Headings()
    parser.feed(html)
    if not parser.levels:
        return ["no h1"]
    skips, previous = [], 1
    for position, level in enumerate(parser.levels):
        if position == 0 and level != 1:
            skips.append(f"starts at h{level}")
        elif level > previous + 1:
            skips.append(f"h{previous} then h{level}")
        previous = level
    return skips


@pytest.mark.parametrize(
    ("html", "skips"),
    [
        ("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><h3>e</h3>", []),
        ("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>", []),
        ("<h1>a</h1><h3>b</h3>", ["h1 then h3"]),
        ("<h1>a</h1><h2>b</h2><h4>c</h4>", ["h2 then h4"]),
        ("<h2>a</h2>", ["starts at h2"]),
        ("<legend>a</legend>", ["no h1"]),
    ],
)
def test_skipped_levels_are_found(html, skips):
    assert skipped_levels(html) == skips


def test_no_page_skips_a_heading_level():
    tour = build_tour()
    found = {}
    for page in tour.pages:
        response = tour.clients[page.who].get(page.url)
        assert response.status_code == page.status, page
        skips = skipped_levels(response.content.decode())
        if skips:
            found[page.name] = skips
    # Staff write headings into each case, tip and guide: all of them.
    visitor = tour.clients["visitor"]
    for model in (CaseStudy, PrecautionTip, Guide, Quiz):
        for item in model.objects.published():
            skips = skipped_levels(
                visitor.get(item.get_absolute_url()).content.decode()
            )
            if skips:
                found[item.get_absolute_url()] = skips
    assert not found
