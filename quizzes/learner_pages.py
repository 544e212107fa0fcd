"""Whole-page caching of a learner's own pages: a question, My progress.

A learner comes back to the same pages of their own: the question they are
on after a reload or the back button, My progress between quizzes. Each is
rendered once for each state of their progress and then served from the
cache, under a key of their own (a keyed digest of their account or
anonymous token, never the token itself).

What makes a stored page stale:
- the learner's progress changed. Every change comes from a request the
  learner sends that is not GET or HEAD (answering, starting or finishing a
  quiz, a review, signing in or out, editing or deleting their data), or
  from opening a case study or tip (a reading). Either replaces the
  learner's version, and a page carries the version it was made in. The
  version is replaced after the change is committed, so a page made from
  the old rows can never carry the new version;
- staff changed content, or anything in the admin, including a learner's
  rows: the public pages' generation (awareness.page_cache) covers both;
- the CSRF secret changed (the page's forms carry a token made from it).

A page is stored only as a plain 200 that set no cookie, used no CSP nonce,
and changed nothing in the session; it is never served while a message is
waiting to be shown.
"""

import hashlib
import logging
import secrets
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.utils.translation import get_language_from_path

from awareness.page_cache import GENERATION_KEY, generation, seconds_to_keep
from awareness.throttle import pseudonym

from .models import LEARNER_SESSION_KEY, Reading

logger = logging.getLogger(__name__)


def owner(request):
    """Return whose progress this request sees, or "" for nobody's yet."""
    user = request.user
    if user.is_authenticated:
        return f"user:{user.pk}"
    key = request.session.get(LEARNER_SESSION_KEY, "")
    return f"session:{key}" if key else ""


def _version_key(digest):
    return f"learner:{digest}:version"


def retire(*owners):
    """Make every stored page of these learners stale."""
    keys = [_version_key(pseudonym(who)) for who in owners if who]
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:
        logger.exception("learner page cache unavailable")


def new_version(digest):
    """Start a version for a learner who has none; return the current one."""
    key, fresh = _version_key(digest), secrets.token_hex(6)
    # No page outlives this, so neither need the version.
    if cache.add(key, fresh, timeout=settings.PAGE_CACHE_SECONDS):
        return fresh
    # Another request started one meanwhile. If that one is gone already,
    # the fresh one matches no stored page, which is all a version must do.
    return cache.get(key) or fresh


