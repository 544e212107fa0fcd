"""Easy-read mode: large text and targets, one column, plain summaries.

The choice lives in the visitor's session and nowhere else, so it needs no
account and goes when the session does. Reading a page never creates a
session: only switching the mode on does.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .templatetags.awareness_tags import site_path

SESSION_KEY = "easy_read"


def is_on(request):
    """Return True if this visitor switched easy-read mode on."""
    # Without a session cookie there is no session to read, and asking
    # would only cost a lookup for nothing.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY, False))


def switch(request, *, on):
    """Turn easy-read mode on or off for this visitor's session."""
    if on:
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
        # A session that held nothing else goes, with its row and cookie,
        # so that switching off leaves nothing behind.
        if not request.session.keys():
            request.session.flush()


def safe_next(request, url):
    """Return url if it is a page of this site, else the home page."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return reverse("home")


def context(request):
    """Template context processor: the mode, and where the switch returns to."""
    # A page shown after a POST (a form with errors) may answer only POST,
    # so the switch returns to the home page from there.
    # A path such as //host/ reads as another site's address, even in a
    # hidden field; it is kept to this site as the language links are.
    here = (
        site_path(request.get_full_path()) if request.method in ("GET", "HEAD") else ""
    )
    return {"easy_read": is_on(request), "easy_read_next": here}
