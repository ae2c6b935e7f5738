"""The health check and the benchmark's baseline page."""

from __future__ import annotations

from unittest import mock

from django.db.utils import OperationalError
from django.urls import reverse


def test_healthz_answers_ok_without_sign_in(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(client, db):
    with mock.patch("directives.views.ops.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_baseline_requires_sign_in(client, db):
    response = client.get(reverse("baseline"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_baseline_renders_for_a_signed_in_user(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("baseline"))
    assert response.status_code == 200
    assert staff_user.username in response.content.decode()
