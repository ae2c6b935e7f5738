"""The iCalendar feed at a secret address, and the page that renews and revokes it."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from directives.models import CalendarFeed, Event
from tests.factories import AssignmentFactory, DirectiveFactory

PAGE = reverse("calendar_subscription")
RENEW = reverse("calendar_subscription_renew")
REVOKE = reverse("calendar_subscription_revoke")


def feed_url(feed: CalendarFeed) -> str:
    return reverse("calendar_feed", args=[feed.token])


@pytest.fixture
def feed(client, staff_user):
    client.force_login(staff_user)
    client.post(RENEW)
    client.logout()
    return CalendarFeed.objects.active().get(user=staff_user)


@pytest.fixture
def congress(db):
    return Event.objects.create(
        name="Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        date=dt.date(2021, 1, 25),
        end_date=dt.date(2021, 2, 1),
        description="Khai mạc 26/01, bế mạc 01/02.",
    )


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(cal) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


# --- The feed --------------------------------------------------------------------------------


def test_feed_needs_no_session(client, feed, assignment):
    response = client.get(feed_url(feed))
    assert response.status_code == 200


def test_feed_is_valid_icalendar_with_the_deadline(client, feed, assignment):
    cal = parse(client.get(feed_url(feed)))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"])
    event = events_of(cal)[f"assignment-{assignment.pk}-deadline@127.0.0.1"]
    assert event.decoded("DTSTART") == dt.date(2021, 2, 9)
    assert event.decoded("DTEND") == dt.date(2021, 2, 10)
    assert str(event["SUMMARY"]) == (
        f"Hạn: {assignment.directive.number}. {assignment.directive.title}"
        f" — {assignment.lead_unit.short_name}"
    )


def test_feed_description_carries_the_basis(client, feed, assignment):
    event = events_of(parse(client.get(feed_url(feed))))[
        f"assignment-{assignment.pk}-deadline@127.0.0.1"
    ]
    description = str(event["DESCRIPTION"])
    assert "Căn cứ thời hạn: Trước Tết Nguyên đán Tân Sửu" in description
    assert "Ngày 28 tháng Chạp năm Canh Tý" in description
    assert f"Đơn vị chủ trì: {assignment.lead_unit.name}" in description


def test_feed_is_in_ho_chi_minh_time_zone(client, feed, assignment):
    cal = parse(client.get(feed_url(feed)))
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Ho_Chi_Minh"
    offsets = {sub.decoded("TZOFFSETTO") for sub in zone.walk("STANDARD")}
    assert dt.timedelta(hours=7) in offsets


def test_feed_follows_rfc_5545_framing(client, feed, assignment, congress):
    raw = client.get(feed_url(feed)).content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    assert b"\n" not in raw.replace(b"\r\n", b"")
    cal = icalendar.Calendar.from_ical(raw)
    for event in cal.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event
        stamp = event.decoded("DTSTAMP")
        assert stamp.utcoffset() == dt.timedelta(0), "DTSTAMP is in UTC"


def test_feed_includes_events_admins_keep(client, feed, congress):
    event = events_of(parse(client.get(feed_url(feed))))[f"event-{congress.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == congress.name
    assert event.decoded("DTSTART") == dt.date(2021, 1, 25)
    assert event.decoded("DTEND") == dt.date(2021, 2, 2)  # whole days: the end is exclusive
    assert "Khai mạc 26/01" in str(event["DESCRIPTION"])


def test_feed_has_only_the_users_scope(client, assignment, unrelated_user, document, other_unit):
    own = AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=other_unit)
    client.force_login(unrelated_user)
    client.post(RENEW)
    client.logout()
    token = CalendarFeed.objects.active().get(user=unrelated_user).token
    cal = parse(client.get(reverse("calendar_feed", args=[token])))
    uids = set(events_of(cal))
    assert f"assignment-{own.pk}-deadline@127.0.0.1" in uids
    assert f"assignment-{assignment.pk}-deadline@127.0.0.1" not in uids


def test_feed_unknown_token_is_404(client, db):
    response = client.get(reverse("calendar_feed", args=["x" * 43]))
    assert response.status_code == 404


def test_feed_revoked_token_is_404(client, feed, staff_user):
    client.force_login(staff_user)
    client.post(REVOKE)
    client.logout()
    assert client.get(feed_url(feed)).status_code == 404


def test_feed_of_inactive_user_is_404(client, feed, staff_user):
    staff_user.is_active = False
    staff_user.save()
    assert client.get(feed_url(feed)).status_code == 404


def test_feed_records_when_it_was_read(client, feed):
    assert feed.last_used_at is None
    client.get(feed_url(feed))
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_feed_refuses_post(client, feed):
    assert client.post(feed_url(feed)).status_code == 405


# --- The subscription page -------------------------------------------------------------------


def test_subscription_page_without_feed_offers_to_create(client, staff_user):
    client.force_login(staff_user)
    content = client.get(PAGE).content.decode()
    assert "Bạn chưa có địa chỉ đăng ký lịch" in content
    assert f'action="{RENEW}"' in content


def test_subscription_page_shows_the_secret_address(client, feed, staff_user):
    client.force_login(staff_user)
    response = client.get(PAGE)
    content = response.content.decode()
    assert f"http://testserver{feed_url(feed)}" in content
    assert f"webcal://testserver{feed_url(feed)}" in content
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_subscription_page_requires_sign_in(client, db):
    assert client.get(PAGE).status_code == 302


def test_renew_replaces_the_address_and_the_old_one_stops(client, feed, staff_user, assignment):
    client.force_login(staff_user)
    response = client.post(RENEW, follow=True)
    assert "Địa chỉ cũ đã ngừng hoạt động" in response.content.decode()
    new = CalendarFeed.objects.active().get(user=staff_user)
    assert new.token != feed.token
    client.logout()
    assert client.get(feed_url(feed)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_revoke_stops_the_address(client, feed, staff_user):
    client.force_login(staff_user)
    response = client.post(REVOKE, follow=True)
    assert "Đã thu hồi địa chỉ đăng ký lịch" in response.content.decode()
    assert not CalendarFeed.objects.active().filter(user=staff_user).exists()


def test_revoke_without_an_address_says_so_and_writes_nothing(client, staff_user):
    client.force_login(staff_user)
    response = client.post(REVOKE, follow=True)
    assert "Bạn không có địa chỉ đăng ký lịch nào đang dùng" in response.content.decode()
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("url", [RENEW, REVOKE])
def test_renew_and_revoke_are_post_only(client, staff_user, url):
    client.force_login(staff_user)
    assert client.get(url).status_code == 405
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("url", [RENEW, REVOKE])
def test_renew_and_revoke_require_sign_in(client, db, url):
    response = client.post(url)
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_one_active_address_per_user_in_the_database(staff_user):
    from django.db import IntegrityError, transaction

    CalendarFeed.objects.create(user=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=staff_user)


def test_feed_event_links_to_its_assignment_at_the_sites_address(
    client, feed, assignment, settings
):
    settings.TRACKER_BASE_URL = "http://127.0.0.1:18601"
    event = events_of(parse(client.get(feed_url(feed))))[
        f"assignment-{assignment.pk}-deadline@127.0.0.1"
    ]
    assert str(event["URL"]) == f"http://127.0.0.1:18601/assignments/{assignment.pk}/"
