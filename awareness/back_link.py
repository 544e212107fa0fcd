"""A way back from a teaching page to the question that linked to it.

"Learn more" in quiz feedback opens a case, tip, guide or the chain page
with ?back=<the question's path>. The page offers a link back only when
that value is a path on this site that a route answers: never another
host ("//evil.example", "https://…", "/\\evil.example"), a scheme
("javascript:"), or anything with control characters. Anything else is
ignored, not an error: the page shows without the link.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

PARAMETER = "back"
MAX_LENGTH = 300

# What the link says, by the name of the route it leads back to.
LABELS = {
    "quizzes:question": _("Back to the question"),
    "quizzes:attempt_detail": _("Back to your result"),
}
DEFAULT_LABEL = _("Back to where you were")


def safe_back(value):
    """Return value if it is a same-site path a route answers, else ""."""
    if not value or len(value) > MAX_LENGTH:
        return ""
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return ""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return ""
    # Django's own check for redirects: no host and no scheme, however
    # spelt (browsers read "/\\host" and "\\\\host" as another host).
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return ""
    if "\\" in value:
        return ""
    return value if _resolve(urlsplit(value).path) else ""


def _resolve(path):
    """Return the route that answers path in any of the site's languages."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                return resolve(path)
            except Resolver404:
                continue
    return None


def back_link(request):
    """Return (url, label) of the way back this request offers, or None.

    The way back is in the page's language: a learner who switched
    language on the teaching page goes back to the question in it.
    """
    url = safe_back(request.GET.get(PARAMETER, ""))
    if not url:
        return None
    parts = urlsplit(url)
    match = _resolve(parts.path)
    try:
        path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        path = parts.path
    url = parts._replace(path=path).geturl()
    return url, LABELS.get(match.view_name, DEFAULT_LABEL)


def with_back(url, back):
    """Return url with ?back=<back>, before any #fragment; url alone if no back."""
    if not back:
        return url
    path, hash_mark, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({PARAMETER: back})}{hash_mark}{fragment}"
