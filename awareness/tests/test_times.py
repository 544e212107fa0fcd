"""Times on pages name their time zone, and a sentence ends with one stop."""

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from .factories import make_case_study
from .tour import build_tour

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2036, 12, 8, 4, 58, tzinfo=SHANGHAI)
# A <time> that holds a time of day, with its text and what follows it.
TIME = re.compile(r'<time datetime="[^"]*T[^"]*">(.*?)</time>([^<]{0,12})', re.S)


def render(template, **context):
    return Template("{% load awareness_tags %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Dec. 8, 2036, 4:58 a.m. UTC+8"),
        ("zh-hans", "2036年12月8日 04:58 UTC+8"),
    ],
)
def test_local_time_names_the_zone(settings, language, shown):
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override(language):
        html = render(
            "{{ moment|local_time }}", moment=MORNING.astimezone(datetime.UTC)
        )
    assert html == f'<time datetime="2036-12-08T04:58+08:00">{shown}</time>'


def test_local_time_follows_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    with translation.override("en"):
        html = render("{{ moment|local_time }}", moment=MORNING)
    assert "2:28 a.m. UTC+5:30<" in html


def test_a_preview_names_the_zone_and_ends_with_one_full_stop(
    client, django_user_model
):
    staff = django_user_model.objects.create_user("editor", is_staff=True)
    client.force_login(staff)
    case_study = make_case_study(published_at=MORNING)
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert "visitors will see this from" in html
    assert "4:58 a.m. UTC+8</time>." in html
    assert "a.m.." not in html


def test_every_time_of_day_on_every_page_names_its_zone():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    tour = build_tour()
    found, times = {}, 0
    for page in tour.pages:
        html = tour.clients[page.who].get(page.url).content.decode()
        for text, after in TIME.findall(html):
            times += 1
            if "UTC" not in text + after:
                found.setdefault(page.name, []).append(text)
        if re.search(r"[ap]\.m\.\.", html):
            found.setdefault(page.name, []).append("a.m..")
    # The progress pages and the review queue show times: the check ran.
    assert times >= 3
    assert not found
