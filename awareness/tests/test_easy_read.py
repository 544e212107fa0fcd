"""Easy-read mode: the switch, what it changes, and what it costs."""

import tomllib

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from awareness import easy_read
from awareness.management.commands.load_content import DEFAULT_PATH
from awareness.models import CaseStudy, PrecautionTip

CASE = "/en/cases/order-decryption/"
TIP = "/en/tips/keep-slips-safe/"


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


def switch(client, value, next_url=CASE):
    return client.post(reverse("easy_read"), {"easy_read": value, "next": next_url})


def test_switching_on_is_kept_in_the_session_and_returns_to_the_page(client, content):
    response = switch(client, "on")
    assert response.status_code == 302
    assert response["Location"] == CASE
    # Nothing but the choice is stored.
    assert dict(client.session.items()) == {easy_read.SESSION_KEY: True}
    page = client.get(CASE)
    assertContains(page, '<html lang="en" class="easy-read">')
    assertContains(page, "Turn easy read off")
    # Still on a page later, in another language too.
    assertContains(client.get("/zh-hans/tips/"), 'class="easy-read"')


def test_switching_off_leaves_no_session_behind(client, content):
    switch(client, "on")
    response = switch(client, "off", TIP)
    assert response.status_code == 302
    assert response["Location"] == TIP
    assert easy_read.SESSION_KEY not in client.session
    # The emptied session goes, and its cookie with it.
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""
    page = client.get(TIP)
    assertNotContains(page, 'class="easy-read"')
    assertContains(page, "Turn easy read on")


def test_switching_off_keeps_the_rest_of_the_session(client, content):
    session = client.session
    session["something else"] = 1
    session.save()
    switch(client, "on")
    switch(client, "off")
    assert dict(client.session.items()) == {"something else": 1}


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "en/cases/",
        "",
    ],
)
def test_a_switch_never_sends_the_reader_to_another_site(client, content, next_url):
    response = switch(client, "on", next_url)
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    # The switch itself still worked.
    assert client.session[easy_read.SESSION_KEY] is True


def test_the_explanation_page_refuses_another_site_too(client, content):
    response = client.get(reverse("easy_read"), {"next": "https://evil.example/"})
    assertContains(response, 'name="next" value="/en/"')
    assertContains(response, 'href="/en/">Go back to the page you were reading')
    assertNotContains(response, 'value="https://evil')
    # Only the page's own form: the footer's would just lead back here.
    assertContains(response, "easy-read-switch__button", 1)


@pytest.mark.parametrize(
    "data", [{}, {"easy_read": "maybe"}, {"easy_read": "on", "next": "/" * 3000}]
)
def test_a_bad_switch_is_a_400_and_changes_nothing(client, content, data):
    response = client.post(reverse("easy_read"), data)
    assert response.status_code == 400
    assertContains(response, "could not be understood", status_code=400)
    assert easy_read.SESSION_KEY not in client.session


