"""Rate limits and sign-in lockouts, counted in Django's cache.

Each limit is a fixed window: at most `count` events per `seconds` for one
client. With REDIS_URL every app server shares the counters, and Redis's
INCR makes each count exact; without, the workers of one server share them
in files (settings.CACHES), where two failures at the same instant may
count as one.

Counter keys hold digests, never an address or a username, so the cache
keeps no personal data either. If the cache is down, limits fail open: a
missed limit is better than a site that refuses everyone.
"""

import hashlib
import hmac
import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import ngettext

from quizzes.models import learner_identity, learner_key

from .addresses import client_ip, network

logger = logging.getLogger("awareness.security")


def pseudonym(value):
    """Return a short keyed digest: the same for the same value, unreadable."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), str(value).encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


def parse_rate(rate):
    """Return (count, seconds) from "count/seconds", or None if switched off."""
    if not rate or rate == "off":
        return None
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def get_rate(scope):
    return parse_rate(settings.RATE_LIMITS.get(scope))


def _window(scope, ident):
    """Return the counter's key, limit and length, and the seconds left."""
    rate = get_rate(scope)
    if rate is None:
        return None
    count, seconds = rate
    now = time.time()
    start = int(now // seconds)
    key = f"throttle:{scope}:{pseudonym(ident)}"
    return f"{key}:{start}", count, seconds, math.ceil((start + 1) * seconds - now)


def _lock_key(scope, ident):
    return f"throttle:{scope}:{pseudonym(ident)}:locked"


def hit(scope, ident, *, lock=False):
    """Count one event; return the seconds to wait if it is over the limit.

    With `lock`, reaching the limit locks the client out for a whole period
    from now, not just until the current window ends.
    """
    window = _window(scope, ident)
    if window is None:
        return 0
    key, limit, seconds, left = window
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            count = cache.incr(key)
        except ValueError:
            # The window ended between add() and incr(): start the next one.
            cache.add(key, 1, timeout=seconds)
            count = 1
        if count is None:
            # Redis did not answer, and django-redis said so with None.
            return 0
        if lock and count >= limit:
            cache.set(_lock_key(scope, ident), time.time() + seconds, seconds)
    except Exception:
        logger.exception("rate limit unavailable", extra={"scope": scope})
        return 0
    return left if count > limit else 0


def over(scope, ident):
    """Return the seconds to wait if the limit is reached, counting nothing."""
    window = _window(scope, ident)
    if window is None:
        return 0
    key, limit, _seconds, left = window
    try:
        locked_until = cache.get(_lock_key(scope, ident))
        # None, not 0, when Redis does not answer.
        count = cache.get(key) or 0
    except Exception:
        logger.exception("rate limit unavailable", extra={"scope": scope})
        return 0
    if locked_until is not None:
        return max(1, math.ceil(locked_until - time.time()))
    return left if count >= limit else 0


def reset(scope, ident):
    window = _window(scope, ident)
    if window is not None:
        try:
            cache.delete_many([window[0], _lock_key(scope, ident)])
        except Exception:
            logger.exception("rate limit unavailable", extra={"scope": scope})


def too_many_requests(request, retry_after, message="", *, lockout=False):
    """Render the friendly 429 page, saying when to try again."""
    minutes = max(1, math.ceil(retry_after / 60))
    if not message:
        message = ngettext(
            "You are going faster than a person reading would. Please wait "
            "a minute, then try again.",
            "You are going faster than a person reading would. Please wait "
            "%(minutes)d minutes, then try again.",
            minutes,
        ) % {"minutes": minutes}
    response = render(
        request, "429.html", {"message": message, "lockout": lockout}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def client_key(request):
    """Return who is asking: the learner, else the browser's session.

    A learner is named as everywhere else (the account, else the session's
    learner token); a visitor who has not started learning is counted by
    session. A visitor without a session yet is nobody in particular
    (None): counting first visits per network would let 30 people on one
    network lock everyone else there out, so only the network's higher
    ceiling counts them.
    """
    user = request.user
    learner = learner_identity(
        user.pk if user.is_authenticated else None, learner_key(request)
    )
    if learner:
        return learner
    if request.session.session_key:
        return f"session:{request.session.session_key}"
    return None


def rate_limit(*, per_client=None, per_network=None):
    """Limit a view's POSTs per client and per network, by scope name."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                checks = []
                client = client_key(request) if per_client else None
                if client is not None:
                    checks.append((per_client, client))
                if per_network:
                    checks.append((per_network, network(client_ip(request))))
                for scope, ident in checks:
                    retry_after = hit(scope, ident)
                    if retry_after:
                        logger.warning(
                            "rate limited",
                            extra={
                                "event": "rate_limited",
                                "scope": scope,
                                "network": network(client_ip(request)),
                            },
                        )
                        return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Sign-in lockout. Failures count per (account, network) pair, so that
# nobody can lock a learner out from elsewhere, and per network across
# accounts, so that one network cannot try a password on every account.


def _login_idents(request, username):
    net = network(client_ip(request))
    return (("login", f"{str(username).casefold()}|{net}"), ("login-ip", net))


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses to check passwords during a lockout.

    Refusing before the password hash also keeps a locked-out attacker from
    spending the server's CPU on slow hashes.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and username is not None:
            retry_after = max(
                over(scope, ident) for scope, ident in _login_idents(request, username)
            )
            if retry_after:
                request.login_lockout = retry_after
                logger.warning(
                    "sign-in locked out",
                    extra={
                        "event": "login_locked",
                        "account": pseudonym(str(username).casefold()),
                        "network": network(client_ip(request)),
                    },
                )
                # Stops authenticate() from trying any other backend.
                raise PermissionDenied
        return super().authenticate(request, username, password, **kwargs)


class LockoutMiddleware:
    """Answer a locked-out sign-in with the 429 page, whichever form it was.

    The site's sign-in and the admin's both authenticate through the backend
    above; this replaces their "wrong password" page with a clear lockout.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        retry_after = getattr(request, "login_lockout", 0)
        if retry_after:
            minutes = max(1, math.ceil(retry_after / 60))
            return too_many_requests(
                request,
                retry_after,
                ngettext(
                    "Too many failed sign-ins for this account from your "
                    "network. To protect the account, signing in is paused "
                    "for a minute. If you forgot your password, you can reset "
                    "it.",
                    "Too many failed sign-ins for this account from your "
                    "network. To protect the account, signing in is paused "
                    "for %(minutes)d minutes. If you forgot your password, you "
                    "can reset it.",
                    minutes,
                )
                % {"minutes": minutes},
                lockout=True,
            )
        return response


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    extra = {"event": "login_failed"}
    if request is not None:
        extra["network"] = network(client_ip(request))
    if username is not None:
        extra["account"] = pseudonym(str(username).casefold())
    if request is not None and username is not None:
        if getattr(request, "login_lockout", 0):
            return
        for scope, ident in _login_idents(request, username):
            hit(scope, ident, lock=True)
    logger.info("sign-in failed", extra=extra)


@receiver(user_logged_in)
def clear_failed_logins(sender, request, user, **kwargs):
    scope, ident = _login_idents(request, user.get_username())[0]
    reset(scope, ident)
    logger.info("signed in", extra={"event": "login", "user_id": user.pk})


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    logger.info(
        "signed out",
        extra={"event": "logout", "user_id": getattr(user, "pk", None)},
    )
