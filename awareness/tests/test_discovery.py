import json
import struct
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from awareness.models import CaseStudy
from quizzes.tests.factories import make_quiz

from .factories import make_case_study, make_guide, make_tip

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client):
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def test_robots_txt_keeps_crawlers_out_of_search_and_admin_and_names_the_sitemap(
    client,
):
    response = client.get(reverse("robots_txt"))
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Disallow: {reverse('search')}" in lines
    assert f"Disallow: {reverse('admin:index')}" in lines
    assert "Disallow: /" not in lines
    sitemap = reverse("django.contrib.sitemaps.views.sitemap")
    assert f"Sitemap: http://testserver{sitemap}" in lines


def test_sitemap_lists_the_public_pages_and_only_published_content(client):
    case_study = make_case_study()
    draft = make_case_study(is_published=False)
    tip, guide, quiz = make_tip(), make_guide(), make_quiz()
    hidden_quiz = make_quiz(is_published=False)

    locations = sitemap_locations(client)

    for name in ("home", "case_study_list", "chain", "tip_list", "about", "privacy"):
        assert f"http://testserver{reverse(name)}" in locations
    for item in (case_study, tip, guide, quiz):
        assert f"http://testserver{item.get_absolute_url()}" in locations
    for item in (draft, hidden_quiz):
        assert f"http://testserver{item.get_absolute_url()}" not in locations
    for private in ("quizzes:progress", "quizzes:review", "accounts:my_data"):
        assert f"http://testserver{reverse(private)}" not in locations


def test_sitemap_queries_do_not_grow_with_content(client, django_assert_num_queries):
    make_case_study()
    sitemap_locations(client)
    # Four, one more since the simulations joined the sitemap, and one for
    # the tracks.
    with django_assert_num_queries(6):
        sitemap_locations(client)
    for _ in range(5):
        make_case_study()
        make_tip()
    # Four, one more since the simulations joined the sitemap, and one for
    # the tracks.
    with django_assert_num_queries(6):
        assert len(sitemap_locations(client)) > 10


def test_sitemap_dates_content_by_its_last_change(client):
    case_study = make_case_study()
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap"))
    root = ET.fromstring(response.content)
    for url in root.findall("sm:url", SITEMAP_NS):
        if url.find("sm:loc", SITEMAP_NS).text.endswith(case_study.get_absolute_url()):
            lastmod = url.find("sm:lastmod", SITEMAP_NS).text
            assert lastmod == timezone.localdate(case_study.updated_at).isoformat()
            break
    else:
        pytest.fail("The case study is missing from the sitemap.")


def test_canonical_url_drops_the_query_string(client):
    response = client.get(reverse("search"), {"q": "courier", "utm_source": "x"})
    assertContains(
        response, f'<link rel="canonical" href="http://testserver{reverse("search")}">'
    )


def test_canonical_url_of_a_case_study_is_its_own_address(client):
    case_study = make_case_study()
    response = client.get(case_study.get_absolute_url() + "?ref=share")
    url = f"http://testserver{case_study.get_absolute_url()}"
    assertContains(response, f'<link rel="canonical" href="{url}">')
    assertContains(response, f'<meta property="og:url" content="{url}">')


def png_size(path):
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_manifest_names_the_site_and_its_icons(client):
    response = client.get(reverse("manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Guard Your Info"
    assert manifest["start_url"] == reverse("home")
    assert manifest["lang"] == "en"
    purposes = {icon.get("purpose", "any") for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_every_page_links_the_manifest_and_icons(client):
    response = client.get(reverse("home"))
    assertContains(response, f'<link rel="manifest" href="{reverse("manifest")}">')
    assertContains(response, 'rel="apple-touch-icon"')
    assert finders.find("img/apple-touch-icon.png")
    assert png_size(finders.find("img/apple-touch-icon.png")) == (180, 180)


def test_discovery_files_need_no_content(client):
    assert not CaseStudy.objects.exists()
    for name in ("robots_txt", "manifest", "django.contrib.sitemaps.views.sitemap"):
        assert client.get(reverse(name)).status_code == 200


def test_the_sitemap_and_robots_txt_name_the_configured_site(client, settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    settings.SITE_URL = "https://example.org"
    robots = client.get(reverse("robots_txt"), HTTP_HOST="example.org:6666")
    assert "Sitemap: https://example.org/sitemap.xml" in robots.content.decode()
    sitemap = client.get("/sitemap.xml", HTTP_HOST="example.org:6666")
    body = sitemap.content.decode()
    assert "<loc>https://example.org/en/</loc>" in body
    assert ":6666" not in body
