import re
import shutil
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertRedirects

from awareness.admin import TranslatedForm
from awareness.languages import bcp47, language_codes
from awareness.management.commands.convert_messages import (
    SOURCE,
    TARGET,
    traditional_catalog,
)
from awareness.models import CaseStudy, PrecautionTip, TranslationStatus
from quizzes.models import Attempt, Question, Quiz

from .factories import make_tip

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


# Every kind of page a reader sees, by URL name and arguments.
PAGES = [
    ("home", ()),
    ("case_study_list", ()),
    ("case_study_detail", ("order-decryption",)),
    ("chain", ()),
    ("tip_list", ()),
    ("tip_detail", ("keep-slips-safe",)),
    ("guide_detail", ("information-leaked",)),
    ("search", ()),
    ("about", ()),
    ("privacy", ()),
    ("quizzes:quiz_list", ()),
    ("quizzes:quiz_detail", ("suspicious-calls",)),
    ("quizzes:progress", ()),
    ("quizzes:review", ()),
    ("accounts:login", ()),
    ("accounts:signup", ()),
]


def url_in(language, name, args=()):
    with translation.override(language):
        return reverse(name, args=args)


class VisibleText(HTMLParser):
    """Collect the text a reader sees (and hears), without markup or code."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("aria-label", "alt", "placeholder", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


@cache
def english_interface_strings():
    """Return the site's own English strings that a Chinese page must not show.

    Strings with placeholders or markup are left out: they never appear
    verbatim. Single words are left out too, since "WiFi" or "APP" may
    rightly appear in Chinese text.
    """
    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as file:
        catalog = read_po(file)
    strings = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            if "%" in text or "<" in text or len(re.findall(r"[A-Za-z]+", text)) < 2:
                continue
            strings.add(" ".join(text.split()))
    return strings


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_in_every_language(client, content, name, args):
    for language in language_codes():
        response = client.get(url_in(language, name, args))
        assert response.status_code == 200
        assertContains(response, f'<html lang="{bcp47(language)}">')
        for other in language_codes():
            assertContains(
                response,
                f'<link rel="alternate" hreflang="{bcp47(other)}" '
                f'href="http://testserver{url_in(other, name, args)}',
            )
        if language != "en":
            # The switcher names each language in itself, English included.
            text = visible_text(response).replace("English", "")
            left = sorted(s for s in english_interface_strings() if s in text)
            assert left == [], language


def test_quiz_question_and_result_pages_are_chinese(client, content):
    quiz = Quiz.objects.get(slug="suspicious-calls")
    response = client.post(url_in("zh-hans", "quizzes:quiz_start", (quiz.slug,)))
    attempt = Attempt.objects.get()
    assert attempt.language == "zh-hans"
    page = client.get(response["Location"])
    assertContains(page, '<html lang="zh-Hans">')
    question = page.context["question"]
    assertContains(page, question.prompt_zh_hans)
    assert question.prompt_en not in visible_text(page)
    for left in english_interface_strings():
        assert left not in visible_text(page)


def test_chinese_content_reaches_the_page(client, content):
    assertContains(
        client.get(url_in("zh-hans", "case_study_detail", ("order-decryption",))),
        "电商“订单解密”",
    )
    assertContains(
        client.get(url_in("zh-hant", "case_study_detail", ("order-decryption",))),
        "電商「訂單解密」",
    )


def test_shipped_content_is_translated_in_full(content):
    from awareness import models as content_models
    from quizzes import models as quiz_models

    for module in (content_models, quiz_models):
        for model in vars(module).values():
            if (
                isinstance(model, type)
                and issubclass(model, content_models.Translatable)
                and not model._meta.abstract
            ):
                untranslated = model.objects.exclude(
                    zh_hans_status=TranslationStatus.CURRENT
                )
                assert list(untranslated) == [], model.__name__


@pytest.mark.parametrize(
    ("accept", "prefix"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-hans/"),
        ("zh", "/zh-hans/"),
        ("zh-TW,zh;q=0.9", "/zh-hant/"),
        ("zh-HK", "/zh-hk/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("", "/en/"),
    ],
)
def test_first_visit_follows_the_browser_language(client, content, accept, prefix):
    response = client.get("/", headers={"accept-language": accept})
    assertRedirects(response, prefix, fetch_redirect_response=False)


def test_unprefixed_page_redirects_to_its_language(client, content):
    response = client.get("/cases/", headers={"accept-language": "zh-CN"})
    assertRedirects(response, "/zh-hans/cases/", fetch_redirect_response=False)


def test_switcher_keeps_the_reader_on_the_same_page(client, content):
    english = url_in("en", "case_study_detail", ("order-decryption",))
    chinese = url_in("zh-hans", "case_study_detail", ("order-decryption",))
    response = client.get(english)
    assertContains(response, f'<a href="{chinese}" lang="zh-Hans" hreflang="zh-Hans">')
    response = client.get(chinese)
    assertContains(response, f'<a href="{english}" lang="en" hreflang="en">')
    assertContains(
        response,
        f'<a href="{chinese}" lang="zh-Hans" hreflang="zh-Hans" aria-current="true">',
    )


def test_switcher_keeps_the_search(client, content):
    response = client.get(url_in("en", "search") + "?q=courier")
    assertContains(response, 'href="/zh-hant/search/?q=courier"')


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("zh-hans", "订单解密", "/zh-hans/cases/order-decryption/"),
        ("zh-hans", "快递面单", "/zh-hans/tips/keep-slips-safe/"),
        ("zh-hans", "木马 企业", "/zh-hans/cases/training-company-trojans/"),
        ("zh-hant", "訂單解密", "/zh-hant/cases/order-decryption/"),
    ],
)
def test_search_works_in_chinese(client, content, language, query, expected):
    response = client.get(url_in(language, "search"), {"q": query})
    assertContains(response, expected)
    first_term = query.split()[0]
    assertContains(response, f"<mark>{first_term}</mark>")


def translated_tip(**kwargs):
    return make_tip(
        title="Change passwords",
        title_zh_hans="经常更换登录密码",
        summary_zh_hans="定期更换密码。",
        why_it_matters_zh_hans="密码泄露后，账户就不安全了。",
        what_to_do_zh_hans="为每个账户设置不同的密码。",
        **kwargs,
    )


def test_traditional_chinese_is_converted_and_marked(db):
    tip = translated_tip()
    assert tip.title_zh_hant == "經常更換登入密碼"
    assert tip.zh_hant_status == TranslationStatus.CONVERTED
    assert tip.zh_hant_is_converted


def test_staff_traditional_chinese_overrides_the_conversion(db):
    tip = translated_tip()
    form_class = modelform_factory(
        PrecautionTip,
        form=TranslatedForm,
        fields=("title_en", "title_zh_hans", "title_zh_hant", "zh_hant_is_converted"),
    )
    data = {
        "title_en": "Change passwords",
        "title_zh_hans": "经常更换登录密码",
        "title_zh_hant": "定期更換密碼",
        "zh_hant_is_converted": "on",
    }
    form = form_class(data, instance=tip)
    assert form.is_valid(), form.errors
    form.save()
    tip.refresh_from_db()
    assert not tip.zh_hant_is_converted
    assert tip.zh_hant_status == TranslationStatus.CURRENT
    tip.title_zh_hans = "更换密码"
    tip.save()
    tip.refresh_from_db()
    assert tip.title_zh_hant == "定期更換密碼"


def test_changing_the_english_alone_makes_translations_stale(db):
    tip = translated_tip()
    tip = PrecautionTip.objects.get(pk=tip.pk)
    tip.title_en = "Change your passwords often"
    tip.save()
    assert tip.zh_hans_status == TranslationStatus.STALE
    assert tip.zh_hant_status == TranslationStatus.STALE
    tip.title_zh_hans = "经常更换密码"
    tip.save()
    assert tip.zh_hans_status == TranslationStatus.CURRENT
    assert tip.zh_hant_status == TranslationStatus.CONVERTED


def test_staff_confirm_a_stale_translation(db):
    tip = translated_tip()
    tip = PrecautionTip.objects.get(pk=tip.pk)
    tip.title_en = "Change passwords often"
    tip.save()
    tip.mark_translations_current()
    tip.refresh_from_db()
    assert tip.zh_hans_status == TranslationStatus.CURRENT


def test_missing_translation_is_reported_and_falls_back(client, db):
    tip = make_tip(title="Only in English")
    assert tip.zh_hans_status == TranslationStatus.MISSING
    response = client.get(url_in("zh-hans", "tip_detail", (tip.slug,)))
    assertContains(response, "Only in English")


def test_translation_filter_lists_what_needs_work(superuser_client, db):
    make_tip(title="Only in English")
    translated_tip(slug="translated")
    response = superuser_client.get(
        reverse("admin:awareness_precautiontip_changelist"), {"translation": "todo"}
    )
    assertContains(response, "Only in English")
    assert "translated" not in [tip.slug for tip in response.context["cl"].result_list]


def test_interface_catalogues_are_complete():
    for path in (SOURCE, TARGET):
        with open(path, "rb") as file:
            catalog = read_po(file)
        untranslated = [
            message.id
            for message in catalog
            if message.id
            and (
                message.fuzzy
                or not all(
                    message.string
                    if isinstance(message.string, tuple)
                    else [message.string]
                )
            )
        ]
        assert untranslated == [], path


def test_traditional_catalogue_is_the_converted_simplified():
    with open(TARGET, "rb") as file:
        committed = {m.id: m.string for m in read_po(file) if m.id}
    converted = {m.id: m.string for m in traditional_catalog(SOURCE) if m.id}
    assert committed == converted, "Run `make messages` to refresh zh_Hant."


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="makemessages needs GNU gettext"
)
def test_interface_catalogue_lists_every_string_in_the_code(
    settings, tmp_path, monkeypatch
):
    """Every translatable string in the code is in the committed catalogue."""
    # makemessages writes into any locale folder it finds, so it runs on a
    # copy of the code, never on the committed catalogues.
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".*", "var", "node_modules", "staticfiles", "__pycache__", "*.mo"
        ),
    )
    monkeypatch.chdir(project)
    settings.LOCALE_PATHS = [project / "locale"]
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    with open(SOURCE, "rb") as file:
        committed = {m.id for m in read_po(file) if m.id}
    with open(project / "locale/zh_Hans/LC_MESSAGES/django.po", "rb") as file:
        current = {m.id for m in read_po(file) if m.id}
    assert current - committed == set(), "Run `make messages` and translate them."
    assert committed - current == set(), "Run `make messages` to drop old strings."


def test_questions_keep_their_language_columns(content):
    question = Question.objects.get(key="calls-96110-warning")
    assert question.sender_zh_hans == "96110"
    with translation.override("zh-hant"):
        assert "96110" in question.explanation
        assert question.explanation == question.explanation_zh_hant


def test_case_titles_follow_the_active_language(content):
    case_study = CaseStudy.objects.get(slug="order-decryption")
    with translation.override("zh-hans"):
        assert case_study.title == "电商“订单解密”"
    with translation.override("en"):
        assert case_study.title == "E-commerce “order decryption”"


def test_confirming_translations_in_the_admin_is_logged_and_needs_change(
    db, analyst, superuser_client
):
    # Security review, failure 7: analysts could run it, and it left no
    # trace in the audit trail (nor told the page cache).
    from django.contrib.admin.models import LogEntry
    from django.test import Client
    from django.urls import reverse

    tip = translated_tip()
    tip = PrecautionTip.objects.get(pk=tip.pk)
    tip.title_en = "Change passwords often"
    tip.save()
    tip.refresh_from_db()
    assert tip.zh_hans_status == TranslationStatus.STALE
    action = {"action": "mark_translations_current", "_selected_action": [tip.pk]}
    changelist = reverse("admin:awareness_precautiontip_changelist")
    analyst_client = Client()
    analyst_client.force_login(analyst)
    analyst_client.post(changelist, action)
    tip.refresh_from_db()
    assert tip.zh_hans_status == TranslationStatus.STALE
    superuser_client.post(changelist, action)
    tip.refresh_from_db()
    assert tip.zh_hans_status == TranslationStatus.CURRENT
    assert LogEntry.objects.filter(object_id=str(tip.pk)).exists()
