"""Trusted proxies only: X-Forwarded-For is read from the right, and only when the socket address
is one of DJANGO_TRUSTED_PROXIES. Lockout and audit trail use the same answer."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from directives.audit import assignment_audit
from directives.operations.proxies import client_ip, parse_networks
from tests.conftest import PASSWORD
from tests.directives.test_audit import admin_change_data

PROXY = "10.0.0.2"
VICTIM = "203.0.113.50"
ATTACKER = "198.51.100.66"


@pytest.fixture
def behind_proxy(settings):
    settings.TRACKER_TRUSTED_PROXIES = parse_networks(["10.0.0.0/29", "::1"], "test")


def address(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_header_from_an_untrusted_address_is_ignored(behind_proxy):
    assert address(ATTACKER, "10.66.66.66") == ATTACKER
    assert address(ATTACKER, f"{VICTIM}, 10.0.0.2") == ATTACKER


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRACKER_TRUSTED_PROXIES = ()
    assert address("127.0.0.1", VICTIM) == "127.0.0.1"


def test_a_trusted_proxy_header_gives_the_address_it_appended(behind_proxy):
    # The client typed "1.2.3.4" itself; the proxy appended what it saw. Only the latter counts.
    assert address(PROXY, f"1.2.3.4, {VICTIM}") == VICTIM


def test_chained_trusted_proxies_are_walked_from_the_right(behind_proxy):
    assert address(PROXY, f"1.2.3.4, {VICTIM}, 10.0.0.3, 10.0.0.4") == VICTIM


def test_garbage_stops_the_walk_at_the_last_good_address(behind_proxy):
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "<script>, 10.0.0.3") == "10.0.0.3"
    assert address(PROXY, f"{VICTIM}, <script>") == PROXY
    assert address(PROXY, "") == PROXY


def test_ipv4_through_an_ipv6_socket_is_the_ipv4_client(behind_proxy):
    assert address("::1", "::ffff:203.0.113.50") == VICTIM


def test_a_typo_in_the_setting_is_a_clear_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES"):
        parse_networks(["10.0.0.300"], "DJANGO_TRUSTED_PROXIES")


# --- the lockout -----------------------------------------------------------------------------


def sign_in(username, password, remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=remote, **extra
    )


def test_forged_headers_do_not_buy_new_tries(behind_proxy, staff_user):
    # 12 wrong passwords, each claiming another address: the fifth locks the real address.
    statuses = [
        sign_in(staff_user.username, "sai", ATTACKER, f"10.66.66.{n}").status_code
        for n in range(12)
    ]
    assert statuses == [200] * 4 + [429] * 8
    assert sign_in(staff_user.username, PASSWORD, ATTACKER).status_code == 429


def test_forging_the_victims_address_does_not_lock_the_victim_out(behind_proxy, staff_user):
    for _ in range(5):
        sign_in(staff_user.username, "sai", ATTACKER, VICTIM)
    assert sign_in(staff_user.username, PASSWORD, VICTIM).status_code == 302


def test_through_a_trusted_proxy_the_lockout_counts_per_client(behind_proxy, staff_user):
    for _ in range(5):
        sign_in(staff_user.username, "sai", PROXY, ATTACKER)
    assert sign_in(staff_user.username, PASSWORD, PROXY, ATTACKER).status_code == 429
    # Another client behind the same proxy is not locked out.
    assert sign_in(staff_user.username, PASSWORD, PROXY, VICTIM).status_code == 302


# --- the audit trail -------------------------------------------------------------------------


def edit_contact(client, assignment, remote, forwarded, name):
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    data = admin_change_data(assignment, contact_person=name)
    response = client.post(url, data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302
    return next(e for e in assignment_audit(assignment) if e.after == name)


def test_audit_records_the_real_address_not_a_forged_one(
    behind_proxy, client, admin_user, assignment
):
    client.force_login(admin_user)
    entry = edit_contact(client, assignment, ATTACKER, "10.66.66.66", "Anh Tuấn")
    assert entry.from_where == ATTACKER


def test_audit_records_the_client_behind_a_trusted_proxy(
    behind_proxy, client, admin_user, assignment
):
    client.force_login(admin_user)
    entry = edit_contact(client, assignment, PROXY, f"10.66.66.66, {VICTIM}", "Chị Hoa")
    assert entry.from_where == VICTIM
