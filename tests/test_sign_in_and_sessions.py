"""Sign-in and sessions: lockout per user and address, strong passwords, session rotation,
deactivation and idle timeout, CSRF on every write, and the security headers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

OFFICE = "203.0.113.10"  # one NAT address shared by a whole office
ELSEWHERE = "198.51.100.20"


def attempt(client, username, password, address=OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, address=OFFICE):
    """Mistype the password `times` times; the fifth mistake is answered by the lockout page."""
    for n in range(1, times + 1):
        expected = 429 if n >= 5 else 200
        assert attempt(client, username, "sai-mat-khau", address).status_code == expected


# --- lockout (django-axes) ---------------------------------------------------------------------


def test_five_failures_lock_that_user_at_that_address(client, staff_user):
    fail(client, staff_user.username, 5)
    response = attempt(client, staff_user.username, PASSWORD)
    assert response.status_code == 429
    content = response.content.decode()
    assert "Tạm khóa đăng nhập" in content and "15 phút" in content
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, staff_user):
    fail(client, staff_user.username, 4)
    assert attempt(client, staff_user.username, PASSWORD).status_code == 302


def test_lockout_does_not_lock_out_colleagues_behind_the_same_address(
    client, staff_user, coordinating_user
):
    fail(client, staff_user.username, 5)
    assert attempt(Client(), coordinating_user.username, PASSWORD).status_code == 302


def test_lockout_does_not_follow_the_user_to_another_address(client, staff_user):
    fail(client, staff_user.username, 5)
    assert attempt(Client(), staff_user.username, PASSWORD, ELSEWHERE).status_code == 302


def test_forwarded_for_header_cannot_dodge_the_lockout(client, staff_user):
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": staff_user.username, "password": "sai"},
            REMOTE_ADDR=OFFICE,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert attempt(client, staff_user.username, PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(client, staff_user):
    fail(client, staff_user.username, 5)
    sixteen_minutes_ago = timezone.now() - dt.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
    assert attempt(client, staff_user.username, PASSWORD).status_code == 302


def test_successful_sign_in_clears_earlier_failures(client, staff_user):
    fail(client, staff_user.username, 4)
    assert attempt(client, staff_user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, staff_user.username, 4)
    assert attempt(client, staff_user.username, PASSWORD).status_code == 302


def test_admin_sign_in_is_locked_the_same_way(client, admin_user):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": admin_user.username, "password": "x"}, REMOTE_ADDR=OFFICE)
    response = client.post(
        url, {"username": admin_user.username, "password": PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429


# --- passwords -----------------------------------------------------------------------------------


def change_password(client, new):
    return client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize("weak", ["ngan-11-kt", "12345678901234", "password1234"])
def test_weak_new_password_is_refused_in_vietnamese(client, staff_user, weak):
    client.force_login(staff_user)
    response = change_password(client, weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


def test_short_password_error_names_the_minimum(client, staff_user):
    client.force_login(staff_user)
    content = change_password(client, "Ngan-11-kt!").content.decode()
    assert "12 ký tự" in content


def test_long_unusual_password_is_accepted(client, staff_user):
    client.force_login(staff_user)
    assert change_password(client, "Cà-Mau-mũi-đất-2021").status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Cà-Mau-mũi-đất-2021")


# --- sessions ------------------------------------------------------------------------------------


def test_sign_in_starts_a_new_session(client, staff_user):
    session = client.session
    session["ghi_chu"] = "trước khi đăng nhập"
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    assert attempt(client, staff_user.username, PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_deactivating_a_user_ends_all_their_sessions(client, admin_user, staff_user):
    laptop, phone = Client(), Client()
    laptop.force_login(staff_user)
    phone.force_login(staff_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [staff_user.pk]},
    )
    assert response.status_code == 302
    for device in (laptop, phone):
        assert device.get(reverse("home")).status_code == 302
    assert Session.objects.count() == 1  # the admin's own


def test_deactivating_a_user_anywhere_ends_their_sessions(client, staff_user):
    client.force_login(staff_user)
    staff_user.is_active = False
    staff_user.save()
    assert not Session.objects.exists()
    assert client.get(reverse("home")).status_code == 302


def test_other_users_sessions_survive_a_deactivation(client, staff_user, coordinating_user):
    client.force_login(coordinating_user)
    staff_user.is_active = False
    staff_user.save()
    assert client.get(reverse("home")).status_code == 200


@pytest.fixture
def short_idle(settings):
    settings.SESSION_COOKIE_AGE = 60
    return 60


@pytest.fixture
def clock(monkeypatch):
    """Move the server's clock (the session store reads timezone.now)."""
    start = timezone.now()

    def move_to(seconds: float) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=seconds))

    return move_to


def test_idle_session_expires(client, staff_user, short_idle, clock):
    client.force_login(staff_user)
    clock(short_idle + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_alive(client, staff_user, short_idle, clock):
    client.force_login(staff_user)
    for seconds in (40, 80, 120):  # each request comes within the idle limit of the previous
        clock(seconds)
        assert client.get(reverse("home")).status_code == 200


def test_idle_timeout_comes_from_the_environment():
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "DJANGO_SESSION_IDLE_SECONDS": "900"}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; "
            "from directives.operations.sessions import refresh_interval; "
            "print(settings.SESSION_COOKIE_AGE, refresh_interval())",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["900", "90"]


# --- CSRF ----------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused_and_changes_nothing(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Không thể gửi biểu mẫu" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_htmx_post_with_header_token_is_accepted(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    page = client.get(reverse("home")).content.decode()
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    response = client.post(reverse("logout"), HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert response.status_code == 302


def test_sign_in_form_needs_its_csrf_token(staff_user):
    client = Client(enforce_csrf_checks=True)
    response = attempt(client, staff_user.username, PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- headers -------------------------------------------------------------------------------------


def directives_of(policy: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("url_name", ["home", "admin:index"])
def test_pages_carry_a_strict_content_security_policy(client, admin_user, url_name):
    client.force_login(admin_user)
    response = client.get(reverse(url_name))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    rules = directives_of(policy)
    assert rules["default-src"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["object-src"] == ["'none'"]
    assert any(source.startswith("'nonce-") for source in rules["script-src"])


def test_htmx_script_carries_the_policy_nonce(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    nonce = next(
        s for s in directives_of(response["Content-Security-Policy"])["script-src"] if "nonce" in s
    )[len("'nonce-") : -1]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_usual_security_headers_are_sent(client, db):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response


def test_absurdly_long_username_is_a_wrong_sign_in_not_an_error(client, db):
    response = attempt(client, "9" * 400, "sai")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "9" * 150
