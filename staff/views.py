from django.conf import settings
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import dashboard


@require_GET
def stale_content(request):
    """List the content whose facts were last checked too long ago."""
    if not dashboard.can_edit_verified(request.user):
        raise PermissionDenied
    return render(
        request,
        "staff/stale_content.html",
        {
            **site.each_context(request),
            "title": _("Content to check again"),
            "items": dashboard.stale_content(request.user),
            "cutoff": dashboard.stale_cutoff(),
            "days": settings.STALE_AFTER_DAYS,
        },
    )
