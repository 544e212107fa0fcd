"""The site's URLs plus views that fail on purpose, for the error pages."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import include, path

ERRORS = {400: BadRequest, 403: PermissionDenied, 404: Http404, 500: RuntimeError}


def fail(request, status):
    raise ERRORS[status]("failing on purpose")


urlpatterns = [
    path("fail/<int:status>/", fail),
    path("", include("awareness.urls")),
]
