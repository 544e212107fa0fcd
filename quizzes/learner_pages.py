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
from django.core.cache import cache
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.utils.translation import get_language

from awareness.page_cache import GENERATION_KEY, generation, seconds_to_keep
from awareness.throttle import pseudonym

from .models import Reading

logger = logging.getLogger(__name__)

# Where an anonymous learner's token is kept in their session.
LEARNER_SESSION_KEY = "learner"


def owner(request):
    """Return whose progress this request sees, or "" for nobody's yet."""
    user = request.user
    if user.is_authenticated:
        return f"user:{user.pk}"
    key = request.session.get(LEARNER_SESSION_KEY, "")
    return f"session:{key}" if key else ""


def _version_key(who):
    return f"learner:{pseudonym(who)}:version"


def retire(*owners):
    """Make every stored page of these learners stale."""
    keys = [_version_key(who) for who in owners if who]
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:
        logger.exception("learner page cache unavailable")


def version(who):
    """Return the learner's current version, starting one if there is none."""
    key = _version_key(who)
    current = cache.get(key)
    if current is None:
        # No page outlives this, so neither need the version.
        cache.add(key, secrets.token_hex(6), timeout=settings.PAGE_CACHE_SECONDS)
        current = cache.get(key)
    return current


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
    secret = request.META.get("CSRF_COOKIE") or ""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _page_key(request, who):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return (
        f"learner-page:{pseudonym(who)}:{get_language()}:"
        f"{request.scheme}:{request.get_host()}:{path}"
    )


def _is_storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A token made from a secret the browser does not have yet (its cookie
    # is in this response) is good for this page only.
    if request.META.get("CSRF_COOKIE") != request.COOKIES.get(
        settings.CSRF_COOKIE_NAME
    ):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    return not request.session.modified


def cache_learner_page(view):
    """Serve this view's page from the learner's own page cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
            return view(request, *args, **kwargs)
        who = owner(request)
        # A waiting message is shown once, by a page rendered for it.
        if not who or len(get_messages(request)):
            return view(request, *args, **kwargs)
        key, version_key = _page_key(request, who), _version_key(who)
        try:
            # One round trip: the page, and the generation and the version
            # it must belong to.
            found = cache.get_many([GENERATION_KEY, version_key, key])
            current = (
                found.get(GENERATION_KEY) or generation(),
                found.get(version_key) or version(who),
                _secret_digest(request),
            )
        except Exception:
            logger.exception("learner page cache unavailable")
            return view(request, *args, **kwargs)
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            _made_in, content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _is_storable(request, response):
            try:
                cache.set(
                    key,
                    (current, response.content, response["Content-Type"]),
                    timeout=seconds_to_keep(),
                )
            except Exception:
                logger.exception("learner page cache unavailable")
        return response

    return wrapped
