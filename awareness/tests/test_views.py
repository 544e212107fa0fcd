import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from awareness.models import CaseStudy, Guide, PrecautionTip
from quizzes.tests.factories import make_question, make_quiz

from .factories import (
    make_case_study,
    make_figure,
    make_guide,
    make_link,
    make_role,
    make_source,
    make_tip,
)
from .test_third_party_origins import ALLOWED_COOKIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


PAGES = [
    ("/en/", "Who is selling your personal information?"),
    ("/en/cases/", "Trojans planted in training companies"),
    ("/en/cases/training-company-trojans/", "50+"),
    ("/en/cases/order-decryption/", "18"),
    ("/en/cases/fake-recruitment/", "according to the article"),
    ("/en/chain/", "Information acquisition"),
    ("/en/tips/", "Watch out for unusual calls"),
    ("/en/tips/unusual-calls/", "corrected the call prefixes"),
    ("/en/guides/information-leaked/", "96110"),
    ("/en/search/?q=courier", "result"),
    ("/en/about/", "张天培"),
    ("/en/privacy/", "Privacy notice"),
]


@pytest.mark.parametrize(("url", "text"), PAGES)
def test_every_page_serves_the_articles_content(client, content, url, text):
    response = client.get(url)
    assertContains(response, text)
    assertContains(response, "<title>")
    assertContains(response, '<meta name="description" content="')


def test_case_study_shows_every_part_of_the_case(client, content):
    response = client.get("/en/cases/order-decryption/")
    for heading in (
        "What happened",
        "Who did what in the chain",
        "How it could have been noticed",
        "What the police did",
        "What to take away",
        "Related tips",
        "Sources",
    ):
        assertContains(response, heading)
    assertContains(response, "3 million")
    assertContains(response, "https://legal.gmw.cn/2025-04/21/content_37977933.htm")


def test_no_page_repeats_the_garbled_figures(client, content):
    for url, _text in PAGES:
        body = client.get(url).content.decode()
        assert "300 suspects" not in body
        assert "more than 0 yuan" not in body
        assert "only 0 years" not in body


def test_tip_lists_its_related_cases(client, content):
    tip = PrecautionTip.objects.get(slug="never-lend-id-cards")
    assert tip.case_studies.exists()
    response = client.get(tip.get_absolute_url())
    assertContains(response, "Related cases")
    for case_study in tip.case_studies.all():
        assertContains(response, case_study.get_absolute_url())


def test_case_and_tip_links_claim_only_a_relation(client, content):
    # The links say "related", not "prevents": masking courier slips (tip 2)
    # cannot stop the insider leak of the order-decryption case, so the two
    # are not linked at all.
    slips = PrecautionTip.objects.get(slug="keep-slips-safe")
    assert not slips.case_studies.filter(slug="order-decryption").exists()
    for url in ("/en/cases/order-decryption/", "/en/tips/unusual-calls/"):
        body = client.get(url).content.decode()
        assert "would have prevented" not in body
        assert "that prevent it" not in body
    assertContains(client.get("/zh-hans/cases/order-decryption/"), "相关提示")
    assertContains(client.get("/zh-hans/tips/unusual-calls/"), "相关案例")


def test_corrections_are_headed_editors_note_in_chinese(client, content):
    body = client.get("/zh-hans/tips/unusual-calls/").content.decode()
    assert "编者注" in body
    assert "编者按" not in body


def test_case_and_tip_pages_have_open_graph_tags(client, content):
    for url in ("/en/cases/fake-recruitment/", "/en/tips/public-wifi/"):
        response = client.get(url)
        assertContains(response, '<meta property="og:title"')
        assertContains(response, '<meta property="og:description"')
        assertContains(response, '<meta property="og:url" content="http://testserver')


