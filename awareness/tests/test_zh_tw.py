import re
from functools import cache

import opencc
import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from awareness.languages import (
    OPENCC_CONFIG,
    localized,
    taiwan_dictionary,
    to_traditional,
    translated_fields,
)
from awareness.management.commands.convert_messages import TARGET
from awareness.models import CaseStudy, Guide, PrecautionTip, Translatable

from .test_languages import visible_text
from .tour import build_tour

# Quotes and characters that Traditional Chinese text must not hold:
# mainland quotes, and 后 (queen, empress), never meant on this site.
WRONG_MARKS = ("“", "”", "‘", "’", "后")


@cache
def mainland_terms():
    """Return the dictionary's mainland terms as character conversion writes them.

    Each comes with the allowed phrases that contain it: the dictionary's
    own Taiwan phrases (行動數據 holds 數據) and the proper names it keeps.
    """
    dictionary = taiwan_dictionary()
    allowed = [to_traditional(entry["mainland"]) for entry in dictionary["keep"]]
    allowed += [entry["taiwan"] for entry in dictionary["phrase"]]
    terms = {}
    for entry in dictionary["phrase"]:
        characters = to_characters(entry["mainland"])
        if entry.get("check", True) and characters != entry["taiwan"]:
            terms[characters] = [phrase for phrase in allowed if characters in phrase]
    return terms


def to_characters(simplified):
    return opencc.OpenCC(OPENCC_CONFIG).convert(simplified)


def mainland_words_in(text):
    """Return the mainland terms and wrong marks left in Traditional text."""
    found = [mark for mark in WRONG_MARKS if mark in text]
    for term, allowed in mainland_terms().items():
        rest = text
        for phrase in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(phrase, "")
        if term in rest:
            found.append(term)
    return found


@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("1天后复习，隔14天后再复习", "1天後複習，隔14天後再複習"),
        ("90天后删除", "90天後刪除"),
        ("收集成批出售", "收集成批出售"),
        ("挂断后自行拨打", "掛斷後自行撥打"),
        ("个人信息", "個人資料"),
        ("《个人信息保护法》", "《個人信息保護法》"),
        ("“安全账户”", "「安全帳戶」"),
        ("点击短信里的链接登录", "點選簡訊裡的連結登入"),
        ("用U盘拷贝数据", "用隨身碟複製資料"),
        ("关掉手机移动数据", "關掉手機行動數據"),
    ],
)
def test_traditional_chinese_uses_taiwan_words(simplified, taiwan):
    assert to_traditional(simplified) == taiwan


def test_every_dictionary_entry_says_why():
    dictionary = taiwan_dictionary()
    entries = dictionary["phrase"] + dictionary["keep"]
    assert all(entry.get("note") for entry in entries)
    mainland = [entry["mainland"] for entry in entries]
    assert len(mainland) == len(set(mainland)), "a phrase is listed twice"


def test_traditional_catalogue_has_no_mainland_terms():
    with open(TARGET, "rb") as file:
        catalog = read_po(file)
    left = {}
    for message in catalog:
        if not message.id:
            continue
        strings = (
            message.string if isinstance(message.string, tuple) else [message.string]
        )
        for string in strings:
            if found := mainland_words_in(string):
                left[string] = found
    assert left == {}, "Run `make messages` or add a phrase to zh_tw_phrases.toml."


def translatable_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Translatable) and translated_fields(model)
    ]


def test_traditional_content_has_no_mainland_terms(db):
    """Every converted Traditional field of the real content, questions too."""
    call_command("load_content", verbosity=0)
    left = {}
    for model in translatable_models():
        for item in model.objects.all():
            for field in translated_fields(model):
                text = getattr(item, localized(field, "zh_hant")) or ""
                if found := mainland_words_in(text):
                    left[f"{model.__name__} {item.pk} {field}"] = found
    assert left == {}


def test_traditional_pages_have_no_mainland_terms(db):
    """The tour of the public site, and every article, read in zh-hant."""
    tour = build_tour("zh-hant")
    pages = [(page.url, tour.clients[page.who], page.status) for page in tour.pages]
    visitor = tour.clients["visitor"]
    with translation.override("zh-hant"):
        pages += [
            (item.get_absolute_url(), visitor, 200)
            for model in (CaseStudy, PrecautionTip, Guide)
            for item in model.objects.published()
        ]
        pages.append((reverse("search") + "?q=快遞", visitor, 200))
    left = {}
    for url, client, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        text = visible_text(response)
        if found := mainland_words_in(text):
            left[url] = {
                term: re.findall(f".{{0,8}}{re.escape(term)}.{{0,8}}", text)[:3]
                for term in found
            }
    assert left == {}


def test_loading_refreshes_converted_traditional_and_keeps_overrides(db):
    """A converter change reaches stored content; staff text stays theirs."""
    from quizzes.models import Choice

    call_command("load_content", verbosity=0)
    converted, overridden = PrecautionTip.objects.all()[:2]
    PrecautionTip.objects.filter(pk=converted.pk).update(title_zh_hant="舊的轉換")
    PrecautionTip.objects.filter(pk=overridden.pk).update(
        title_zh_hant="員工的譯文", zh_hant_is_converted=False
    )
    choice = Choice.objects.exclude(explanation_zh_hans="").first()
    Choice.objects.filter(pk=choice.pk).update(explanation_zh_hant="舊的轉換")

    call_command("load_content", verbosity=0)

    converted.refresh_from_db()
    overridden.refresh_from_db()
    choice.refresh_from_db()
    assert converted.title_zh_hant == to_traditional(converted.title_zh_hans)
    assert not converted.is_edited_since_load()
    assert overridden.title_zh_hant == "員工的譯文"
    assert choice.explanation_zh_hant == to_traditional(choice.explanation_zh_hans)


def found_pages(client, language, query):
    with translation.override(language):
        url = reverse("search")
    response = client.get(url, {"q": query})
    return response, [item.get_absolute_url() for item in response.context["results"]]


@pytest.mark.parametrize(
    ("language", "query", "same_as", "marked"),
    [
        ("zh-hant", "快递", "快遞", "快遞"),
        ("zh-hans", "快遞", "快递", "快递"),
        ("zh-hant", "短信", "簡訊", "簡訊"),
        ("zh-hans", "簡訊", "短信", "短信"),
        ("zh-hant", "个人信息 快递", "個人資料 快遞", "個人資料"),
    ],
)
def test_search_finds_the_same_pages_in_either_script(
    client, db, language, query, same_as, marked
):
    call_command("load_content", verbosity=0)
    response, found = found_pages(client, language, query)
    _response, expected = found_pages(client, language, same_as)
    assert expected
    assert found == expected
    assert f"<mark>{marked}</mark>" in response.content.decode()
