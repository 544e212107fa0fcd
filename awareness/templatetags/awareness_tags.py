import re

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from awareness import back_link as back_links
from awareness.languages import bcp47, site_languages
from awareness.rendering import link_hotlines, render_markdown
from quizzes.review import utc_offset_label

register = template.Library()


@register.filter(is_safe=True)
def markdown(text):
    """Render staff-written Markdown as sanitised HTML."""
    return mark_safe(render_markdown(text or ""))


@register.filter(is_safe=True)
def hotlines(text):
    """Return text with its hotline numbers as tel: links, escaped if plain.

    For fields shown as they are; Markdown (the markdown filter) has its
    hotlines linked already.
    """
    return mark_safe(link_hotlines(str(conditional_escape(text or ""))))


def _plain_text(text):
    """Return Markdown as the words a reader sees, for excerpts."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}\s|>\s?|[-*+]\s|\d+\.\s|\|)\s*", "", text)
    text = re.sub(r"\*\*|__|`", "", text)
    return text.replace("|", " ")


# Chinese characters and full-width punctuation: no space goes between them,
# nor after a full-width stop or comma, nor before one, whatever follows.
CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e"
STOPS = "。！？，、；："
CJK_GAP = re.compile(
    f"(?<=[{CJK}]) (?=[{CJK}“‘])|(?<=[{CJK}”’]) (?=[{CJK}])|(?<=[{STOPS}]) | (?=[{STOPS}])"
)


def _collapse(text):
    """Return text on one line: one space between words, none in Chinese."""
    return CJK_GAP.sub("", " ".join(text.split()))


def _word_break(text, position, reach=20):
    """Return a place near position to cut text: between words if any.

    Chinese has no spaces between words, so it is cut at the position.
    """
    space = text.rfind(" ", max(position - reach, 0), position)
    return space + 1 if space >= 0 else position


@register.simple_tag
def highlight(text, terms, width=220):
    """Return an escaped excerpt of text around the first term, terms marked."""
    text = _collapse(_plain_text(text or ""))
    pattern = re.compile("|".join(re.escape(t) for t in terms if t), re.IGNORECASE)
    match = pattern.search(text) if terms else None
    start = 0
    if match and match.start() > width // 2:
        start = _word_break(text, match.start() - width // 3)
    end = start + width
    if end < len(text):
        end = _word_break(text, end)
    excerpt = text[start:end].strip()
    # An ellipsis takes a space in English, none in Chinese.
    prefix = suffix = ""
    if start:
        prefix = "…" if re.match(f"[{CJK}]", excerpt) else "… "
    if end < len(text):
        suffix = "…" if re.search(f"[{CJK}]$", excerpt) else " …"
    if not terms:
        return prefix + excerpt + suffix
    parts, last = [], 0
    for found in pattern.finditer(excerpt):
        parts.append(escape(excerpt[last : found.start()]))
        parts.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    parts.append(escape(excerpt[last:]))
    return mark_safe(escape(prefix) + "".join(parts) + escape(suffix))


@register.filter
def local_time(moment):
    """Return a <time> with the date and time in the site's zone, named.

    "Dec. 8, 2026, 4:58 a.m. UTC+8": a learner abroad can tell when that
    is, and a sentence that ends with it has one full stop, not "a.m..".
    """
    if not moment:
        return ""
    moment = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{} {}</time>',
        moment.isoformat(timespec="minutes"),
        date_format(moment, "DATETIME_FORMAT"),
        utc_offset_label(moment),
    )


@register.filter
def verbose_name(obj):
    """Return the model's human name, for labelling mixed search results."""
    return capfirst(obj._meta.verbose_name)


@register.filter
def described(field):
    """Render a form field tied to its error and help text for screen readers."""
    ids = []
    attrs = {}
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return field.as_widget(attrs=attrs)


@register.filter
def lang_attribute(code):
    """Return a language code as HTML's lang and hreflang spell it."""
    return bcp47(code or "en")


def site_path(path):
    """Return path as a path on this site.

    Browsers read //host/… and /\\host/… as another host's address.
    """
    return "/" + path.lstrip("/\\")


@register.simple_tag(takes_context=True)
def languages(context):
    """Return this page in every language, for the switcher and hreflang."""
    request = context.get("request")
    path = site_path(request.get_full_path()) if request else "/"
    # A regional variant's page is rendered in the language it comes from.
    current = getattr(request, "page_language", None) or get_language()
    return [
        {
            "code": code,
            "lang": bcp47(code),
            "name": get_language_info(code)["name_local"],
            "url": (url := translate_url(path, code)),
            "absolute_url": settings.SITE_URL + url,
            "is_current": code == current,
        }
        for code in site_languages()
    ]


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Return the page's address without its query, for rel=canonical."""
    request = context.get("request")
    path = escape_uri_path(site_path(request.path)) if request else "/"
    return settings.SITE_URL + path


@register.simple_tag
def share_image_url(kind="home", slug=""):
    """Return the absolute address of a page's share image."""
    if kind == "home" or not slug:
        return settings.SITE_URL + reverse("share_image_home")
    return settings.SITE_URL + reverse("share_image", args=[kind, slug])


@register.simple_tag(takes_context=True)
def back_link(context):
    """Return (url, label) of the validated ?back= of this page, or None."""
    request = context.get("request")
    return request and back_links.back_link(request)


@register.filter
def with_back(url, back):
    """Add ?back= to a teaching page's URL, so that it offers a way back."""
    return back_links.with_back(url, back)
