"""“Mã truy cập API”: made, named, shown once, stored hashed, revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from directives.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def test_new_token_is_shown_once_and_stored_hashed(browser, staff_user, assignment):
    response = browser.post("/account/api-tokens/", {"name": "Báo cáo tuần", "scopes": "read"})
    key = re.search(r"tdnv_[\w-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=staff_user)
    assert token.name == "Báo cáo tuần" and token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values_list().get())
    assert response["Cache-Control"] == "no-store"
    # The list shows only its beginning afterwards.
    listing = browser.get("/account/api-tokens/").content.decode()
    assert token.hint in listing and key not in listing
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/assignments/").status_code == 200


def test_token_needs_a_name(browser):
    response = browser.post("/account/api-tokens/", {"name": "  ", "scopes": "read"})
    assert "Hãy đặt tên" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_at_once(browser, staff_user):
    browser.post("/account/api-tokens/", {"name": "Tạm", "scopes": "read write"})
    token = ApiToken.objects.get()
    browser.post(f"/account/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(browser, staff_user, coordinating_user):
    from directives import actions

    token, _key = actions.create_api_token(coordinating_user, name="Của người khác", scopes="read")
    browser.post(f"/account/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_of_an_inactive_user_is_refused(staff_user):
    from directives import actions

    _token, key = actions.create_api_token(staff_user, name="x", scopes="read")
    staff_user.is_active = False
    staff_user.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/units/").status_code == 401


def test_admin_issues_a_service_account_token_shown_once(admin_client, staff_user):
    from django.contrib.messages import get_messages

    response = admin_client.post(
        "/admin/directives/apitoken/add/",
        {"user": staff_user.pk, "name": "Hệ thống văn bản điều hành", "scopes": "read write"},
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    key = re.search(r"tdnv_[\w-]+", shown).group(0)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and token.can_write
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/units/").status_code == 200
