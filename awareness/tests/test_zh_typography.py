"""Chinese typography on every rendered Chinese page and in the catalogues.

Rules, for Simplified, Taiwan and Hong Kong pages alike:
- no space after full-width punctuation (。！？，、；：) nor before it;
- no space between two Chinese characters, search snippets included;
- no ASCII , ; : ? ! between Chinese characters (full-width inside Chinese);
- numbers and units written one way: no space between a number and the
  Chinese word after or before it (「1个」, 「90天」, 「第3题」).

Text is read per block (paragraph, list item, heading, cell, button…) as a
browser lays it out: inline elements join with exactly the whitespace of the
HTML, since a line break between two Chinese characters shows as a space.

A failure in text that comes from the content TOML, which other writers
own, is allowed only when named in CONTENT_EXCEPTIONS; the list is reported
to them and should shrink to nothing.
"""

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation

from awareness.management.commands.convert_messages import SOURCE, TARGET
from awareness.models import CaseStudy, Guide, PrecautionTip
from awareness.templatetags.awareness_tags import highlight

from .tour import build_tour

HAN = "\u3400-\u9fff\uf900-\ufaff"
FULL_WIDTH = "。！？，、；："
UNITS = (
    "个條条次天年月日号號元人名家处處题題分秒周週岁歲万萬亿億位张張件起项項篇道页頁倍"
)
RULES = {
    "space after full-width punctuation": re.compile(f"[{FULL_WIDTH}] +\\S"),
    "space before full-width punctuation": re.compile(f"\\S +[{FULL_WIDTH}]"),
    "space between Chinese characters": re.compile(f"[{HAN}] +[{HAN}]"),
    "ASCII punctuation in Chinese": re.compile(f"[{HAN}] ?[,;:?!] ?[{HAN}]"),
    # A number and its measure word or unit, 「第」 or 「共」 and a number.
    "space between a number and its unit": re.compile(
        f"[0-9] +[{UNITS}]|[第共约近逾] +[0-9]"
    ),
}

# Text that breaks a rule but is not ours to fix here, each with where it
# comes from; the excerpts are matched in Simplified and Traditional. Remove
# an entry once its text is fixed: the test then keeps it fixed.
CONTENT_EXCEPTIONS = {
    # awareness/content/sources.toml, source 1, author_zh_hans.
    "记者 张天培；插图 李强": "sources.toml peoples-daily-2025-04-21 author_zh_hans",
    "記者 張天培；插圖 李強": "the same, converted",
    # The headline as the Ministry published it, with its space.
    "黑灰产 产业链曝光": "sources.toml mps-summary-2025-04-21 title_zh_hans",
    "黑灰產 產業鏈曝光": "the same, converted",
}
# Quiz templates once joined two translated sentences with a space; each is
# one message now, and this stays empty so that every template is checked.
QUIZ_TEMPLATE_EXCEPTIONS = {}
# Django's own zh_Hans catalogue: 「密码必须包含至少 8 个字符。」
DJANGO_EXCEPTIONS = {"至少 8 个字符": "django/contrib/auth password validators"}
EXCEPTIONS = {**CONTENT_EXCEPTIONS, **QUIZ_TEMPLATE_EXCEPTIONS, **DJANGO_EXCEPTIONS}
# Elements laid out on their own although inline in the HTML (site.css):
# the basis under a key figure is a block; a tag is a pill.
APART = {"figures__basis", "tag"}
# Text shown as another writer wrote it, not in the site's own voice: a
# mock-up copies the screen it imitates (a call's 「北京 移动」 line), and
# a source's title and byline are cited as published.
VERBATIM = {"mock", "source-index__title", "source-index__meta"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "button", "caption",
    "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot",
    "th", "thead", "title", "tr", "ul",
}  # fmt: skip


