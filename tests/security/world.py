"""One small world in which every role and every admin model has something to look at.

The permission matrix (tests/test_permission_matrix.py) requests each URL as each role of this
world. Extend it when a new page needs an object of a new kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from directives import actions
from directives.accountability.scorecard import parse_period, store_period
from directives.api.tasks import send_reminders
from directives.models import (
    ApiWrite,
    Attachment,
    Event,
    ExportFile,
    ExtensionRequest,
    Notification,
    ReportingObligation,
    Role,
    ScorecardFormula,
    UnitKind,
    WebhookDelivery,
    WebhookEndpoint,
)
from directives.periodic import actions as periodic_actions
from directives.periodic import slots as periodic_slots
from tests.evidence_files import upload
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    DocumentFactory,
    UnitFactory,
    UserFactory,
    member,
)

ANONYMOUS = "anonymous"
LEAD_STAFF = "lead_staff"  # cán bộ of the lead unit
COORDINATING_STAFF = "coordinating_staff"  # cán bộ of a coordinating unit
UNRELATED_STAFF = "unrelated_staff"  # cán bộ of a unit with no part in the assignment
LEADER_INSIDE = "leader_inside"  # lãnh đạo of the lead unit (the assignment is in its subtree)
LEADER_OUTSIDE = "leader_outside"  # lãnh đạo of an unrelated unit
ASSIGNER = "assigner"  # lãnh đạo of the body that issued the document
INSPECTOR = "inspector"  # kiểm tra
ADMIN = "admin"  # quản trị (Django superuser)

ROLES = (
    ANONYMOUS,
    LEAD_STAFF,
    COORDINATING_STAFF,
    UNRELATED_STAFF,
    LEADER_INSIDE,
    LEADER_OUTSIDE,
    ASSIGNER,
    INSPECTOR,
    ADMIN,
)


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as error:
            raise AttributeError(name) from error


def build_world() -> World:
    province = UnitFactory(name="Tỉnh ma trận", kind=UnitKind.PROVINCE)
    lead_unit = UnitFactory(name="Ban chủ trì ma trận", parent=province)
    coordinating_unit = UnitFactory(name="Sở phối hợp ma trận", parent=province)
    other_unit = UnitFactory(name="Huyện không liên quan", parent=province)
    document = DocumentFactory(issuing_unit=province)
    directive = DirectiveFactory(document=document)
    assignment = AssignmentFactory(
        directive=directive, lead_unit=lead_unit, coordinating=[coordinating_unit]
    )
    users = {
        LEAD_STAFF: member(lead_unit, Role.STAFF),
        COORDINATING_STAFF: member(coordinating_unit, Role.STAFF),
        UNRELATED_STAFF: member(other_unit, Role.STAFF),
        LEADER_INSIDE: member(lead_unit, Role.LEADER),
        LEADER_OUTSIDE: member(other_unit, Role.LEADER),
        ASSIGNER: member(province, Role.LEADER),
        INSPECTOR: member(province, Role.INSPECTOR),
        ADMIN: UserFactory(is_staff=True, is_superuser=True),
    }
    # One row of every kind the admin lists, written the way the application writes them.
    actions.record_progress(assignment, user=users[LEAD_STAFF], note="Đã triển khai", percent=20)
    actions.set_deadline(
        assignment, deadline=dt.date(2021, 2, 9), basis="Trước Tết", kind="initial"
    )
    actions.request_extension(
        assignment, user=users[LEAD_STAFF], new_deadline=dt.date(2021, 3, 31), reason="Chờ số liệu"
    )
    actions.urge(assignment, user=users[ASSIGNER], message="Đề nghị khẩn trương")
    Event.objects.create(name="Sự kiện ma trận", date=dt.date(2021, 1, 25))
    # An evidence file, a notification and a secret calendar address, all the lead staff's.
    actions.record_progress_with_files(
        assignment,
        user=users[LEAD_STAFF],
        note="Có tệp",
        percent=30,
        files=[upload("Biên bản ma trận.pdf")],
    )
    # Requests for explanation (issue 17): one open, one answered with a file.
    open_explanation = actions.request_explanation(
        assignment, user=users[ASSIGNER], question="Vì sao chậm?", reply_by=dt.date(2099, 1, 1)
    )
    answered_explanation = actions.request_explanation(
        assignment, user=users[ASSIGNER], question="Đã làm gì?", reply_by=dt.date(2099, 1, 1)
    )
    actions.answer_explanation(
        answered_explanation,
        user=users[LEAD_STAFF],
        answer="Đã triển khai",
        files=[upload("Giải trình ma trận.pdf")],
    )
    ScorecardFormula.objects.create()
    store_period(parse_period("2021-Q1"))  # a finished period's stored scorecard
    calendar_feed = actions.renew_calendar_feed(users[LEAD_STAFF])
    api_token, _key = actions.create_api_token(users[LEAD_STAFF], name="Mã ma trận", scopes="read")
    # The API's write log, a webhook endpoint with a delivery, and a queued background task.
    ApiWrite.objects.create(
        user=users[LEAD_STAFF], token=api_token, token_name=api_token.name, method="POST",
        path="/api/v1/assignments/1/progress/", status=201,
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.create(
        name="Điểm nhận ma trận", url="http://127.0.0.1:9/", events=["progress.added"]
    )
    WebhookDelivery.objects.create(endpoint=endpoint, event="progress.added", payload={})
    send_reminders.enqueue()
    export = ExportFile(user=users[LEAD_STAFF], name="bao-cao.csv", rows=1)
    export.file.save("bao-cao.csv", ContentFile(b"a,b\n"), save=False)
    export.save()
    Group.objects.create(name="Nhóm ma trận").user_set.add(users[ADMIN])
    # Periodic reports (issue 18): the lead unit reports quarterly to the coordinating unit
    # (the receiving office); Q4/2020 is submitted with a file, Q1/2021 is open.
    obligation = ReportingObligation.objects.create(
        document=document,
        title="Báo cáo định kỳ ma trận",
        frequency="quarterly",
        due_rule="ngày 15 của tháng cuối kỳ",
        receiving_unit=coordinating_unit,
        figures="Số lớp (lớp)",
        starts_on=dt.date(2020, 10, 1),
        ends_on=dt.date(2021, 3, 31),
    )
    obligation.units.add(lead_unit)
    obligation.template_file.save("mau.pdf", upload("Mẫu báo cáo.pdf"), save=False)
    obligation.template_name = "Mẫu báo cáo.pdf"
    obligation.save()
    periodic_slots.create_slots_for(obligation, dt.date(2020, 12, 1))
    submitted_slot = obligation.submissions.get(period_key="2020-Q4")
    periodic_actions.submit(
        submitted_slot,
        user=users[LEAD_STAFF],
        text="Báo cáo quý ma trận",
        files=[upload("Báo cáo quý.pdf")],
    )
    now = timezone.now()
    AccessAttempt.objects.create(
        username="ai-do", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    )
    AccessLog.objects.create(
        username=users[LEAD_STAFF].username,
        ip_address="192.0.2.1",
        user_agent="t",
        attempt_time=now,
    )
    AccessFailureLog.objects.create(
        username="ai-do", ip_address="192.0.2.1", user_agent="t", attempt_time=now
    )
    return World(
        users=users,
        objects={
            "province": province,
            "lead_unit": lead_unit,
            "coordinating_unit": coordinating_unit,
            "other_unit": other_unit,
            "document": document,
            "directive": directive,
            "assignment": assignment,
            "attachment": Attachment.objects.get(assignment=assignment),
            "extension": ExtensionRequest.objects.get(assignment=assignment),
            "notification": Notification.objects.filter(recipient=users[LEAD_STAFF])
            .order_by("pk")
            .first(),
            "open_explanation": open_explanation,
            "answered_explanation": answered_explanation,
            "explanation_file": answered_explanation.files.get(),
            "calendar_feed": calendar_feed,
            "obligation": obligation,
            "submitted_slot": submitted_slot,
            "open_slot": obligation.submissions.get(period_key="2021-Q1"),
            "submission_file": submitted_slot.files.get(),
            "api_token": api_token,
            "export": export,
        },
    )
