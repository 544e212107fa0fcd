"""Leaflets as they print, and the pictures as a phone shows them."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from awareness.models import CaseStudy, PrecautionTip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _leaflet_paths(language):
    with translation.override(language):
        items = [*PrecautionTip.objects.all(), *CaseStudy.objects.all()]
        return [item.get_absolute_url() + "leaflet/" for item in items]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_leaflet_prints_on_one_a4_page(live_server, open_context, language):
    call_command("load_content", verbosity=0)
    page = open_context("desktop", language=language).new_page()
    paths = _leaflet_paths(language)
    assert len(paths) == 8
    for path in paths:
        page.goto(path)
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, path


def test_print_button_appears_only_with_javascript(live_server, open_context):
    call_command("load_content", verbosity=0)
    path = _leaflet_paths("en")[0]
    page = open_context("phone").new_page()
    page.goto(path)
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    quiet = open_context("phone", javascript=False).new_page()
    quiet.goto(path)
    expect(quiet.get_by_role("button", name="Print")).to_be_hidden()
    expect(quiet.get_by_role("link", name="Back to the page")).to_be_visible()


def test_steps_stack_on_a_phone_and_sit_beside_the_text_on_a_desktop(
    live_server, open_context
):
    call_command("load_content", verbosity=0)
    path = CaseStudy.objects.first().get_absolute_url()
    phone = open_context("narrow").new_page()
    phone.goto(path)
    steps = phone.locator(".steps__item")
    first, second = steps.nth(0).bounding_box(), steps.nth(1).bounding_box()
    assert second["y"] > first["y"] + first["height"] - 1
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
    desktop = open_context("desktop").new_page()
    desktop.goto(path)
    text = desktop.locator(".case-layout__text").bounding_box()
    pictures = desktop.locator(".case-layout__visuals").bounding_box()
    assert pictures["x"] >= text["x"] + text["width"]
    assert abs(pictures["y"] - text["y"]) < 2
