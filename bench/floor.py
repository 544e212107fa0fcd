"""The benchmark's floor: bare Django under the same gunicorn settings.

Two views and no middleware, database or apps: one returns a constant
response, the other renders a small constant template. The site's pages
are measured as a share of these, so the numbers say what the site costs
above Django itself on this machine, whatever else the machine is doing.

    gunicorn --config gunicorn.conf.py bench.floor:application
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-floor-has-no-secrets",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

# About the size of a short article page's main text, with a loop and
# a few variables, as the site's templates have.
PAGE = engines["django"].from_string(
    """<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>{{ title }}</title></head>
  <body>
    <h1>{{ title }}</h1>
    {% for item in items %}
      <section><h2>{{ item.title }}</h2><p>{{ item.text }}</p></section>
    {% endfor %}
  </body>
</html>"""
)
CONTEXT = {
    "title": "Who is selling your personal information?",
    "items": [
        {"title": f"Section {n}", "text": "A paragraph of plain text. " * 8}
        for n in range(1, 6)
    ],
}


def constant(request):
    return HttpResponse("ok\n", content_type="text/plain")


def template(request):
    return HttpResponse(PAGE.render(CONTEXT))


urlpatterns = [
    path("constant", constant),
    path("template", template),
]

application = get_wsgi_application()
