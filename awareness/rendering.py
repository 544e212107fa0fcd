import re
from functools import lru_cache

import markdown
import nh3

# What staff may use in Markdown: structure and emphasis, never scripts,
# styles, frames or event handlers.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


# The mainland hotlines the pages tell readers to call. On a phone a number
# should be one tap away, so each becomes a tel: link wherever text names
# it. Numbers that are also ordinary counts (165, 999) are linked where
# templates write them, not guessed at here.
HOTLINE = re.compile(
    r"(?<![\d.,:/\-])(96110|12321|12381|18222|110)(?!\d|[.,:]\d|[%/\-])"
)
# Tags, whole links and code: text inside them is left alone.
MARKUP = re.compile(r"(<a\b.*?</a>|<code>.*?</code>|<pre>.*?</pre>|<[^>]*>)", re.DOTALL)


def link_hotlines(html):
    """Return the HTML with hotline numbers in its text made tel: links."""
    parts = MARKUP.split(html)
    for n in range(0, len(parts), 2):
        parts[n] = HOTLINE.sub(r'<a href="tel:\1">\1</a>', parts[n])
    return "".join(parts)


@lru_cache(maxsize=1024)
def render_markdown(text):
    """Return sanitised HTML for Markdown text written by staff."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return link_hotlines(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )
