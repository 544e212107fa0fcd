"""A sentence that sends the reader to the privacy notice links to it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from quizzes.models import Quiz

from .tour import build_tour

pytestmark = pytest.mark.django_db

PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)


def unlinked_mentions(html, words, privacy_url):
    return [
        text
        for text in PARAGRAPH.findall(html)
        if words in re.sub(r"<[^>]+>", "", text) and f'href="{privacy_url}"' not in text
    ]


def test_every_mention_of_the_privacy_notice_links_to_it():
    tour = build_tour()
    privacy_url = reverse("privacy")
    found, mentions = {}, 0
    for page in tour.pages:
        html = tour.clients[page.who].get(page.url).content.decode()
        mentions += html.count("privacy notice")
        unlinked = unlinked_mentions(html, "privacy notice", privacy_url)
        if unlinked:
            found[page.name] = unlinked
    assert mentions >= 3
    assert not found


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_quiz_and_simulation_pages_link_to_the_privacy_notice(client, language):
    tour = build_tour(language)
    with translation.override(language):
        privacy_url = reverse("privacy")
        quiz = Quiz.objects.published().first()
        pages = [quiz.get_absolute_url()]
        pages += [page.url for page in tour.pages if page.name == "simulation"]
    assert len(pages) == 2
    for url in pages:
        html = client.get(url).content.decode()
        (sentence,) = [
            p for p in PARAGRAPH.findall(html) if "progress" in p or "进度" in p
        ]
        assert f'href="{privacy_url}"' in sentence, url
