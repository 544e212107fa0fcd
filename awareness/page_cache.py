"""Whole-page caching of the public pages, for visitors with no session.

A news story can send thousands of first-time readers to the same few
pages; they all get one rendering per page and language, served from the
cache. Anyone with a session (a learner with progress, a signed-in user,
staff previewing drafts, a pending message) gets the page rendered for
them, and a page is stored only when nothing in it belongs to the visitor:
no cookie set, no CSRF token, no CSP nonce, no message.

Views opt in with `cache_public_page`; the `public_pages` middleware does
the caching. It sits above sessions, CSRF, locale, authentication and
messages, which have nothing to do for a first-time visitor's cached page,
so a hit skips them; it stores the headers they added with the page.

Staff edits take effect at once: every stored page carries the generation
it was made in, a number that any save of content, and any change made in
the admin, replaces; a page from an older generation is made again. An
item scheduled for later appears on time: no page is kept past the moment
the next scheduled item is due.
"""

import hashlib
import logging
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language_from_path

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# The watched models that schedule publication with `published_at`.
SCHEDULED = []
# Cookies that say nothing about the visitor: a page may be shared despite
# them (the CSRF cookie only matters to forms, and no cached page has one).
NEUTRAL_COOKIES = ("CSRF_COOKIE_NAME", "LANGUAGE_COOKIE_NAME")


def generation():
    """Return the current generation, starting one if there is none."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, secrets.token_hex(6), timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def invalidate(**kwargs):
    """Retire every cached page at once (a signal receiver, too)."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(6), timeout=None)
    except Exception:
        logger.exception("page cache unavailable")


def watch(*models):
    """Retire cached pages whenever one of these models changes."""
    for model in models:
        if hasattr(model, "published_at"):
            SCHEDULED.append(model)
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                invalidate,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}",
            )


def invalidate_after_admin_changes(get_response):
    """Retire cached pages after any change made through the admin.

    Admin actions and imports may write with update() or bulk_create(),
    which send no signals; a successful admin POST covers them all.
    """

    def middleware(request):
        response = get_response(request)
        match = request.resolver_match
        if (
            request.method == "POST"
            and match is not None
            and match.namespace == "admin"
            and response.status_code < 400
        ):
            invalidate()
        return response

    return middleware


def seconds_to_keep():
    """Return how long a page may stay: until the next scheduled item is due.

    One query, made only when a page is stored.
    """
    timeout = settings.PAGE_CACHE_SECONDS
    now = timezone.now()
    due = [
        model.objects.filter(is_published=True, published_at__gt=now)
        .order_by()
        .values_list("published_at", flat=True)
        for model in SCHEDULED
    ]
    if due:
        first = due[0].union(*due[1:]).order_by("published_at").first()
        if first is not None:
            timeout = min(timeout, int((first - now).total_seconds()) + 1)
    return timeout


def _is_anonymous_visit(request):
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    neutral = {getattr(settings, name) for name in NEUTRAL_COOKIES}
    return all(name in neutral for name in request.COOKIES)


def _is_shareable(request, response):
    """Return True if nothing in the response belongs to this visitor."""
    if not getattr(response, "is_public_page", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control"):
        return False
    # A form's CSRF token, a CSP nonce, a new session or a message are the
    # visitor's own.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and messages.added_new)


def _key(request):
    """Return the page's key, or None for an address without a language.

    Host and scheme appear in the page (canonical link), the language in
    every string; the path keeps its query, which the page may echo.
    """
    language = get_language_from_path(request.path_info)
    if language is None:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    # The prefix names the stored format: servers of an older release may
    # still be running, and read and write the same cache.
    return f"page-v2:{language}:{request.scheme}:{request.get_host()}:{path}"


def _finish(request, response, etag):
    response["ETag"] = etag
    # Browsers and proxies may keep the page but must ask before reusing it,
    # which costs a 304 when nothing changed.
    response["Cache-Control"] = "no-cache"
    # A signed-in visitor sends a session cookie and must not get this copy.
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(request, etag=etag, response=response)


def cache_public_page(view):
    """Let the `public_pages` middleware share this view's page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_public_page = True
        return response

    return wrapped


def public_pages(get_response):
    """Serve visitors with no session the public pages from the cache."""

    def middleware(request):
        key = _key(request) if _is_anonymous_visit(request) else None
        if key is None:
            return get_response(request)
        try:
            # One round trip: the page, and the generation it must belong to.
            found = cache.get_many([GENERATION_KEY, key])
            current = found.get(GENERATION_KEY) or generation()
        except Exception:
            logger.exception("page cache unavailable")
            return get_response(request)
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            _generation, content, headers = stored
            response = HttpResponse(content, headers=headers)
            return get_conditional_response(
                request, etag=headers["ETag"], response=response
            )
        response = get_response(request)
        if not _is_shareable(request, response):
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response = _finish(request, response, etag)
        if response.status_code == 200:
            try:
                cache.set(
                    key,
                    (current, response.content, dict(response.items())),
                    timeout=seconds_to_keep(),
                )
            except Exception:
                logger.exception("page cache unavailable")
        return response

    return middleware
