import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .tour import NOT_PAGES, build_tour

pytestmark = pytest.mark.django_db

HOST = "testserver"
# Attributes through which a page makes the browser fetch or send something.
FETCHING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src", "formaction"),
    "button": ("formaction",),
    "form": ("action",),
    "base": ("href",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
# The cookies the privacy notice lists; there must be no others.
ALLOWED_COOKIES = {"sessionid", "csrftoken"}


class Fetches(HTMLParser):
    """Collect every address a page would load or send data to."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.inline_styles = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in FETCHING.get(tag, ()):
            value = attrs.get(name)
            if not value:
                continue
            if name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",")]
            else:
                self.urls.append(value)
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.urls.append(attrs.get("content", "").partition("url=")[2])
        if "style" in attrs:
            self.inline_styles.append((tag, attrs["style"]))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.urls += [a or b for a, b in CSS_URL.findall(data)]


def foreign(urls, base):
    """Return the URLs that point at another host."""
    found = []
    for url in urls:
        if url.strip().startswith("#"):
            # A fragment names something in the same document (an SVG
            # pattern in the stylesheet): no request is made.
            continue
        absolute = urljoin(base, url.strip())
        parts = urlsplit(absolute)
        if parts.scheme == "data":
            continue
        if parts.scheme not in ("http", "https") or parts.hostname != HOST:
            found.append(url)
    return found


@pytest.fixture
def tour():
    return build_tour()


def test_no_page_loads_anything_from_another_host(tour):
    stylesheets = set()
    problems = {}
    for page in tour.pages:
        response = tour.clients[page.who].get(page.url)
        assert response.status_code == page.status, page
        parser = Fetches()
        parser.feed(response.content.decode())
        base = f"http://{HOST}{page.url}"
        bad = foreign(parser.urls, base)
        if bad or parser.inline_styles:
            problems[page.name] = (bad, parser.inline_styles)
        stylesheets.update(url for url in parser.urls if url.endswith(".css"))
        assert parser.urls, f"{page.name} loads nothing at all?"
    assert problems == {}
    assert stylesheets
    for url in stylesheets:
        css = Path(finders.find(url.removeprefix("/static/"))).read_text()
        assert foreign([a or b for a, b in CSS_URL.findall(css)], url) == []


def test_the_manifest_names_only_this_sites_icons(client):
    manifest = json.loads(client.get(reverse("manifest")).content)
    base = f"http://{HOST}{reverse('manifest')}"
    urls = [icon["src"] for icon in manifest["icons"]] + [manifest["start_url"]]
    assert foreign(urls, base) == []


def test_the_parser_catches_third_party_origins():
    parser = Fetches()
    parser.feed(
        '<link rel="preload" href="https://fonts.example/font.woff2">'
        '<img srcset="/ok.png 1x, //cdn.example/x.png 2x">'
        '<script src="http://testserver/static/ok.js"></script>'
        "<style>@import 'https://cdn.example/a.css';</style>"
        '<iframe src="https://video.example/embed"></iframe>'
        '<form action="https://collect.example/"></form>'
        '<a href="https://www.gov.cn/">a plain link to a source is fine</a>'
    )
    assert foreign(parser.urls, "http://testserver/") == [
        "https://fonts.example/font.woff2",
        "//cdn.example/x.png",
        "https://cdn.example/a.css",
        "https://video.example/embed",
        "https://collect.example/",
    ]


def test_no_cookies_beyond_those_in_the_privacy_notice(tour):
    seen = set()
    for page in tour.pages:
        response = tour.clients[page.who].get(page.url)
        seen.update(response.cookies)
    for client in tour.clients.values():
        seen.update(client.cookies)
    assert seen <= ALLOWED_COOKIES
    assert tour.clients["visitor"].cookies.get("sessionid") is None


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_tour_covers_every_page(tour):
    names = url_names(get_resolver().url_patterns)
    public = {name for name in names if not name.startswith("admin:")}
    assert public - tour.url_names - NOT_PAGES == set()
