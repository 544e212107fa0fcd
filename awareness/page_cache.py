"""Public pages, cached whole with Django's cache framework.

A news story can send thousands of first-time readers to the same few
pages. A view that shows every visitor the same published content is
wrapped in `cache_public_page`: for a request with no cookie and no query
string, the page comes from the "pages" cache through Django's
`cache_page`. Anyone else gets it rendered for them: a visitor with a
cookie may be signed in, be staff previewing a draft, or have a message
waiting, and a query string the view does not read would only let anyone
fill the cache with copies of the same page.

The "pages" cache holds nothing but pages, so that publishing can clear it
whole: any save or deletion of content, and any change staff make in the
admin (each leaves a LogEntry), clears it once the change is committed.
Nothing an anonymous visitor can do writes either.

Browsers may keep a page but must ask again before reusing it; Django's
ConditionalGetMiddleware answers that with a 304 when nothing changed.
"""

import functools
import logging

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_page

logger = logging.getLogger(__name__)

# The cache alias (settings.CACHES) that holds the pages and nothing else.
PAGES = "pages"


def _clear_now():
    try:
        caches[PAGES].clear()
    except Exception:
        # A stale page for PAGE_CACHE_SECONDS is better than a failed save.
        logger.exception("page cache unavailable")


def clear(**kwargs):
    """Forget every cached page once the current change is committed.

    A signal receiver too. Clearing before the commit would let a request
    still reading the old rows store them again.
    """
    transaction.on_commit(_clear_now)


def watch(*models):
    """Clear the cached pages whenever one of these models changes."""
    for model in models:
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(clear, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(clear, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                clear,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}",
            )


# Admin actions and imports that write with update() or bulk_create() send
# no model signals, but every change staff make is logged.
watch(LogEntry)


@functools.cache
def _from_cache(view, seconds):
    return cache_page(seconds, cache=PAGES)(view)


def cache_public_page(view):
    """Serve this view's page from the "pages" cache to cookieless visitors.

    Only published content may appear on the page, and nothing that depends
    on the query string.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.COOKIES or request.GET:
            response = view(request, *args, **kwargs)
        else:
            response = _from_cache(view, seconds)(request, *args, **kwargs)
        # A browser or proxy may keep the page too, but must check that it
        # is still current before showing it again. Added after cache_page,
        # which would not store a page that says so.
        patch_cache_control(response, no_cache=True)
        return response

    return wrapped
