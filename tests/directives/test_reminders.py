"""`manage.py send_reminders`: reminders that arrive once, weekly digests, e-mail that retries."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from directives import actions
from directives.models import Notification, Reminder, Role, Status
from tests.factories import AssignmentFactory, DirectiveFactory, member

# The assignment fixture's deadline: Tue 09/02/2021, "Trước Tết Nguyên đán Tân Sửu".
DEADLINE = dt.date(2021, 2, 9)


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.TRACKER_REMINDER_DAYS = (7, 1)
    settings.TRACKER_BASE_URL = "https://theodoi.example.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # E-mails and digests are tasks; here they run as they are queued (a worker's job is tested
    # at the end of this module with the database backend).
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}


IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture
def staff(staff_user):
    staff_user.email = "canbo@example.vn"
    staff_user.save()
    return staff_user


def run(now: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--now", now, stdout=out)
    return out.getvalue()


def keys() -> list[str]:
    return sorted(Reminder.objects.values_list("key", flat=True))


# --- Before the deadline ---------------------------------------------------------------------


def test_send_reminders_seven_days_before_deadline(assignment, staff):
    run("2021-02-02T08:00")
    reminder = Reminder.objects.get()
    assert reminder.kind == Reminder.Kind.BEFORE
    assert reminder.assignment == assignment
    assert "còn 7 ngày đến hạn" in reminder.message
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in reminder.message
    notification = Notification.objects.get()
    assert notification.recipient == staff
    assert notification.title.startswith("Sắp đến hạn:")


def test_send_reminders_twice_in_same_hour_sends_nothing_twice(assignment, staff):
    run("2021-02-02T08:00")
    run("2021-02-02T08:40")
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_send_reminders_later_the_same_day_sends_nothing_again(assignment, staff):
    run("2021-02-02T08:00")
    run("2021-02-02T17:00")
    assert Reminder.objects.count() == 1


def test_send_reminders_nothing_eight_days_before(assignment, staff):
    run("2021-02-01T08:00")
    assert not Reminder.objects.exists()


def test_send_reminders_one_day_before_after_seven(assignment, staff):
    run("2021-02-02T08:00")
    run("2021-02-05T08:00")  # 4 days before: the 7-day reminder is already sent
    run("2021-02-08T08:00")
    stem = f"{assignment.pk}:2021-02-09"
    assert keys() == [f"before:{stem}:1", f"before:{stem}:7"]
    assert "còn 1 ngày đến hạn" in Reminder.objects.get(key=f"before:{stem}:1").message


def test_send_reminders_first_seen_three_days_before_sends_one_not_two(assignment, staff):
    run("2021-02-06T08:00")
    reminder = Reminder.objects.get()
    assert reminder.key.endswith(":7")
    assert "còn 3 ngày đến hạn" in reminder.message


def test_send_reminders_on_the_deadline_day_says_today_when_none_sent(assignment, staff):
    run("2021-02-09T08:00")
    assert "đến hạn hôm nay" in Reminder.objects.get().message


def test_send_reminders_days_come_from_setting(assignment, staff, settings):
    settings.TRACKER_REMINDER_DAYS = (3,)
    run("2021-02-02T08:00")
    assert not Reminder.objects.exists()
    run("2021-02-06T08:00")
    assert keys() == [f"before:{assignment.pk}:2021-02-09:3"]


# --- Overdue ---------------------------------------------------------------------------------


def test_send_reminders_on_the_day_it_becomes_overdue(assignment, staff):
    run("2021-02-10T08:00")
    reminder = Reminder.objects.get()
    assert reminder.kind == Reminder.Kind.DUE
    assert "đã quá hạn" in reminder.message
    assert Notification.objects.get().title.startswith("Quá hạn:")


def test_send_reminders_weekly_while_overdue(assignment, staff):
    for day in range(10, 25):  # 10/02 … 24/02, every day at 08:00
        run(f"2021-02-{day:02d}T08:00")
    stem = f"{assignment.pk}:2021-02-09"
    assert keys() == [f"due:{stem}", f"overdue:{stem}:1", f"overdue:{stem}:2"]
    weekly = Reminder.objects.filter(kind=Reminder.Kind.OVERDUE_WEEKLY).order_by("created_at")
    assert [r.created_at.date() for r in weekly] == [dt.date(2021, 2, 17), dt.date(2021, 2, 24)]
    assert "đã quá hạn 8 ngày" in weekly[0].message


@pytest.mark.parametrize("status", [Status.AWAITING_SIGNOFF, Status.SUSPENDED])
def test_send_reminders_skips_work_the_lead_unit_cannot_move(assignment, staff, status):
    assignment.status = status
    assignment.save()
    run("2021-02-10T08:00")
    assert not Reminder.objects.exists()


def test_send_reminders_skips_done_assignments(assignment, staff):
    assignment.status, assignment.completed_on = Status.DONE, dt.date(2021, 2, 5)
    assignment.save()
    run("2021-02-08T08:00")
    assert not Reminder.objects.exists()


def test_send_reminders_skips_assignments_without_deadline(assignment, staff):
    assignment.deadline = None
    assignment.save()
    run("2021-02-10T08:00")
    assert not Reminder.objects.exists()


def test_send_reminders_restart_after_extension(assignment, staff, leader_user):
    run("2021-02-10T08:00")
    request = actions.request_extension(
        assignment, user=staff, new_deadline=dt.date(2021, 2, 26), reason="Chờ số liệu"
    )
    actions.decide_extension(request, user=leader_user, approve=True)
    run("2021-02-19T08:00")
    assert keys() == [f"before:{assignment.pk}:2021-02-26:7", f"due:{assignment.pk}:2021-02-09"]


# --- The timeline and the notifications ------------------------------------------------------


def test_every_reminder_is_on_the_assignment_timeline(assignment, staff):
    run("2021-02-02T08:00")
    run("2021-02-08T08:00")
    run("2021-02-10T08:00")
    timeline = list(assignment.reminders.order_by("created_at").values_list("kind", flat=True))
    assert timeline == [Reminder.Kind.BEFORE, Reminder.Kind.BEFORE, Reminder.Kind.DUE]
    assert all(n.reminder.assignment == assignment for n in Notification.objects.all())


def test_send_reminders_notifies_every_member_of_the_lead_unit(assignment, staff, lead_unit):
    colleague = member(lead_unit, Role.STAFF)
    run("2021-02-02T08:00")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        staff.pk,
        colleague.pk,
    }


def test_send_reminders_does_not_notify_coordinating_units(assignment, staff, coordinating_user):
    run("2021-02-02T08:00")
    assert not Notification.objects.filter(recipient=coordinating_user).exists()


def test_remind_with_existing_key_creates_nothing(assignment, staff):
    at = timezone.now()
    first = actions.remind(assignment, kind="before", key="k", title="t", message="m", at=at)
    second = actions.remind(assignment, kind="before", key="k", title="t", message="m", at=at)
    assert first is not None and second is None
    assert Notification.objects.count() == 1


# --- E-mail ----------------------------------------------------------------------------------


def test_send_reminders_emails_the_notification(assignment, staff):
    run("2021-02-02T08:00")
    (message,) = mail.outbox
    assert message.to == ["canbo@example.vn"]
    assert message.subject.startswith("[Theo dõi nhiệm vụ] Sắp đến hạn:")
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in message.body
    assert "https://theodoi.example.vn/notifications/" in message.body
    # The reminder is about one assignment: the message opens it directly.
    assert f"Mở nhiệm vụ: https://theodoi.example.vn/assignments/{assignment.pk}/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_send_reminders_without_address_notifies_in_app_only(assignment, staff_user):
    run("2021-02-02T08:00")
    notification = Notification.objects.get()
    assert not mail.outbox
    assert (notification.emailed_at, notification.email_attempts) == (None, 0)


def test_one_failing_address_does_not_stop_the_others(assignment, staff, lead_unit, settings):
    settings.EMAIL_BACKEND = "tests.email_backends.RefusesBrokenAddresses"
    broken = member(lead_unit, Role.STAFF, email="hong@example.vn")
    out = run("2021-02-02T08:00")
    assert [m.to for m in mail.outbox] == [["canbo@example.vn"]]
    failed = Notification.objects.get(recipient=broken)
    assert (failed.emailed_at, failed.email_attempts) == (None, 1)
    assert "lỗi (sẽ thử lại): 1" in out


def test_failed_email_is_retried_next_run(assignment, staff, lead_unit, settings):
    settings.EMAIL_BACKEND = "tests.email_backends.RefusesBrokenAddresses"
    broken = member(lead_unit, Role.STAFF, email="hong@example.vn")
    run("2021-02-02T08:00")
    broken.email = "da-sua@example.vn"
    broken.save()
    run("2021-02-02T09:00")
    assert [m.to for m in mail.outbox] == [["canbo@example.vn"], ["da-sua@example.vn"]]
    retried = Notification.objects.get(recipient=broken)
    assert retried.emailed_at is not None
    assert retried.email_attempts == 2


def test_unreachable_server_costs_no_attempt(assignment, staff, settings):
    settings.EMAIL_BACKEND = "tests.email_backends.Unreachable"
    run("2021-02-02T08:00")
    notification = Notification.objects.get()
    assert (notification.emailed_at, notification.email_attempts) == (None, 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("2021-02-02T09:00")
    assert len(mail.outbox) == 1


def test_manual_urging_goes_out_by_email_on_the_same_channel(
    assignment, staff, leader_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.urge(assignment, user=leader_user, message="Đề nghị khẩn trương hoàn thành")
    # Queued after the urging's commit, not left for the next hourly run.
    (message,) = [m for m in mail.outbox if "Đôn đốc:" in m.subject]
    assert message.to == ["canbo@example.vn"]
    assert "Đề nghị khẩn trương hoàn thành" in message.body


# --- Weekly digest ---------------------------------------------------------------------------


@pytest.fixture
def more_work(assignment, lead_unit, document):
    """Three more assignments of the province: overdue, due soon, awaiting sign-off."""
    overdue = AssignmentFactory(
        directive=DirectiveFactory(document=document, title="Quy chế làm việc"),
        lead_unit=lead_unit,
        deadline=dt.date(2020, 12, 31),
        deadline_basis="Trước Tết Dương lịch 2021",
    )
    soon = AssignmentFactory(
        directive=DirectiveFactory(document=document, title="Kế hoạch tuyên truyền"),
        lead_unit=lead_unit,
        deadline=dt.date(2021, 2, 12),
        deadline_basis="",
    )
    awaiting = AssignmentFactory(
        directive=DirectiveFactory(document=document, title="Báo cáo tổng kết"),
        lead_unit=lead_unit,
        deadline=dt.date(2021, 3, 31),
        status=Status.AWAITING_SIGNOFF,
    )
    return overdue, soon, awaiting


def test_weekly_digest_is_one_message_listing_everything(more_work, leader_user):
    leader_user.email = "lanhdao@example.vn"
    leader_user.save()
    run("2021-02-08T08:00")  # a Monday
    (digest,) = Notification.objects.filter(recipient=leader_user)
    assert digest.key == f"digest:{leader_user.pk}:2021-W06"
    assert digest.reminder is None
    assert digest.title == (
        "Tổng hợp tuần 06/2021: 1 quá hạn, 2 đến hạn trong 7 ngày tới, 1 chờ xác nhận"
    )
    for title in ("Quy chế làm việc", "Kế hoạch tuyên truyền", "Báo cáo tổng kết"):
        assert title in digest.body
    assert "quá hạn 39 ngày" in digest.body
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in digest.body
    assert [m.to for m in mail.outbox if m.to == ["lanhdao@example.vn"]] == [["lanhdao@example.vn"]]


def test_weekly_digest_once_a_week(more_work, leader_user):
    run("2021-02-08T08:00")
    run("2021-02-08T09:00")
    run("2021-02-12T08:00")
    assert Notification.objects.filter(recipient=leader_user).count() == 1
    run("2021-02-15T08:00")
    sent = Notification.objects.filter(recipient=leader_user).values_list("key", flat=True)
    prefix = f"digest:{leader_user.pk}"
    assert sorted(sent) == [f"{prefix}:2021-W06", f"{prefix}:2021-W07"]


def test_weekly_digest_only_for_leaders_with_something_in_scope(more_work, unit_leader, staff):
    run("2021-02-08T08:00")
    assert not Notification.objects.filter(recipient=unit_leader).exists()
    assert not Notification.objects.filter(recipient=staff, key__startswith="digest").exists()


def test_weekly_digest_skipped_when_nothing_needs_attention(assignment, leader_user):
    run("2020-11-23T08:00")  # 11 weeks before the only deadline
    assert not Notification.objects.filter(recipient=leader_user).exists()


# --- The command -----------------------------------------------------------------------------


def test_send_reminders_prints_a_summary(assignment, staff):
    out = run("2021-02-02T08:00")
    assert "Đôn đốc: 1 (thông báo: 1)" in out
    assert "e-mail đã gửi: 1" in out


def test_send_reminders_bad_now_is_an_error(db):
    with pytest.raises(CommandError, match="Thời điểm “hôm qua” không hợp lệ"):
        run("hôm qua")
    assert not Reminder.objects.exists()


# --- Awaiting sign-off, reported on time (issue 13) --------------------------------------------


def test_no_overdue_reminder_for_a_completion_reported_on_time(assignment, staff, leader_user):
    from directives.models import Action, Actor

    for action, day in ((Action.START, 1), (Action.REPORT_DONE, 8)):
        actions.transition(
            assignment,
            action,
            user=None,
            note="",
            at=timezone.make_aware(dt.datetime(2021, 2, day, 10)),
            acting_as=Actor.LEAD,
        )
    for day in (10, 17, 24):  # the day after the deadline, then weekly
        run(f"2021-02-{day:02d}T08:00")
    assert not Reminder.objects.exists()
    # The leader's digest lists it as waiting for them, not as overdue.
    digest = Notification.objects.get(recipient=leader_user, key__endswith="2021-W06")
    assert "0 quá hạn" in digest.title and "1 chờ xác nhận" in digest.title
    assert "chờ xác nhận 2 ngày" in digest.body
    assert "quá hạn" not in digest.body.split("Chờ xác nhận hoàn thành")[1]


# --- E-mails and digests are tasks, not work inside the command (issue 19) --------------------


@pytest.fixture
def worker_backend(settings, transactional_db):
    """The real database backend. The worker closes the database connection after its tasks
    (as a long-running worker must); on PostgreSQL that would end a test's open transaction,
    so these tests commit for real and the tables are emptied after them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def work_queue() -> None:
    """What a worker (`manage.py db_worker`) does: run every queued task, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())


def test_send_reminders_queues_emails_a_worker_sends(assignment, staff, worker_backend):
    out = run("2021-02-02T08:00")
    assert not mail.outbox  # nothing sent inside the command
    assert "e-mail đã gửi: 0, xếp hàng: 1" in out
    work_queue()
    (message,) = mail.outbox
    assert message.to == ["canbo@example.vn"]
    assert Notification.objects.get().emailed_at is not None


def test_email_queued_twice_is_sent_once(assignment, staff, worker_backend):
    run("2021-02-02T08:00")
    run("2021-02-02T09:00")  # the worker had not come yet: queued again
    work_queue()
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_attempts == 1


def test_weekly_digest_is_a_task_with_its_own_email(
    more_work, leader_user, worker_backend, django_capture_on_commit_callbacks
):
    leader_user.email = "lanhdao@example.vn"
    leader_user.save()
    out = run("2021-02-08T08:00")
    assert "tổng hợp tuần: 0, xếp hàng: 1" in out
    assert not Notification.objects.filter(recipient=leader_user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        work_queue()  # the digest, which queues its e-mail after its commit
    (digest,) = Notification.objects.filter(recipient=leader_user)
    assert digest.title.startswith("Tổng hợp tuần 06/2021")
    work_queue()
    assert [m.to for m in mail.outbox if m.to == ["lanhdao@example.vn"]] == [["lanhdao@example.vn"]]


def test_urging_queues_its_email_after_the_commit(
    assignment, staff, leader_user, worker_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.urge(assignment, user=leader_user, message="Đề nghị khẩn trương hoàn thành")
    assert not mail.outbox  # the request only queues it
    work_queue()
    (message,) = mail.outbox
    assert "Đề nghị khẩn trương hoàn thành" in message.body