def test_drafts_and_scheduled_items_are_hidden_from_visitors(client):
    make_case_study(title="Published case", slug="published")
    make_case_study(title="Draft case", slug="draft", is_published=False)
    make_case_study(
        title="Scheduled case",
        slug="scheduled",
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    response = client.get("/en/cases/")
    assertContains(response, "Published case")
    assertNotContains(response, "Draft case")
    assertNotContains(response, "Scheduled case")
    assert client.get("/en/cases/draft/").status_code == 404
    assert client.get("/en/cases/scheduled/").status_code == 404
    assertNotContains(client.get("/en/search/?q=case"), "Draft case")


def test_staff_preview_drafts_with_a_notice(staff_client):
    make_case_study(title="Draft case", slug="draft", is_published=False)
    response = staff_client.get("/en/cases/draft/")
    assertContains(response, "Draft case")
    assertContains(response, "this is a draft that visitors cannot see")
    assertContains(staff_client.get("/en/cases/"), "Draft case")


def test_draft_case_does_not_leak_through_a_published_tip(client):
    tip = make_tip(slug="tip")
    make_case_study(title="Secret draft", is_published=False, tips=[tip])
    assertNotContains(client.get("/en/tips/tip/"), "Secret draft")


def test_draft_case_does_not_leak_through_the_chain_page(client):
    link = make_link(title="Acquisition")
    draft = make_case_study(title="Secret draft", is_published=False)
    make_role(case_study=draft, link=link, actor="Hidden actor")
    response = client.get("/en/chain/")
    assertNotContains(response, "Hidden actor")
    assertNotContains(response, "Secret draft")


def test_unknown_slug_gives_the_sites_own_404(client):
    response = client.get("/en/cases/no-such-case/")
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(response, "Page not found", status_code=404)


def test_pages_only_answer_get(client, content):
    assert client.post("/en/").status_code == 405
    assert client.post("/en/search/", {"q": "x"}).status_code == 405


def test_reading_the_site_sets_no_cookies(client, content):
    for url, _text in PAGES:
        assert not client.get(url).cookies, url


def test_server_error_page_stands_alone(client, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/en/no-such-page-at-all/")
    assert response.status_code == 404
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
    # Styled by the site's stylesheet: an inline <style> would break the CSP.
    assert "<style" not in html and "css/site.css" in html


def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def _build_site(count):
    source = make_source()
    link = make_link(slug="acquisition")
    tips = [make_tip(number=n) for n in range(1, 6)]
    make_guide(slug="information-leaked")
    for n in range(count):
        case_study = make_case_study(
            number=n, tips=tips[:2], sources=[source], story=f"Story {n} courier."
        )
        make_role(case_study=case_study, link=link)
        make_figure(case_study=case_study, source=source)
    return CaseStudy.objects.first(), tips[0]


PAGE_QUERIES = [
    ("/en/", 3),
    ("/en/cases/", 1),
    # The case's simulations are one query of their own.
    ("case", 7),
    ("/en/chain/", 4),
    ("/en/tips/", 1),
    ("tip", 4),
    ("/en/guides/information-leaked/", 2),
    ("/en/search/?q=courier", 4),
    ("/en/about/", 1),
    ("/en/privacy/", 0),
]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("url", "queries"), PAGE_QUERIES)
def test_query_count_does_not_grow_with_content(
    client, django_assert_num_queries, count, url, queries
):
    case_study, tip = _build_site(count)
    url = {"case": case_study.get_absolute_url(), "tip": tip.get_absolute_url()}.get(
        url, url
    )
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_search_finds_words_in_titles_and_bodies(client):
    make_case_study(title="Order decryption", story="Courier insiders unmasked orders.")
    make_tip(title="Keep courier slips safe", what_to_do="Shred them.")
    make_guide(title="If it leaked", body="Report harassing calls to 12321.")
    response = client.get("/en/search/?q=courier")
    assertContains(response, "2 results")
    assertContains(response, "<mark>courier</mark>", html=False)
    assertContains(client.get("/en/search/?q=12321"), "If it leaked")


def test_search_ranks_title_matches_first(client):
    make_case_study(title="Fake recruitment", story="Wifi is mentioned in passing.")
    make_tip(title="Be careful with public WiFi")
    body = client.get("/en/search/?q=wifi").content.decode()
    assert body.index("Be careful with public") < body.index("Fake recruitment")


def test_empty_search_result_helps(client, content):
    response = client.get("/en/search/?q=zzzzqqq")
    assertContains(response, "0 results")
    assertContains(response, "Nothing matched")
    assertContains(response, "/en/tips/")


def test_search_escapes_the_query(client):
    response = client.get("/en/search/", {"q": '<script>alert("x")</script>'})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert", html=False)


@pytest.mark.parametrize(
    "query", ["", "   ", "a" * 5000, "\x00", "%", "_", "' OR 1=1 --", "快递 单据"]
)
def test_search_never_fails_on_odd_input(client, query):
    make_tip(title="Keep 快递 slips", what_to_do="100% of slips.")
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200


def test_search_without_a_query_shows_only_the_form(client):
    response = client.get("/en/search/")
    assertContains(response, 'name="q"')
    assertNotContains(response, "results for")


def test_leak_guide_is_searchable(client, content):
    assert Guide.objects.filter(slug="information-leaked").exists()
    assertContains(client.get("/en/search/?q=96110"), "/en/guides/information-leaked/")


def test_case_pages_credit_the_article_in_full(client, content):
    response = client.get("/en/cases/training-company-trojans/")
    for credit in ("People&#x27;s Daily", "Rule of Law Focus", "张天培", "李强"):
        assertContains(response, credit)
    assertContains(response, 'datetime="2025-04-21"')


def test_leak_guide_names_the_real_channels_and_rights(client, content):
    response = client.get("/en/guides/information-leaked/")
    for text in ("110", "96110", "12321", "National Anti-Fraud Center", "evidence"):
        assertContains(response, text)
    for right in ("see and copy", "corrected", "deleted", "explained"):
        assertContains(response, right)


def test_case_study_and_tip_link_the_quizzes_that_practise_them(client):
    case_study, tip = make_case_study(), make_tip()
    quiz = make_quiz(title="Jobs and the workplace")
    make_question(quiz, case_study=case_study, tip=tip)
    make_question(quiz, case_study=case_study)
    draft = make_quiz(title="Draft quiz", is_published=False)
    make_question(draft, case_study=case_study)
    unrelated = make_quiz(title="Unrelated quiz")
    make_question(unrelated)
    for page in (case_study, tip):
        response = client.get(page.get_absolute_url())
        assertContains(response, "Test yourself")
        assertContains(response, quiz.get_absolute_url(), count=1)
        assertNotContains(response, "Draft quiz")
        assertNotContains(response, "Unrelated quiz")


def test_privacy_notice_names_every_cookie_right_and_period(client, settings):
    settings.ANONYMOUS_PROGRESS_DAYS = 45
    response = client.get(reverse("privacy"))
    for cookie in ALLOWED_COOKIES:
        assertContains(response, f"<code>{cookie}</code>")
    for right in (
        "Access",
        "Copy",
        "Portability",
        "Correction",
        "Deletion",
        "Explanation",
    ):
        assertContains(response, f"<strong>{right}</strong>")
    assertContains(response, "until 45 days after your last quiz activity")
    assertContains(response, "lasts 45 days after your last quiz activity")
    assertContains(response, "signed in, 2 weeks")
    assertContains(response, "anonymous results for the quiz statistics")
    assertContains(response, reverse("accounts:my_data"))


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_every_shareable_page_has_a_preview_image_in_its_language(
    client, content, language, django_assert_max_num_queries
):
    from PIL import Image

    from quizzes.models import Quiz

    pages = [("/", "home")]
    pages += [(c.get_absolute_url(), "case") for c in CaseStudy.objects.all()]
    pages += [(t.get_absolute_url(), "tip") for t in PrecautionTip.objects.all()]
    pages += [(q.get_absolute_url(), "quiz") for q in Quiz.objects.all()]
    images = set()
    for path, kind in pages:
        page = client.get(f"/{language}{path.removeprefix('/en')}")
        html = page.content.decode()
        assert 'name="twitter:card" content="summary_large_image"' in html, path
        image = re.search(r'property="og:image" content="([^"]+)"', html).group(1)
        assert f"/{language}/share/" in image and f"/{kind}" in image or kind == "home"
        with django_assert_max_num_queries(2):
            response = client.get(image.removeprefix(settings.SITE_URL))
        assert response["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
        images.add(response.content)
    # One picture per page, not one for all.
    assert len(images) == len(pages)


def test_a_share_image_of_nothing_is_a_404(client):
    assert client.get("/en/share/case/no-such-case.png").status_code == 404
    assert client.get("/en/share/bogus/x.png").status_code == 404
