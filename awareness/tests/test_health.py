import io
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_check_is_200_while_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_health_check_is_503_when_the_database_does_not_answer(client):
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_health_check_answers_get_only(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_head_requests_get_the_headers_without_a_body(settings):
    # Through the WSGI handler itself: the test client would drop the body
    # on its own.
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    app = WSGIHandler()
    sent = {}

    def start_response(status, headers):
        sent.update(headers)

    def call(method):
        environ = RequestFactory().generic(method, reverse("about")).environ
        environ["wsgi.input"] = io.BytesIO()
        return b"".join(app(environ, start_response)), dict(sent)

    body, headers = call("GET")
    empty, head_headers = call("HEAD")
    assert body and empty == b""
    assert head_headers["Content-Length"] == headers["Content-Length"] == str(len(body))


def test_health_check_reports_a_cache_that_does_not_answer(client, settings):
    # Pages still render without the cache: the server stays in the pool,
    # and monitoring reads that it is degraded.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"degraded: cache unavailable (pages)\n"


def test_health_check_answers_plain_http_when_the_site_redirects_to_https(
    client, settings
):
    """Load balancers probe over plain HTTP, behind the TLS they terminate."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert client.get("/en/").status_code == 301
    assert client.get("/healthz/x").status_code == 301
