"""Hong Kong's Traditional Chinese: the /zh-hk/ variant of the site."""

import re
from functools import cache

import opencc
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from awareness.languages import (
    HONG_KONG_CONFIG,
    hongkong_dictionary,
    search_forms,
    to_hongkong,
)
from awareness.models import CaseStudy, Guide, PrecautionTip

from .test_languages import PAGES, english_interface_strings, visible_text
from .test_zh_tw import WRONG_MARKS
from .tour import build_tour

HK = "zh-hk"


def hk_url(name, args=()):
    with translation.override("zh-hans"):
        return "/zh-hk/" + reverse(name, args=args).removeprefix("/zh-hans/")


@cache
def mainland_terms():
    """Return the Hong Kong dictionary's mainland terms as s2hk writes them."""
    dictionary = hongkong_dictionary()
    allowed = [to_hongkong(entry["mainland"]) for entry in dictionary["keep"]]
    allowed += [entry["hongkong"] for entry in dictionary["phrase"]]
    converter = opencc.OpenCC(HONG_KONG_CONFIG)
    terms = {}
    for entry in dictionary["phrase"]:
        characters = converter.convert(entry["mainland"])
        if entry.get("check", True) and characters != entry["hongkong"]:
            terms[characters] = [phrase for phrase in allowed if characters in phrase]
    return terms


def mainland_words_in(text):
    """Return the mainland terms and wrong marks left in Hong Kong text."""
    found = [mark for mark in WRONG_MARKS if mark in text]
    for term, allowed in mainland_terms().items():
        rest = text
        for phrase in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(phrase, "")
        if term in rest:
            found.append(term)
    return found


@pytest.mark.parametrize(
    ("simplified", "hongkong"),
    [
        ("收到一条短信", "收到一條短訊"),
        ("关掉手机移动数据", "關掉手機流動數據"),
        ("点击短信里的链接登录", "點擊短訊裏的連結登入"),
        ("网络上下载的软件", "網絡上下載的軟件"),
        ("个人信息", "個人資料"),
        ("用U盘拷贝数据", "用USB手指複製數據"),
        ("请填写电子邮箱", "請填寫電郵地址"),
        ("银行账户转账", "銀行賬戶轉賬"),
        ("1天后复习，90天后删除", "1天後複習，90天後刪除"),
        ("“安全账户”", "「安全賬戶」"),
        ("《个人信息保护法》", "《個人信息保護法》"),
        ("冒充快递客服", "冒充速遞客服"),
    ],
)
def test_hong_kong_words(simplified, hongkong):
    assert to_hongkong(simplified) == hongkong


def test_every_hong_kong_entry_says_why():
    dictionary = hongkong_dictionary()
    assert all(entry.get("note") for entry in dictionary["phrase"])
    mainland = [entry["mainland"] for entry in dictionary["phrase"]]
    assert len(mainland) == len(set(mainland)), "a phrase is listed twice"


@pytest.mark.parametrize(
    ("accept", "prefix"),
    [
        ("zh-HK", "/zh-hk/"),
        ("zh-HK,zh;q=0.9,en;q=0.8", "/zh-hk/"),
        ("zh-Hant-HK", "/zh-hk/"),
        ("zh-TW", "/zh-hant/"),
        ("zh-Hant", "/zh-hant/"),
        ("zh-TW,zh-HK;q=0.8", "/zh-hant/"),
        ("zh-CN", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("zh", "/zh-hans/"),
        ("en-GB,zh-HK;q=0.5", "/en/"),
        ("fr", "/en/"),
    ],
)
def test_first_visit_follows_accept_language(client, db, accept, prefix):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == prefix


def test_a_language_cookie_wins_over_accept_language(client, db):
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/", headers={"accept-language": "zh-HK"})
    assert response["Location"] == "/zh-hans/"


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_in_hong_kong_chinese(client, content, name, args):
    response = client.get(hk_url(name, args))
    assert response.status_code == 200
    assertContains(response, '<html lang="zh-HK">')
    assert response["Content-Language"] == HK
    assertContains(
        response,
        f'<link rel="alternate" hreflang="zh-HK" href="http://testserver{hk_url(name, args)}',
    )
    assertContains(response, 'hreflang="zh-Hans" href="http://testserver/zh-hans/')
    # Links stay on the Hong Kong pages; only the switcher leads away.
    html = response.content.decode()
    switcher = re.findall(r'<a href="/zh-hans/[^"]*"[^>]*>', html)
    assert all('hreflang="zh-Hans"' in link for link in switcher)
    assertContains(response, 'aria-current="true">繁體中文（香港）</a>')
    assertContains(response, ">简体中文</a>")
    text = visible_text(response).replace("English", "")
    assert sorted(s for s in english_interface_strings() if s in text) == []


def test_hong_kong_pages_have_no_mainland_terms(db):
    """The tour of the public site, and every article, read in zh-hk."""
    tour = build_tour("zh-hans")
    visitor = tour.clients["visitor"]
    pages = [
        (page.url, tour.clients[page.who], page.status)
        for page in tour.pages
        if page.url.startswith("/zh-hans/")
    ]
    with translation.override("zh-hans"):
        pages += [
            (item.get_absolute_url(), visitor, 200)
            for model in (CaseStudy, PrecautionTip, Guide)
            for item in model.objects.published()
        ]
        # The query is shown as typed, so the Hong Kong word is searched.
        pages.append((reverse("search") + "?q=速遞", visitor, 200))
    assert len(pages) > 20
    left = {}
    for url, client, status in pages:
        url = "/zh-hk/" + url.removeprefix("/zh-hans/")
        response = client.get(url)
        assert response.status_code == status, url
        text = visible_text(response)
        if found := mainland_words_in(text):
            left[url] = {
                term: re.findall(f".{{0,8}}{re.escape(term)}.{{0,8}}", text)[:3]
                for term in found
            }
    assert left == {}


def test_forms_and_redirects_stay_in_hong_kong(client, content):
    response = client.get("/zh-hk/cases")
    assert response.status_code == 301
    assert response["Location"] == "/zh-hk/cases/"
    page = client.get(hk_url("accounts:login"))
    assertContains(page, 'action="/zh-hk/')
    assertNotContains(page, 'action="/zh-hans/')


def test_the_length_is_the_converted_body_s(client, content):
    response = client.get(hk_url("home"))
    assert int(response["Content-Length"]) == len(response.content)


def test_manifest_is_hong_kong(client, db):
    response = client.get("/zh-hk/manifest.webmanifest")
    data = response.json()
    assert data["lang"] == HK
    assert data["start_url"] == "/zh-hk/"


@pytest.mark.parametrize(
    ("query", "same_as"),
    [("短訊", "短信"), ("速遞", "快递"), ("快遞", "快递"), ("個人資料", "个人信息")],
)
def test_hong_kong_search_finds_the_simplified_pages(client, content, query, same_as):
    found = client.get("/zh-hk/search/", {"q": query}).context["results"]
    expected = client.get("/zh-hans/search/", {"q": same_as}).context["results"]
    assert list(expected)
    assert [item.pk for item in found] == [item.pk for item in expected]


def test_search_forms_read_hong_kong_words():
    assert "短信" in search_forms("短訊", "zh-hans")
    assert "移动数据" in search_forms("流動數據", "zh-hans")
