import pytest
from django.core.management import call_command
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from awareness.models import CaseStudy, PrecautionTip
from awareness.qr_codes import qr_svg

from .factories import make_case_study, make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db, settings):
    settings.SITE_URL = "https://example.org"
    call_command("load_content", verbosity=0)


LANG_ATTRIBUTE = {"en": "en", "zh-hans": "zh-Hans"}


def _leaflets():
    for tip in PrecautionTip.objects.all():
        yield tip, "tip_leaflet"
    for case_study in CaseStudy.objects.all():
        yield case_study, "case_study_leaflet"


def _leaflet_url(item):
    return item.get_absolute_url().rstrip("/") + "/leaflet/"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_tip_and_case_has_a_leaflet_in_the_pages_language(
    client, content, language
):
    leaflets = list(_leaflets())
    assert len(leaflets) == 8
    for item, _name in leaflets:
        with translation.override(language):
            url, page = _leaflet_url(item), item.get_absolute_url()
            title = item.title
            label = translation.gettext("QR code: %(url)s") % {
                "url": f"https://example.org{page}"
            }
        assert url.startswith(f"/{language}/")
        response = client.get(url)
        assertContains(response, f'class="leaflet__title">{title}</h1>')
        assertContains(response, f'<html lang="{LANG_ATTRIBUTE[language]}">')
        # The code drawn on the leaflet is the page's own address.
        assertContains(response, qr_svg(f"https://example.org{page}", label=label))
        assertContains(response, f"example.org{page}")
        for number in ("110", "96110", "12321"):
            assertContains(response, f'href="tel:{number}"')
        assertContains(response, "css/leaflet.css")
        assertContains(response, "js/print.js")
        # Without JavaScript there is no button that does nothing.
        assertContains(response, '<span class="leaflet__print" data-print hidden>')


def test_chinese_leaflet_is_in_chinese(client, content):
    response = client.get("/zh-hans/tips/unusual-calls/leaflet/")
    assertContains(response, "特殊来电要注意")
    assertContains(response, "https://example.org/zh-hans/tips/unusual-calls/")
    assertNotContains(response, "What to look for")
    assertNotContains(response, "Watch out for unusual calls")


def test_tip_and_case_pages_link_their_leaflet(client, content):
    for item, _name in _leaflets():
        assertContains(client.get(item.get_absolute_url()), _leaflet_url(item))


@pytest.mark.parametrize("kind", ["tips", "cases"])
def test_unknown_leaflet_is_a_404(client, kind):
    assert client.get(f"/en/{kind}/no-such-thing/leaflet/").status_code == 404


def test_draft_leaflets_are_hidden_from_visitors(client):
    tip = make_tip(slug="draft-tip", is_published=False)
    case_study = make_case_study(slug="draft-case", is_published=False)
    assert client.get(_leaflet_url(tip)).status_code == 404
    assert client.get(_leaflet_url(case_study)).status_code == 404


def test_staff_preview_a_draft_leaflet_with_a_notice(staff_client):
    tip = make_tip(slug="draft-tip", title="Draft tip", is_published=False)
    response = staff_client.get(_leaflet_url(tip))
    assertContains(response, "Draft tip")
    assertContains(response, "this is a draft that visitors cannot see")


@pytest.mark.parametrize("count", [1, 20])
def test_leaflet_queries_do_not_grow_and_pages_are_cached(
    client, django_assert_num_queries, count
):
    tips = [make_tip() for _ in range(count)]
    case_studies = [make_case_study(tips=tips) for _ in range(count)]
    for item in (tips[0], case_studies[0]):
        with django_assert_num_queries(1):
            assert client.get(_leaflet_url(item)).status_code == 200
        # Cached like the other public pages.
        with django_assert_num_queries(0):
            assert client.get(_leaflet_url(item)).status_code == 200


def test_leaflets_only_answer_get(client):
    tip = make_tip()
    assert client.post(_leaflet_url(tip)).status_code == 405
