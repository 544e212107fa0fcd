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
