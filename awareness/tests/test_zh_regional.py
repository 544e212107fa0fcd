"""Local help for readers in Taiwan and Hong Kong, each number with its source."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from .test_languages import visible_text

GUIDE = "guides/information-leaked/"
HOTLINES = ("tel:165", "tel:18222", "tel:999")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


@pytest.mark.parametrize(
    ("prefix", "local_name"),
    [("/zh-hant/", "內政部警政署165反詐騙諮詢專線"), ("/zh-hk/", "「防騙易」熱線")],
)
def test_traditional_guide_gives_the_local_numbers(client, content, prefix, local_name):
    response = client.get(prefix + GUIDE)
    for tel in HOTLINES:
        assertContains(response, f'href="{tel}"')
    assertContains(response, 'id="regional-help"')
    text = visible_text(response)
    assert "110、96110和12321都是中國大陸的號碼" in text
    assert local_name in text


@pytest.mark.parametrize("prefix", ["/en/", "/zh-hans/"])
def test_mainland_guide_has_no_regional_block(client, content, prefix):
    response = client.get(prefix + GUIDE)
    assertNotContains(response, 'id="regional-help"')


@pytest.mark.parametrize("prefix", ["/en/", "/zh-hans/", "/zh-hant/", "/zh-hk/"])
def test_footer_labels_110_as_mainland_and_gives_local_numbers(client, content, prefix):
    response = client.get(prefix)
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    for tel in ("tel:110", *HOTLINES):
        assert f'href="{tel}"' in footer, tel
    if prefix != "/en/":
        assert "大陆" in footer or "大陸" in footer
    else:
        assert "In the mainland" in footer


def test_every_regional_source_is_in_sources_toml():
    with open(Path(settings.BASE_DIR) / "awareness/content/sources.toml", "rb") as file:
        urls = {source.get("url") for source in tomllib.load(file)["source"]}
    html = (TEMPLATES / "includes/regional_help.html").read_text()
    cited = {
        url.replace("&amp;", "&") for url in re.findall(r'href="(https://[^"]+)"', html)
    }
    assert len(cited) == 3
    assert cited <= urls


def test_regional_sources_are_listed_on_the_about_page(client, content):
    response = client.get("/zh-hk/about/")
    for address in ("adcc.gov.hk", "police.gov.hk/ppp_en", "miaoli.gov.tw"):
        assertContains(response, address)
