import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from awareness import illustrations
from awareness.models import CaseStudy

from .factories import make_case_study

pytestmark = pytest.mark.django_db

DRAWINGS = Path(settings.BASE_DIR) / "templates" / "awareness" / "illustrations"


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


class SvgCollector(HTMLParser):
    """Collect each <svg> element: its attributes, <title> and markup."""

    def __init__(self):
        super().__init__()
        self.svgs, self._depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            if not self._depth:
                self.svgs.append({"attrs": dict(attrs), "title": None, "tags": []})
            self._depth += 1
        elif self._depth:
            self.svgs[-1]["tags"].append((tag, dict(attrs)))
        self._in_title = self._depth and tag == "title"

    def handle_endtag(self, tag):
        if tag == "svg":
            self._depth -= 1
        self._in_title = False

    def handle_data(self, data):
        if self._depth and getattr(self, "_in_title", False):
            self.svgs[-1]["title"] = (self.svgs[-1]["title"] or "") + data


def _svgs(response):
    collector = SvgCollector()
    collector.feed(response.content.decode())
    return collector.svgs


def _pages():
    """Return the paths of the pages with pictures, in English."""
    with translation.override("en"):
        paths = ["/en/", "/en/chain/"]
        for case_study in CaseStudy.objects.all():
            paths += [case_study.get_absolute_url(), case_study.get_absolute_url()]
            paths[-1] += "leaflet/"
    return paths


def test_every_case_in_the_content_is_drawn(content):
    for case_study in CaseStudy.objects.all():
        template = illustrations.for_case(case_study)
        assert template, case_study.slug
        assert (DRAWINGS / Path(template).name).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_picture_has_an_accessible_name_or_is_hidden(client, content, language):
    pictures = 0
    for path in _pages():
        response = client.get(f"/{language}{path.removeprefix('/en')}")
        assert response.status_code == 200, path
        for svg in _svgs(response):
            attrs = svg["attrs"]
            if attrs.get("aria-hidden") == "true":
                continue
            pictures += 1
            assert attrs.get("role") == "img", (path, attrs)
            assert attrs.get("aria-label", "").strip(), (path, attrs)
            assert (svg["title"] or "").strip() == attrs["aria-label"], path
    # A scene per case page, a QR code per leaflet.
    assert pictures >= 6


def test_case_page_shows_its_scene_and_a_strip_of_four_to_six_steps(client, content):
    for case_study in CaseStudy.objects.all():
        html = client.get(case_study.get_absolute_url()).content.decode()
        assert html.count('class="case-scene"') == 1, case_study.slug
        steps = len(re.findall(r'<li class="steps__item[ "]', html))
        assert 4 <= steps <= 6, (case_study.slug, steps)
        # The case text sits beside the pictures in one layout.
        assert html.index('class="case-layout__visuals"') < html.index(
            'class="case-layout__text"'
        )


def test_chinese_case_page_has_its_captions_in_chinese(client, content):
    english = client.get("/en/cases/order-decryption/").content.decode()
    chinese = client.get("/zh-hans/cases/order-decryption/").content.decode()
    titles = re.findall(r'<strong class="steps__title">([^<]+)</strong>', english)
    assert len(titles) >= 4
    for title in titles:
        assert title not in chinese, title
    scene = _svgs(client.get("/zh-hans/cases/order-decryption/"))
    labels = [svg["attrs"].get("aria-label", "") for svg in scene]
    assert any(re.search(r"[\u4e00-\u9fff]", label) for label in labels)


def test_drawings_make_no_request_of_their_own(client, content):
    # Drawn inline: no links, images, fonts or styles from anywhere,
    # this site included.
    for drawing in DRAWINGS.glob("*.html"):
        text = drawing.read_text()
        for banned in ("http:", "https:", "//", "href", "<image", "url(", "<use"):
            assert banned not in text.replace("{#", "").lower(), (drawing, banned)
    for path in _pages():
        for svg in _svgs(client.get(path)):
            for tag, attrs in svg["tags"]:
                assert tag not in ("image", "use", "a", "script", "style"), path
                assert not any("href" in name for name in attrs), path


def test_a_case_without_a_drawing_still_shows(client):
    case_study = make_case_study(slug="not-drawn", title="Not drawn yet")
    response = client.get(case_study.get_absolute_url())
    assertContains(response, "Not drawn yet")
    assertNotContains(response, 'class="case-scene"')
    assertNotContains(response, 'class="steps"')


def test_chain_diagram_is_a_list_that_names_each_link(client, content):
    response = client.get("/en/chain/")
    html = response.content.decode()
    diagram = html[html.index('<ol class="chain-diagram"') :]
    diagram = diagram[: diagram.index("</ol>")]
    for title in (
        "Information acquisition",
        "Information reselling",
        "Information use",
    ):
        assert title in diagram
    assert diagram.count('aria-hidden="true" focusable="false"') == 3
    # On phones each cell says which link it is, so the table is not clipped.
    for title in (
        "Information acquisition",
        "Information reselling",
        "Information use",
    ):
        assertContains(response, f'<td data-label="{title}">', count=3)