class Blocks(HTMLParser):
    """Collect the text of each block as a browser would lay it out."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        self.current = []
        self.hidden = 0
        self.verbatim = 0
        # For each open element: laid out apart, and shown verbatim.
        self.open = []

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        classes = set((dict(attrs).get("class") or "").split())
        if tag in BLOCKS or classes & APART:
            self.flush()
        if tag not in VOID:
            verbatim = bool(classes & VERBATIM)
            self.verbatim += verbatim
            self.open.append((bool(classes & APART), verbatim))
        for name, value in attrs:
            if name in ("aria-label", "alt", "placeholder", "title") and value:
                self.blocks.append(" ".join(value.split()))
            if tag == "meta" and name == "content" and value:
                self.blocks.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1
        apart, verbatim = self.open.pop() if self.open else (False, False)
        self.verbatim -= verbatim
        if tag in BLOCKS or apart:
            self.flush()

    def handle_data(self, data):
        if self.hidden or self.verbatim:
            return
        if data.isspace():
            # Only whitespace between two elements: they are laid out apart
            # (a number and its title, a figure and its badge, flex items);
            # whitespace inside a sentence's text counts.
            self.flush()
        else:
            self.current.append(data)

    def close(self):
        super().close()
        self.flush()


def blocks_of(html):
    parser = Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


# A separator between the parts of a title or a byline: 「标题 · 网站名」.
SEPARATOR = re.compile(r" [·|/›] ")


def breaches(text):
    """Return (rule, excerpt) for every place text breaks a rule."""
    text = SEPARATOR.sub("·", text)
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            start, end = max(match.start() - 8, 0), match.end() + 8
            found.append((rule, text[start:end]))
    return found


def excepted(excerpt):
    return any(text in excerpt for text in EXCEPTIONS)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("你找出了1个。 你把…", ["space after full-width punctuation"]),
        (
            "植入木马程序 和 内外人员勾结 。",
            ["space before full-width punctuation", "space between Chinese characters"],
        ),
        ("是诈骗吗?请核实", ["ASCII punctuation in Chinese"]),
        ("共 3 题", ["space between a number and its unit"]),
        ("至少 8 个字符", ["space between a number and its unit"]),
        ("96110 反诈预警劝阻专线", []),
        ("你找出了1个。你把1处无害内容误当成了破绽。", []),
        ("用OpenCC转换，拨打96110。", []),
        ("Call 110 now. Then check.", []),
    ],
)
def test_the_rules(text, rules):
    assert {rule for rule, _excerpt in breaches(text)} == set(rules)


def test_blocks_join_inline_text_as_written():
    html = "<p>植入<strong>木马</strong>程序\n和</p><li>一</li><li>二</li>"
    assert blocks_of(html) == ["植入木马程序 和", "一", "二"]


@pytest.mark.parametrize("path", [SOURCE, TARGET])
def test_catalogues_follow_chinese_typography(path):
    with open(path, "rb") as file:
        catalog = read_po(file)
    left = {}
    for message in catalog:
        if not message.id:
            continue
        strings = (
            message.string if isinstance(message.string, tuple) else [message.string]
        )
        for string in strings:
            text = " ".join(re.sub(r"<[^>]+>", "", string).split())
            if found := breaches(text):
                left[string] = found
    assert left == {}


def chinese_pages(language):
    """Every page of the tour and every article, in a Chinese language."""
    source = "zh-hans" if language == "zh-hk" else language
    tour = build_tour(source)
    visitor = tour.clients["visitor"]
    pages = [(page.url, tour.clients[page.who], page.status) for page in tour.pages]
    with translation.override(source):
        pages += [
            (item.get_absolute_url(), visitor, 200)
            for model in (CaseStudy, PrecautionTip, Guide)
            for item in model.objects.published()
        ]
        # Snippets around a word in the middle of the text, and markup.
        for query in ("木马", "内外人员", "快递", "96110"):
            pages.append((reverse("search") + f"?q={query}", visitor, 200))
    prefix = f"/{source}/"
    if language == "zh-hk":
        pages = [
            ("/zh-hk/" + url.removeprefix(prefix), client, status)
            for url, client, status in pages
            if url.startswith(prefix)
        ]
    return [page for page in pages if page[0].startswith(f"/{language}/")]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "zh-hk"])
def test_chinese_pages_follow_chinese_typography(db, language):
    pages = chinese_pages(language)
    assert len(pages) > 20
    left = {}
    for url, client, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        for block in blocks_of(response.content.decode()):
            for rule, excerpt in breaches(block):
                if not excepted(excerpt):
                    left.setdefault(url, []).append((rule, excerpt))
    assert left == {}


@pytest.mark.parametrize(
    ("text", "terms", "excerpt"),
    [
        (
            "**植入木马程序**和**内外人员勾结**。\n\n96110来电要接。",
            ["木马"],
            "植入<mark>木马</mark>程序和内外人员勾结。96110来电要接。",
        ),
        (
            "没有“安全账户”。\n\n“内鬼”还原",
            ["内鬼"],
            "没有“安全账户”。“<mark>内鬼</mark>”还原",
        ),
        (
            "Change your **passwords** regularly.\n\nThen check.",
            ["passwords"],
            "Change your <mark>passwords</mark> regularly. Then check.",
        ),
        ("Call “96110” now.", ["96110"], "Call “<mark>96110</mark>” now."),
    ],
)
def test_search_snippets_keep_chinese_unspaced(text, terms, excerpt):
    assert highlight(text, terms) == excerpt


def test_a_cut_chinese_snippet_has_no_space_at_the_ellipsis():
    text = "前" * 400 + "木马" + "后" * 400
    excerpt = highlight(text, ["木马"])
    assert excerpt.startswith("…前")
    assert excerpt.endswith("后…")