def retire_after_changes(get_response):
    """Retire a learner's pages after every request that may change them.

    Who the learner is may change during the request (signing in or out),
    so both the learner before and the learner after are retired.
    """

    def middleware(request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return get_response(request)
        before = owner(request) if _has_session(request) else ""
        try:
            return get_response(request)
        finally:
            after = owner(request) if _has_session(request) else ""
            retire(before, after)

    return middleware


def _has_session(request):
    session = getattr(request, "session", None)
    return session is not None and (
        session.session_key is not None or bool(session.keys())
    )


def _retire_reader(sender, instance, created, **kwargs):
    if created:
        retire(
            f"user:{instance.user_id}"
            if instance.user_id
            else f"session:{instance.learner_key}"
        )


post_save.connect(_retire_reader, sender=Reading, dispatch_uid="learner_pages:reading")


def _secret_digest(request):
    # The cookie's value is the secret whenever a page was stored (see
    # _is_storable), so the cookie alone tells whether it is still the same.
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _page_key(request, digest, language):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    # The prefix names the stored format (see awareness.page_cache._key).
    return (
        f"learner-page-v1:{digest}:{language}:"
        f"{request.scheme}:{request.get_host()}:{path}"
    )


def _page_keys(request, digest, language):
    """Return the keys of a learner's page: the page, and the generation and
    the version it must belong to."""
    return [
        GENERATION_KEY,
        _version_key(digest),
        _page_key(request, digest, language),
    ]


# Whose pages each recent session showed, both as keyed digests: a guess
# that lets the next page of that session be fetched with the session
# itself. It is checked against the session before anything is served.
_owner_of_session = {}
REMEMBERED_SESSIONS = 10_000


def _session_digest(request):
    session = request.session
    # Only a session kept in the same cache as the pages can be read ahead.
    if (
        not hasattr(session, "prime")
        or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
        or session.session_key is None
    ):
        return None
    return pseudonym(session.session_key)


def _read_ahead(request, language):
    """Fetch the session, and the page its learner had last time, in one
    round trip; return what was found and that learner's digest, if any."""
    session_digest = _session_digest(request)
    digest = _owner_of_session.get(session_digest) if session_digest else None
    if digest is None:
        return {}, None
    session = request.session
    found = cache.get_many([session.cache_key, *_page_keys(request, digest, language)])
    session.prime(found.get(session.cache_key))
    return found, digest


def _remember(request, digest):
    session_digest = _session_digest(request)
    if session_digest is None:
        return
    if len(_owner_of_session) >= REMEMBERED_SESSIONS:
        _owner_of_session.clear()
    _owner_of_session[session_digest] = digest


def _is_storable(request, response):
    if not getattr(response, "is_learner_page", False):
        return False
    if response.status_code != 200 or response.streaming:
        return False
    # A token made from a secret the browser does not have yet is good for
    # this page only; the CSRF cookie sent again unchanged only renews it.
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if request.META.get("CSRF_COOKIE") != csrf_cookie:
        return False
    for name, morsel in response.cookies.items():
        if name != settings.CSRF_COOKIE_NAME or morsel.value != csrf_cookie:
            return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    return not request.session.modified


def cache_learner_page(view):
    """Let the `learner_pages` middleware keep this view's page for the learner."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_learner_page = True
        return response

    return wrapped


def learner_pages(get_response):
    """Serve a learner's own pages from their cache.

    It sits right below sessions, authentication and messages, which say
    who the learner is and whether a message waits; a hit skips locale,
    CSRF and everything below. A hit costs one round trip to the cache when
    the session is one seen lately (see `_read_ahead`), two otherwise: the
    session, then the page. Any page a learner asks for is looked up,
    since the address does not say whose view it is; the pages that are
    never kept cost a wasted round trip to the cache. Resolving the address
    first to skip them cost every kept page more (0.05–0.15 ms) than the
    round trip saves the others (about 0.2 ms on pages of 5 ms and more).
    """

    def middleware(request):
        if (
            request.method not in ("GET", "HEAD")
            or settings.PAGE_CACHE_SECONDS <= 0
            or settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return get_response(request)
        language = get_language_from_path(request.path_info)
        if not language:
            return get_response(request)
        try:
            found, guessed = _read_ahead(request, language)
        except Exception:
            logger.exception("learner page cache unavailable")
            found, guessed = {}, None
        who = owner(request)
        # A waiting message is shown once, by a page rendered for it.
        if not who or len(get_messages(request)):
            return get_response(request)
        digest = pseudonym(who)
        key = _page_key(request, digest, language)
        try:
            if digest != guessed:
                _remember(request, digest)
                found = cache.get_many(_page_keys(request, digest, language))
            current = (
                found.get(GENERATION_KEY) or generation(),
                found.get(_version_key(digest)) or new_version(digest),
                _secret_digest(request),
            )
        except Exception:
            logger.exception("learner page cache unavailable")
            return get_response(request)
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            _made_in, content, headers = stored
            return HttpResponse(content, headers=headers)
        response = get_response(request)
        if _is_storable(request, response):
            headers = {
                name: value
                for name, value in response.items()
                # Added again on the way out, by the middleware above this.
                if name not in ("Vary", "Cache-Control")
            }
            try:
                cache.set(
                    key,
                    (current, response.content, headers),
                    timeout=seconds_to_keep(),
                )
            except Exception:
                logger.exception("learner page cache unavailable")
        return response

    return middleware