def test_the_switch_needs_its_csrf_token(content):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("easy_read"), {"easy_read": "on", "next": CASE})
    assert response.status_code == 403
    # The page that explains the switch gives the token; with it, it works.
    page = client.get(reverse("easy_read"), {"next": CASE})
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assertContains(page, 'name="csrfmiddlewaretoken"')
    response = client.post(
        reverse("easy_read"),
        {"easy_read": "on", "next": CASE, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == CASE


def test_the_switch_answers_only_get_and_post(client, content):
    assert client.put(reverse("easy_read")).status_code == 405


def test_a_first_visit_is_offered_the_switch_without_a_cookie(client, content):
    # Public pages come from the shared cache: a CSRF token in them would
    # set a cookie and be served to everyone, so the footer asks for the
    # explanation page (GET), whose form sends the switch.
    for url in (CASE, "/en/about/"):
        response = client.get(url)
        assert not response.cookies, url
        assertContains(response, f'method="get" action="{reverse("easy_read")}"')
        assertContains(response, f'name="next" value="{url}"')
        assertNotContains(response, "csrfmiddlewaretoken")


def test_a_visitor_with_a_session_switches_from_the_footer_at_once(client, content):
    switch(client, "on")
    response = client.get("/en/about/")
    assertContains(response, f'method="post" action="{reverse("easy_read")}"', 2)
    assertContains(response, 'name="next" value="/en/about/"', 2)


def test_the_switch_is_in_the_footer_and_on_the_about_page_only(client, content):
    from django.template.loader import get_template

    header = get_template("includes/header.html").template.source
    assert "easy_read" not in header
    about = client.get("/en/about/").content.decode()
    assert about.count("easy-read-switch__button") == 2
    assert client.get(CASE).content.decode().count("easy-read-switch__button") == 1


def test_easy_read_shows_the_summary_first_and_the_full_case_behind_it(client, content):
    case = CaseStudy.objects.get(slug="order-decryption")
    switch(client, "on")
    html = client.get(CASE).content.decode()
    summary = html.index('class="prose easy-summary"')
    details = html.index('<details class="full-text">')
    story = html.index('id="story-heading"')
    assert summary < details < story < html.index("</details>", details)
    assert "Han bought tea from an online shop." in html[summary:details]
    assert "Read the full case" in html
    assert case.easy_read_en.strip().splitlines()[0] in html
    # Each summary is marked for reading aloud, and the script comes along.
    assert html[summary:details].count("data-read-aloud") == 1
    assert "js/read-aloud.js" in html


def test_easy_read_shows_the_summary_first_on_a_tip(client, content):
    switch(client, "on", TIP)
    html = client.get(TIP).content.decode()
    summary = html.index('class="prose easy-summary"')
    assert summary < html.index('<details class="full-text">')
    assert html.index("Read the full tip") < html.index('id="why-heading"')


def test_without_easy_read_pages_are_as_before(client, content):
    html = client.get(CASE).content.decode()
    assert "easy-summary" not in html
    assert '<details class="full-text"' not in html
    assert "read-aloud.js" not in html


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_lists_show_the_summaries_in_easy_read(client, content, language):
    switch(client, "on")
    cases = client.get(f"/{language}/cases/").content.decode()
    tips = client.get(f"/{language}/tips/").content.decode()
    with_language = f"easy_read_{language.replace('-', '_')}"
    for case in CaseStudy.objects.all():
        first_line = getattr(case, with_language).strip().splitlines()[0]
        assert first_line in cases, case.slug
    for tip in PrecautionTip.objects.all():
        first_line = getattr(tip, with_language).strip().splitlines()[0]
        assert first_line in tips, tip.slug
    assert cases.count("card__text--easy") == CaseStudy.objects.count()


@pytest.mark.parametrize("kind", ["cases", "tips"])
def test_every_case_and_tip_file_has_a_plain_summary_in_both_languages(kind):
    files = sorted((DEFAULT_PATH / kind).glob("*.toml"))
    assert files
    for file in files:
        entry = tomllib.loads(file.read_text(encoding="utf-8"))
        english, chinese = (
            entry.get("easy_read", ""),
            entry.get("easy_read_zh_hans", ""),
        )
        assert english.strip() and chinese.strip(), file.name
        # Plain: short sentences, shorter than the item's full text.
        full = entry.get("story") or entry["why_it_matters"]
        assert len(english) < len(full) + len(entry.get("what_to_do", "")), file.name
        sentences = [s for s in english.replace("\n", " ").split(". ") if s.strip()]
        assert max(len(s.split()) for s in sentences) <= 25, file.name
        # Chinese addresses the reader as 你, never 您.
        assert "您" not in chinese, file.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), file.name


def test_the_summaries_load_in_every_language(content):
    for model in (CaseStudy, PrecautionTip):
        for item in model.objects.all():
            assert item.easy_read_en and item.easy_read_zh_hans, item.slug
            # Traditional Chinese is converted, as for every other field.
            assert item.easy_read_zh_hant, item.slug
            assert item.easy_read_zh_hant != item.easy_read_zh_hans, item.slug
            assert item.zh_hans_status == "current", item.slug


def test_staff_edit_the_summary_in_the_admin(superuser_client, content):
    case = CaseStudy.objects.first()
    tip = PrecautionTip.objects.first()
    for item in (case, tip):
        url = reverse(f"admin:awareness_{item._meta.model_name}_change", args=[item.pk])
        response = superuser_client.get(url)
        assertContains(response, 'name="easy_read_en"')
        assertContains(response, 'name="easy_read_zh_hans"')


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/en/", "/en/cases/", CASE, "/en/tips/", TIP, "/en/about/"]
)
def test_easy_read_costs_no_extra_query(client, content, url):
    # A session that holds something else, so that both requests load one.
    session = client.session
    session["something else"] = 1
    session.save()
    queries(client, url)  # Warm what is cached per process.
    before = queries(client, url)
    switch(client, "on", url)
    assert queries(client, url) == before


def test_a_question_page_costs_no_extra_query_in_easy_read(client, content):
    from awareness.tests.tour import start
    from quizzes.models import Quiz

    attempt = start(client, Quiz.objects.published().first())
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    queries(client, url)
    before = queries(client, url)
    switch(client, "on", url)
    page = client.get(url)
    assertContains(page, 'class="easy-read"')
    assertContains(page, "data-read-aloud")
    assert queries(client, url) == before


def test_reading_the_mode_without_a_session_costs_nothing(rf, db):
    request = rf.get("/en/")
    with CaptureQueriesContext(connection) as captured:
        assert easy_read.is_on(request) is False
    assert len(captured) == 0
