import functools

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


def security_headers(get_response):
    """Add the headers Django has no setting for.

    Cross-Origin-Resource-Policy keeps other sites from embedding our
    responses; Permissions-Policy turns off browser features the site never
    uses, so an injected script could not use them either. A response that
    says nothing about caching was rendered for this visitor (shared pages
    say so, see page_cache), so no proxy may keep it.
    """

    def middleware(request):
        response = get_response(request)
        response.setdefault("Cache-Control", "private, no-cache")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        )
        return response

    return middleware


def head_without_body(get_response):
    """Answer HEAD with GET's headers and no body, as HTTP requires.

    Django's development server drops the body itself; gunicorn does too,
    but warns in the log for every HEAD request.
    """

    def middleware(request):
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    return middleware


# Stands for the nonce in a policy built once, and is swapped for each
# response's own; base64 never contains "!".
_NONCE_SLOT = "!nonce!"
# Attributes by which django-csp's decorators give a response its own policy.
_OWN_POLICY = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@functools.cache
def _site_policy(with_nonce):
    return build_policy(nonce=_NONCE_SLOT if with_nonce else None)


@receiver(setting_changed)
def _forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, building the site's policy once per process.

    django-csp rebuilds the policy from the settings for every response,
    which cost a fifth of serving a cached page, although the policy only
    ever differs by the nonce. A response with a policy of its own (from
    django-csp's decorators), a report-only policy, or excluded paths go
    through django-csp unchanged.
    """

    def process_response(self, request, response):
        if (
            any(hasattr(response, name) for name in _OWN_POLICY)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        if HEADER not in response:
            response[HEADER] = _site_policy(bool(nonce)).replace(
                _NONCE_SLOT, nonce or ""
            )
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is
            # written would not be in it, so asking is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
