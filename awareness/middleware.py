import re

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from .languages import HONG_KONG, to_hongkong


def finish_response(get_response):
    """Give every response what Django has no setting or middleware for.

    It sits outermost, so static files, redirects and error pages get it too:
    - Cross-Origin-Resource-Policy keeps other sites from embedding our
      responses; Permissions-Policy turns off browser features the site
      never uses, so an injected script could not use them either;
    - X-Frame-Options for browsers too old for CSP's frame-ancestors (this
      replaces Django's XFrameOptionsMiddleware, which only covers views);
    - a response that says nothing about caching was rendered for this
      visitor (public pages say so, see page_cache), so no proxy may keep it;
    - HEAD gets GET's headers and no body, as HTTP requires: gunicorn drops
      the body too, but warns in the log for every HEAD request.
    """

    def middleware(request):
        response = get_response(request)
        response.setdefault("Cache-Control", "private, no-cache")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        )
        if not getattr(response, "xframe_options_exempt", False):
            response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    return middleware


# Hong Kong -----------------------------------------------------------------

HONG_KONG_PREFIX = "/zh-hk/"
# What the Hong Kong pages are rendered as, then converted from.
SOURCE_PREFIX = "/zh-hans/"
# Accept-Language tags that ask for Hong Kong's Traditional Chinese.
HONG_KONG_TAGS = {"zh-hk", "zh-hant-hk"}
CONVERTED_TYPES = ("text/html", "application/manifest+json")
# Links to another language (the switcher, hreflang alternates) keep their
# address and their text: each names its language in that language.
OTHER_LANGUAGE = re.compile(
    r"<a\b[^>]*\bhreflang=[^>]*>.*?</a>|<link\b[^>]*\bhreflang=[^>]*>", re.S
)


def hong_kong_variant(get_response):
    """Serve /zh-hk/ pages: the Simplified page, converted whole to Hong Kong's.

    Hong Kong is a regional variant with no content or catalogue of its own
    (README, Languages): the request is answered as /zh-hans/…, so content,
    the interface and Django's own messages all come from the Simplified,
    and the response is converted with awareness.languages.to_hongkong,
    links included. A first visit with no language in the address follows
    Accept-Language to /zh-hk/ when the reader prefers zh-HK.
    """

    def middleware(request):
        path = request.path_info
        if path == HONG_KONG_PREFIX.rstrip("/") or path.startswith(HONG_KONG_PREFIX):
            request.path_info = SOURCE_PREFIX + path[len(HONG_KONG_PREFIX) :]
            request.path = request.META["SCRIPT_NAME"].rstrip("/") + request.path_info
            request.META["PATH_INFO"] = request.path_info
            request.page_language = HONG_KONG
            return _to_hong_kong(get_response(request))
        response = get_response(request)
        if (
            response.status_code in (301, 302)
            and response.get("Location", "").startswith("/zh-hant/")
            and translation.get_language_from_path(path) is None
            and prefers_hong_kong(request)
        ):
            response["Location"] = HONG_KONG_PREFIX + response["Location"][9:]
        return response

    return middleware


def prefers_hong_kong(request):
    """Whether a visitor's first Chinese choice in Accept-Language is Hong Kong.

    Django's own choice stands unless a Hong Kong tag comes before every
    other tag Django can serve; a language cookie wins, as in Django.
    """
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return False
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _quality in parse_accept_lang_header(header):
        if tag in HONG_KONG_TAGS:
            return True
        try:
            translation.get_supported_language_variant(tag)
        except LookupError:
            continue
        return False
    return False


def _to_hong_kong(response):
    location = response.get("Location", "")
    if location.startswith(SOURCE_PREFIX):
        response["Location"] = HONG_KONG_PREFIX + location[len(SOURCE_PREFIX) :]
    if response.has_header("Content-Language"):
        response["Content-Language"] = HONG_KONG
    content_type = response.get("Content-Type", "")
    if response.streaming or not content_type.startswith(CONVERTED_TYPES):
        return response
    charset = response.charset or "utf-8"
    response.content = hong_kong_page(response.content.decode(charset)).encode(charset)
    # CommonMiddleware, inside, counted the Simplified body.
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def hong_kong_page(text):
    """Return a Simplified page (HTML or the manifest) as Hong Kong's page."""
    parts = []
    end = 0
    for match in OTHER_LANGUAGE.finditer(text):
        parts += [_hong_kong_part(text[end : match.start()]), match.group()]
        end = match.end()
    parts.append(_hong_kong_part(text[end:]))
    return "".join(parts)


def _hong_kong_part(text):
    text = to_hongkong(text)
    for source, target in (
        (SOURCE_PREFIX, HONG_KONG_PREFIX),
        ("%2Fzh-hans%2F", "%2Fzh-hk%2F"),
        ('"lang": "zh-hans"', f'"lang": "{HONG_KONG}"'),
    ):
        text = text.replace(source, target)
    return text
