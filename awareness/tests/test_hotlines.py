import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from pytest_django.asserts import assertContains

from awareness.templatetags.awareness_tags import hotlines
from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz


def link(number):
    return f'<a href="tel:{number}">{number}</a>'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call 110 now.", f"Call {link('110')} now."),
        ("拨打110报警", f"拨打{link('110')}报警"),
        ("110、96110和12321", f"{link('110')}、{link('96110')}和{link('12321')}"),
        ("If 96110 calls, answer.", f"If {link('96110')} calls, answer."),
    ],
)
def test_known_hotlines_become_tel_links(text, expected):
    assert hotlines(text) == expected


@pytest.mark.parametrize("text", ["1100 people", "110,000 yuan", "3.110", "2025-110"])
def test_numbers_that_are_not_a_hotline_on_their_own_stay_text(text):
    assert "tel:" not in hotlines(text)


def test_plain_text_is_escaped_before_linking():
    assert hotlines('<script>alert("110")</script>') == (
        f"&lt;script&gt;alert(&quot;{link('110')}&quot;)&lt;/script&gt;"
    )


def test_in_html_only_text_between_tags_changes_and_links_stay_alone():
    html = mark_safe(
        '<p title="call 110">Ring 110 or <a href="tel:96110">96110</a>.</p>'
    )
    assert hotlines(html) == (
        f'<p title="call 110">Ring {link("110")} or <a href="tel:96110">96110</a>.</p>'
    )


def test_the_filter_in_a_template_escapes_what_it_is_given():
    page = Template("{% load awareness_tags %}{{ text|hotlines }}").render(
        Context({"text": "<b>Call 110</b>"})
    )
    assert page == f"&lt;b&gt;Call {link('110')}&lt;/b&gt;"


@pytest.mark.django_db
def test_feedback_links_the_hotline_in_an_options_explanation(client):
    quiz = make_quiz(slug="hotline")
    question = make_question(quiz)
    question.choices.filter(is_correct=False).update(
        explanation="Hang up <and> call 110 yourself."
    )
    client.post(f"/en/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get()
    wrong = question.choices.get(is_correct=False)
    client.post(f"/en/attempts/{attempt.public_id}/1/answer/", {"choice": wrong.key})
    page = client.get(f"/en/attempts/{attempt.public_id}/1/")
    assertContains(page, f"Hang up &lt;and&gt; call {link('110')} yourself.")


@pytest.mark.django_db
def test_the_footer_call_110_now_is_one_link(client):
    assertContains(
        client.get("/en/about/"),
        '<a class="hotline" href="tel:110">call <strong>110</strong> now</a>',
    )


@pytest.mark.django_db
def test_the_home_page_channel_numbers_are_links(client):
    page = client.get("/en/")
    for number in ("110", "96110", "12321"):
        assertContains(page, f'href="tel:{number}"><strong>{number}</strong></a>')
