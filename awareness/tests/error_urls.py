"""The site's URLs plus views that fail on purpose, for the error pages."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import path

from awareness import urls

ERRORS = {400: BadRequest, 403: PermissionDenied, 404: Http404, 500: RuntimeError}


def fail(request, status):
    raise ERRORS[status]("failing on purpose")


# The site's own patterns unchanged, not include()d: i18n_patterns may only
# appear in a root URLconf.
urlpatterns = [path("fail/<int:status>/", fail), *urls.urlpatterns]
