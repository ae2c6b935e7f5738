"""Staff pages: "Việc của đơn vị", the assignment page, progress with evidence, workflow actions."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives import actions
from directives.forms import ProgressForm
from directives.models import (
    Action,
    Assignment,
    Attachment,
    ExtensionRequest,
    ProgressUpdate,
    Reminder,
    Role,
    Status,
)
from tests.evidence_files import CONTENT, stored_files, upload
from tests.factories import AssignmentFactory, DirectiveFactory, member

HX = {"HX-Request": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_in(html: str, prefix: str = "progress") -> int:
    return int(re.search(rf'name="{prefix}-version" value="(\d+)"', html).group(1))


def progress_data(assignment, **overrides) -> dict:
    data = {
        "progress-version": assignment.version,
        "progress-note": "Đã tổ chức hội nghị quán triệt",
        "progress-percent": "40",
        "progress-difficulties": "",
        "progress-proposals": "",
    }
    data.update(overrides)
    return data


# ---- "Việc của đơn vị" ----------------------------------------------------------------------


@pytest.fixture
def other_assignment(document, other_unit):
    """An assignment of another unit that the staff user must never reach."""
    return AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=other_unit)


def test_list_shows_only_the_units_assignments(assignment, other_assignment, staff_user):
    response = signed_in(staff_user).get(reverse("assignment_list"))
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [assignment.pk]


def test_list_marks_lead_and_coordinating(assignment, document, coordinating_unit, staff_user):
    coordinated = AssignmentFactory(
        directive=DirectiveFactory(document=document),
        lead_unit=coordinating_unit,
        coordinating=[assignment.lead_unit],
    )
    response = signed_in(staff_user).get(reverse("assignment_list"))
    roles = {row.pk: row.is_lead for row in response.context["rows"]}
    assert roles == {assignment.pk: True, coordinated.pk: False}
    content = response.content.decode()
    assert "Chủ trì" in content and "Phối hợp" in content


def test_list_orders_overdue_then_due_soon_then_by_deadline(document, lead_unit, staff_user):
    today = timezone.localdate()
    later = AssignmentFactory(
        directive=DirectiveFactory(document=document),
        lead_unit=lead_unit,
        deadline=today + dt.timedelta(days=40),
    )
    soon = AssignmentFactory(
        directive=DirectiveFactory(document=document),
        lead_unit=lead_unit,
        deadline=today + dt.timedelta(days=2),
    )
    overdue = AssignmentFactory(
        directive=DirectiveFactory(document=document),
        lead_unit=lead_unit,
        deadline=today - dt.timedelta(days=3),
    )
    rows = signed_in(staff_user).get(reverse("assignment_list")).context["rows"]
    assert [row.pk for row in rows] == [overdue.pk, soon.pk, later.pk]


def test_list_row_shows_deadline_basis_days_and_last_update(assignment, staff_user):
    actions.record_progress(assignment, user=staff_user, note="Bắt đầu", percent=30)
    content = signed_in(staff_user).get(reverse("assignment_list")).content.decode()
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in content
    assert "quá hạn" in content
    assert timezone.localdate().strftime("%d/%m/%Y") in content
    assert "30 %" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": Status.IN_PROGRESS}, {"started"}),
        ({"status": Status.NOT_STARTED}, {"fresh"}),
        ({"standing": "overdue"}, {"started"}),
        ({"standing": "within"}, {"fresh"}),
        ({"role": "lead"}, {"started", "fresh"}),
        ({"role": "coordinating"}, {"coordinated"}),
        ({"q": "khẩn cấp"}, {"fresh"}),
        ({"q": "KHAN CAP"}, {"fresh"}),
        ({"q": "bao cao"}, {"started"}),
    ],
)
def test_list_filters_and_search(
    document, lead_unit, coordinating_unit, staff_user, params, expected
):
    today = timezone.localdate()
    made = {
        "started": AssignmentFactory(
            directive=DirectiveFactory(document=document, title="Báo cáo tổng kết"),
            lead_unit=lead_unit,
            status=Status.IN_PROGRESS,
            deadline=today - dt.timedelta(days=1),
        ),
        "fresh": AssignmentFactory(
            directive=DirectiveFactory(document=document, title="Việc khẩn cấp"),
            lead_unit=lead_unit,
            deadline=today + dt.timedelta(days=30),
        ),
        "coordinated": AssignmentFactory(
            directive=DirectiveFactory(document=document, title="Phối hợp tuyên truyền"),
            lead_unit=coordinating_unit,
            coordinating=[lead_unit],
            status=Status.AWAITING_SIGNOFF,
            deadline=None,
        ),
    }
    rows = signed_in(staff_user).get(reverse("assignment_list"), params).context["rows"]
    names = {name for name, a in made.items() if a.pk in {row.pk for row in rows}}
    assert names == expected


def test_list_filters_by_directive(assignment, document, lead_unit, staff_user):
    other = AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit)
    response = signed_in(staff_user).get(
        reverse("assignment_list"), {"directive": other.directive_id}
    )
    assert [row.pk for row in response.context["rows"]] == [other.pk]
    assert f'value="{assignment.directive_id}"' in response.content.decode()


def test_list_names_the_document_when_directives_come_from_several(
    assignment, lead_unit, staff_user
):
    from tests.factories import DocumentFactory

    later = DocumentFactory(number="15-TB/TU", issue_date=dt.date(2021, 3, 1))
    AssignmentFactory(directive=DirectiveFactory(document=later, number="1"), lead_unit=lead_unit)
    content = signed_in(staff_user).get(reverse("assignment_list")).content.decode()
    assert "15-TB/TU — 1. " in content
    assert f"17/11/2020 — {assignment.directive.number}. " in content


def test_list_offers_the_newest_directives_and_an_older_one_by_link(assignment, staff_user):
    """Years of work: the directive filter lists the newest hundred, any older one still works."""
    from directives.views.staff import DIRECTIVE_CHOICES
    from tests.factories import DocumentFactory

    newer = [
        AssignmentFactory(
            directive=DirectiveFactory(
                document=DocumentFactory(issue_date=dt.date(2022, 1, 1) + dt.timedelta(days=i))
            ),
            lead_unit=assignment.lead_unit,
        )
        for i in range(DIRECTIVE_CHOICES)
    ]
    client = signed_in(staff_user)
    offered = client.get(reverse("assignment_list")).context["form"].fields["directive"].choices
    assert [pk for pk, _label in offered[1:]] == [a.directive_id for a in reversed(newer)]
    oldest = client.get(reverse("assignment_list"), {"directive": assignment.directive_id})
    assert [row.pk for row in oldest.context["rows"]] == [assignment.pk]
    assert assignment.directive_id in [
        pk for pk, _ in oldest.context["form"].fields["directive"].choices
    ]


# What the read of the filter's newest directives selects (and no other query of the list).
CHOICES_READ = 'AS "document__issue_date"'


def _offered(client) -> list[str]:
    form = client.get(reverse("assignment_list")).context["form"]
    return [label for _pk, label in form.fields["directive"].choices[1:]]


def test_the_offered_directives_are_kept_and_follow_what_changes_them(
    assignment, staff_user, coordinating_user, document, other_unit
):
    """The filter's newest directives are kept between requests (finding a province's newest
    hundred cost 45 ms of its list at a million) and follow every change that can alter them;
    each unit's staff get their own."""
    client = signed_in(staff_user)
    label = f"{assignment.directive.number}. {assignment.directive.title}"
    assert _offered(client) == [label]
    with CaptureQueriesContext(connection) as kept:
        assert _offered(client) == [label]
    assert not any(CHOICES_READ in q["sql"] for q in kept.captured_queries)

    # A new assignment of the unit in another directive: offered at once.
    newer = DirectiveFactory(document=document, number="9", title="Việc mới giao")
    AssignmentFactory(directive=newer, lead_unit=assignment.lead_unit)
    assert "9. Việc mới giao" in _offered(client)
    # A directive renamed in the admin: its new title at once.
    newer.title = "Việc mới giao, đã sửa tên"
    newer.save()
    assert "9. Việc mới giao, đã sửa tên" in _offered(client)
    # A coordinating unit's staff see the first directive only; another unit's, none.
    assert _offered(signed_in(coordinating_user)) == [label]
    assert _offered(signed_in(member(other_unit, Role.STAFF))) == []
    # Moved to another lead unit: gone from the first unit's choices.
    moved = Assignment.objects.get(directive=newer)
    moved.lead_unit = other_unit
    moved.save()
    assert _offered(client) == [label]


def test_the_offered_directives_are_read_each_time_with_the_caches_off(
    assignment, staff_user, settings
):
    settings.DASHBOARD_REGION_CACHE = False
    client = signed_in(staff_user)
    _offered(client)
    with CaptureQueriesContext(connection) as again:
        _offered(client)
    assert any(CHOICES_READ in q["sql"] for q in again.captured_queries)


def test_list_ignores_bad_filter_values(assignment, staff_user):
    response = signed_in(staff_user).get(
        reverse("assignment_list"), {"status": "bogus", "directive": "x", "page": "abc"}
    )
    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [assignment.pk]


def test_list_htmx_returns_fragment_and_full_page_otherwise(assignment, staff_user):
    client = signed_in(staff_user)
    full = client.get(reverse("assignment_list"))
    fragment = client.get(reverse("assignment_list"), {"status": "not_started"}, headers=HX)
    restore = client.get(
        reverse("assignment_list"), headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in full.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="assignment-list"')
    assert "<html" not in fragment.content.decode()
    assert 'hx-get="/assignments/?status=not_started"' in fragment.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in full["Vary"]


def test_list_filter_form_pushes_url_for_bookmarks(assignment, staff_user):
    content = signed_in(staff_user).get(reverse("assignment_list")).content.decode()
    assert 'hx-push-url="true"' in content
    assert 'method="get"' in content


def test_list_paginates_without_counting(document, lead_unit, staff_user):
    from directives.views.staff import PAGE_SIZE

    for _ in range(PAGE_SIZE + 1):
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit)
    client = signed_in(staff_user)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("assignment_list"))
    assert len(first.context["rows"]) == PAGE_SIZE
    assert first.context["next_url"] == "/assignments/?page=2"
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # The header bell counts unread notifications; the list itself never counts.
    assert all("directives_assignment" not in sql for sql in counts), counts
    second = client.get(reverse("assignment_list"), {"page": 2})
    assert len(second.context["rows"]) == 1
    assert second.context["next_url"] is None
    assert second.context["previous_url"] == "/assignments/"


def test_list_for_inspector_shows_everything_read_only(
    assignment, other_assignment, inspector_user
):
    response = signed_in(inspector_user).get(reverse("assignment_list"))
    assert {row.pk for row in response.context["rows"]} == {assignment.pk, other_assignment.pk}
    content = response.content.decode()
    assert "data-quick-progress" not in content
    assert 'name="role"' not in content


def test_list_offers_progress_only_where_the_user_may_log(
    assignment, other_assignment, leader_user, staff_user
):
    leader = signed_in(leader_user).get(reverse("assignment_list"))
    assert len(leader.context["rows"]) == 2
    assert not any(row.can_log for row in leader.context["rows"])
    staff = signed_in(staff_user).get(reverse("assignment_list"))
    assert f'data-quick-progress="{assignment.pk}"' in staff.content.decode()


def test_nav_links_to_the_units_work(assignment, staff_user):
    content = signed_in(staff_user).get(reverse("home")).content.decode()
    assert f'href="{reverse("assignment_list")}"' in content
    assert "Việc của đơn vị" in content
    assert f'href="{reverse("assignment_detail", args=[assignment.pk])}"' in content


# ---- The assignment page ---------------------------------------------------------------------


def test_detail_shows_document_units_contact_result_and_full_text(assignment, staff_user):
    document = assignment.directive.document
    document.number = "42-KL/TU"
    document.issuer = "Ban Thường vụ Tỉnh ủy"
    document.save()
    assignment.contact_person = "Đ/c Trần Văn B, Phó Trưởng ban"
    assignment.expected_result = "Kế hoạch được ban hành"
    assignment.save()
    content = (
        signed_in(staff_user)
        .get(reverse("assignment_detail", args=[assignment.pk]))
        .content.decode()
    )
    for text in [
        "Số 42-KL/TU",
        "ngày 17/11/2020",
        "Ban Thường vụ Tỉnh ủy",
        "Ban Tuyên giáo thử",
        "Sở phối hợp thử",
        "Đ/c Trần Văn B, Phó Trưởng ban",
        "Kế hoạch được ban hành",
        "Toàn văn nhiệm vụ.",
        "Trước Tết Nguyên đán Tân Sửu — 09/02/2021",
    ]:
        assert text in content, text


def test_detail_shows_deadline_history_original_and_extensions(assignment, staff_user, leader_user):
    actions.set_deadline(
        assignment, deadline=dt.date(2021, 2, 9), basis="Trước Tết", kind="initial"
    )
    first = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Chờ số liệu"
    )
    actions.decide_extension(first, user=leader_user, approve=True)
    actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 4, 1), reason="Chờ lần hai"
    )
    response = signed_in(staff_user).get(reverse("assignment_detail", args=[assignment.pk]))
    content = response.content.decode()
    history = content[content.index("Lịch sử thời hạn") : content.index("workflow-panel")]
    assert "Thời hạn ban đầu:</strong>\n            09/02/2021" in history
    assert "Gia hạn:</strong>\n            01/03/2021" in history
    assert "thay cho 09/02/2021" in history
    assert "01/04/2021" in history and "Chờ quyết định" in history
    assert "gia hạn 1 lần" in content


def test_detail_timeline_merges_everything_newest_first(
    assignment, staff_user, leader_user, coordinating_user
):
    base = timezone.now() - dt.timedelta(days=10)
    actions.transition(assignment, Action.START, user=staff_user, note="Bắt đầu", at=base)
    actions.record_progress_with_files(
        assignment,
        user=coordinating_user,
        note="Phối hợp xong phần việc",
        percent=50,
        difficulties="Thiếu kinh phí",
        proposals="Bổ sung kinh phí",
        files=[upload("bien-ban.pdf")],
        at=base + dt.timedelta(days=1),
    )
    request = actions.request_extension(
        assignment,
        user=staff_user,
        new_deadline=dt.date(2021, 3, 1),
        reason="Chờ số liệu",
        at=base + dt.timedelta(days=2),
    )
    actions.decide_extension(
        request,
        user=leader_user,
        approve=False,
        note="Không đủ cơ sở",
        at=base + dt.timedelta(days=3),
    )
    actions.urge(
        assignment, user=leader_user, message="Khẩn trương", at=base + dt.timedelta(days=4)
    )
    actions.transition(
        assignment,
        Action.REPORT_DONE,
        user=staff_user,
        note="Đã xong",
        at=base + dt.timedelta(days=5),
    )
    actions.transition(
        assignment,
        Action.CONFIRM,
        user=leader_user,
        note="Đồng ý",
        at=base + dt.timedelta(days=6),
        confirm_below=True,
    )
    response = signed_in(staff_user).get(reverse("assignment_detail", args=[assignment.pk]))
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == [
        "signoff",
        "reported",
        "reminder",
        "decision",
        "extension",
        "progress",
        "workflow",
    ]
    content = response.content.decode()
    timeline = content[content.index('id="timeline"') :]
    assert "bien-ban.pdf" in timeline and "Thiếu kinh phí" in timeline
    assert "Bổ sung kinh phí" in timeline and "Không đủ cơ sở" in timeline
    assert "Khẩn trương" in timeline and "Chờ xác nhận" in timeline


def test_detail_htmx_refresh_renders_live_region_without_forms(assignment, staff_user):
    response = signed_in(staff_user).get(
        reverse("assignment_detail", args=[assignment.pk]), headers=HX
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="assignment-live"')
    assert '<div id="action-forms" hx-preserve>' in content
    assert "<form" not in content
    assert "HX-Request" in response["Vary"]


def test_detail_of_another_unit_is_404(other_assignment, staff_user):
    response = signed_in(staff_user).get(reverse("assignment_detail", args=[other_assignment.pk]))
    assert response.status_code == 404


def test_detail_for_inspector_is_read_only(assignment, inspector_user):
    content = (
        signed_in(inspector_user)
        .get(reverse("assignment_detail", args=[assignment.pk]))
        .content.decode()
    )
    assert "Bạn chỉ có quyền xem nhiệm vụ này." in content
    assert '<form method="post" action="/assignments/' not in content


def test_detail_for_assigning_leader_has_no_staff_forms(assignment, leader_user):
    content = (
        signed_in(leader_user)
        .get(reverse("assignment_detail", args=[assignment.pk]))
        .content.decode()
    )
    assert "Chỉ cán bộ đơn vị chủ trì và đơn vị phối hợp cập nhật" in content
    assert reverse("assignment_progress", args=[assignment.pk]) not in content


def test_detail_for_coordinating_staff_has_progress_but_no_workflow(assignment, coordinating_user):
    content = (
        signed_in(coordinating_user)
        .get(reverse("assignment_detail", args=[assignment.pk]))
        .content.decode()
    )
    assert reverse("assignment_progress", args=[assignment.pk]) in content
    assert reverse("assignment_start", args=[assignment.pk]) not in content
    assert "chỉ đơn vị chủ trì thay đổi trạng thái" in content


# ---- Progress --------------------------------------------------------------------------------


def test_progress_saves_and_redirects_without_javascript(assignment, staff_user):
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]), progress_data(assignment)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assignment_detail", args=[assignment.pk]) + "#timeline"
    update = ProgressUpdate.objects.get()
    assert (update.note, update.percent, update.author, update.unit) == (
        "Đã tổ chức hội nghị quán triệt",
        40,
        staff_user,
        assignment.lead_unit,
    )
    assignment.refresh_from_db()
    assert assignment.percent == 40 and assignment.version == 2


def test_progress_with_htmx_returns_fresh_form_and_tells_the_page(assignment, staff_user):
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]),
        progress_data(assignment),
        headers=HX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="progress-form"')
    assert "Đã lưu cập nhật tiến độ." in content
    assert version_in(content) == 2
    assert "Đã tổ chức hội nghị quán triệt" not in content
    trigger = json.loads(response["HX-Trigger-After-Swap"])
    assert trigger == {"assignment-changed": {"id": assignment.pk, "version": 2}}


def test_progress_page_without_javascript_and_fragment_with_htmx(assignment, staff_user):
    client = signed_in(staff_user)
    url = reverse("assignment_progress", args=[assignment.pk])
    full = client.get(url).content.decode()
    fragment = client.get(url, headers=HX).content.decode()
    assert "<html" in full and 'id="progress-form"' in full
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="progress-form"')


def test_coordinating_staff_can_log_progress(assignment, coordinating_user):
    response = signed_in(coordinating_user).post(
        reverse("assignment_progress", args=[assignment.pk]), progress_data(assignment)
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().unit == assignment.coordinating_units.get()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"progress-note": "  "}, "note", "Hãy nhập nội dung cập nhật tiến độ."),
        ({"progress-percent": "101"}, "percent", "Tiến độ phải từ 0 đến 100."),
        ({"progress-percent": "-1"}, "percent", "Tiến độ phải từ 0 đến 100."),
        ({"progress-percent": "năm mươi"}, "percent", "Tiến độ phải là một số nguyên"),
        ({"progress-percent": ""}, "percent", "Hãy nhập tiến độ từ 0 đến 100."),
    ],
)
def test_progress_bad_input_errors_next_to_field_keeps_values_writes_nothing(
    assignment, staff_user, media_root, overrides, field, message
):
    data = progress_data(
        assignment,
        **{"progress-difficulties": "Thiếu người", "progress-proposals": "Tăng cường"},
        **overrides,
    )
    data["progress-files"] = [upload("minh-chung.pdf")]
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]), data, headers=HX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        rf'<ul class="errorlist" id="id_progress-{field}_error"><li>{re.escape(message)}', content
    )
    # The field itself points at its error, so a screen reader reads the message with it.
    field_tag = re.search(rf'<(?:input|textarea)[^>]*name="progress-{field}"[^>]*>', content)[0]
    assert re.search(rf'aria-describedby="[^"]*\bid_progress-{field}_error\b', field_tag)
    assert "Thiếu người" in content and "Tăng cường" in content
    assert not ProgressUpdate.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "name",
    [
        "bao-cao.pdf",
        "anh.png",
        "anh.JPG",
        "anh.jpeg",
        "ke-hoach.docx",
        "so-lieu.xlsx",
        "cong-van.doc",
        "bang.xls",
    ],
)
def test_progress_accepts_each_evidence_kind_and_stores_it_privately(
    assignment, staff_user, media_root, name
):
    kind = name.rsplit(".", 1)[-1].lower().replace("jpeg", "jpg")
    data = progress_data(assignment, **{"progress-files": [upload(name, kind)]})
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]), data
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == name and attachment.extension == kind
    assert attachment.update == ProgressUpdate.objects.get()
    (path,) = stored_files(media_root)
    assert path.parent == media_root / "evidence" / str(assignment.pk)
    assert path.name != name and path.suffix == f".{kind}"
    assert path.read_bytes() == CONTENT[kind]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("virus.pdf", data=b"MZ\x90\x00 not a pdf")], "không phải PDF, Word"),
        ([upload("anh.pdf", "png")], "nhưng tên tệp có đuôi khác"),
        ([upload("trang.docx", data=CONTENT["xlsx"])], "nhưng tên tệp có đuôi khác"),
        ([upload("gia.docx", data=b"PK\x03\x04 not really a zip")], "không phải PDF, Word"),
        ([upload("script.html", data=b"<script>alert(1)</script>")], "không phải PDF, Word"),
        ([upload("rong.pdf", data=b"")], "rỗng"),
        ([upload(f"tep{i}.pdf") for i in range(6)], "tối đa 5 tệp"),
    ],
)
def test_progress_refuses_bad_files_before_storing_anything(
    assignment, staff_user, media_root, files, message
):
    data = progress_data(assignment, **{"progress-files": files})
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]), data, headers=HX
    )
    content = response.content.decode()
    assert message in content
    assert 'id="id_progress-files_error"' in content
    assert "Đã tổ chức hội nghị quán triệt" in content
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_progress_refuses_file_over_10_mb(assignment, staff_user, media_root):
    big = upload("lon.pdf", data=CONTENT["pdf"] + b"0" * (10 * 1024 * 1024))
    data = progress_data(assignment, **{"progress-files": [big, upload("nho.pdf")]})
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]), data, headers=HX
    )
    assert "Tệp “lon.pdf” lớn hơn 10 MB." in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "name", ["..\\..\\settings.pdf", "a\x00b.pdf", "tep\x1b[31m.pdf", "C:x.pdf"]
)
def test_progress_form_refuses_file_names_with_paths_or_control_characters(assignment, name):
    form = ProgressForm(
        data=progress_data(assignment),
        files={"progress-files": upload(name, "pdf")},
        assignment=assignment,
    )
    assert not form.is_valid()
    assert "files" in form.errors


def test_progress_upload_path_never_comes_from_the_file_name(assignment, staff_user, media_root):
    data = progress_data(
        assignment, **{"progress-files": [upload("../../../etc/passwd.pdf", "pdf")]}
    )
    signed_in(staff_user).post(reverse("assignment_progress", args=[assignment.pk]), data)
    for path in stored_files(media_root):
        assert path.resolve().is_relative_to((media_root / "evidence").resolve())
        assert "passwd" not in path.name


def test_version_conflict_keeps_typed_text_and_shows_what_changed(assignment, staff_user):
    colleague = member(assignment.lead_unit, Role.STAFF, first_name="Lê", last_name="Thị C")
    mine, theirs = signed_in(staff_user), signed_in(colleague)
    url = reverse("assignment_progress", args=[assignment.pk])
    opened = version_in(mine.get(url).content.decode())
    theirs.post(
        url,
        progress_data(assignment, **{"progress-note": "Đã in tài liệu", "progress-percent": "70"}),
    )
    response = mine.post(
        url,
        progress_data(
            assignment, **{"progress-version": opened, "progress-note": "Ghi chú dài tôi vừa gõ"}
        ),
        headers=HX,
    )
    content = response.content.decode()
    assert "Chưa lưu: nhiệm vụ vừa được người khác cập nhật" in content
    assert (
        "Lê Thị C" in content
        and "Đã in tài liệu" in content
        and 'tiến độ <span class="nowrap">70 %</span>' in content
    )
    assert "Ghi chú dài tôi vừa gõ" in content
    assert list(ProgressUpdate.objects.values_list("note", flat=True)) == ["Đã in tài liệu"]
    assert json.loads(response["HX-Trigger-After-Swap"]) == {
        "assignment-changed": {"id": assignment.pk}
    }
    # Having seen the change, the user can save on purpose.
    again = mine.post(
        url,
        progress_data(
            assignment,
            **{"progress-version": version_in(content), "progress-note": "Ghi chú dài tôi vừa gõ"},
        ),
    )
    assert again.status_code == 302
    assert ProgressUpdate.objects.count() == 2


def test_version_conflict_without_javascript_shows_progress_page(assignment, staff_user):
    actions.record_progress(assignment, user=staff_user, note="Trước đó", percent=10)
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]),
        progress_data(assignment, **{"progress-version": 1, "progress-note": "Của tôi"}),
    )
    content = response.content.decode()
    assert response.status_code == 200 and "<html" in content
    assert "Trước đó" in content and "Của tôi" in content
    assert ProgressUpdate.objects.count() == 1


# ---- Evidence downloads ----------------------------------------------------------------------


@pytest.fixture
def attachment(assignment, staff_user):
    actions.record_progress_with_files(
        assignment, user=staff_user, note="Có tệp", percent=20, files=[upload("Biên bản.pdf")]
    )
    return Attachment.objects.get()


@pytest.mark.parametrize(
    "who", ["staff_user", "coordinating_user", "inspector_user", "leader_user"]
)
def test_download_is_an_attachment_for_those_who_may_see(attachment, who, request):
    user = request.getfixturevalue(who)
    response = signed_in(user).get(
        reverse("attachment_download", args=[attachment.assignment_id, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == CONTENT["pdf"]


def test_download_of_another_units_file_is_404(attachment, unrelated_user, other_assignment):
    client = signed_in(unrelated_user)
    assert (
        client.get(
            reverse("attachment_download", args=[attachment.assignment_id, attachment.pk])
        ).status_code
        == 404
    )
    # Nor through an assignment the user can see: the file must belong to it.
    other_assignment.coordinating_units.add(unrelated_user.membership.unit)
    assert (
        client.get(
            reverse("attachment_download", args=[other_assignment.pk, attachment.pk])
        ).status_code
        == 404
    )


def test_media_files_are_not_served_statically(attachment, staff_user):
    response = signed_in(staff_user).get("/media/" + attachment.file.name)
    assert response.status_code == 404


# ---- Workflow actions ------------------------------------------------------------------------


def test_start_moves_to_in_progress(assignment, staff_user):
    response = signed_in(staff_user).post(
        reverse("assignment_start", args=[assignment.pk]), {"start-version": 1}, headers=HX
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.IN_PROGRESS
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="workflow-panel"')
    assert "Đã chuyển sang “Đang thực hiện”." in content
    assert "Bắt đầu thực hiện</button>" not in content
    assert json.loads(response["HX-Trigger-After-Swap"])["assignment-changed"]["version"] == 2


def test_report_done_requires_a_note(assignment, staff_user):
    response = signed_in(staff_user).post(
        reverse("assignment_report_done", args=[assignment.pk]),
        {"report-version": 1, "report-note": ""},
        headers=HX,
    )
    assert "Hãy nêu kết quả đã hoàn thành trước khi báo cáo." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED and assignment.version == 1


def test_report_done_moves_to_awaiting_signoff(assignment, staff_user):
    response = signed_in(staff_user).post(
        reverse("assignment_report_done", args=[assignment.pk]),
        {"report-version": 1, "report-note": "Đã ban hành kế hoạch số 12"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Status.AWAITING_SIGNOFF
    update = ProgressUpdate.objects.get()
    assert update.note == "Đã ban hành kế hoạch số 12"
    assert (update.status_before, update.status_after) == (
        Status.NOT_STARTED,
        Status.AWAITING_SIGNOFF,
    )


def test_workflow_action_not_allowed_now_is_refused_in_words(assignment, staff_user):
    assignment.status = Status.AWAITING_SIGNOFF
    assignment.save()
    response = signed_in(staff_user).post(
        reverse("assignment_start", args=[assignment.pk]), {"start-version": 1}, headers=HX
    )
    assert "Không thể “Bắt đầu thực hiện”" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Status.AWAITING_SIGNOFF and assignment.version == 1


def test_extension_request_with_a_phrase_is_pending(assignment, staff_user):
    assignment.deadline = dt.date(2020, 12, 31)
    assignment.save()
    response = signed_in(staff_user).post(
        reverse("assignment_extension", args=[assignment.pk]),
        {
            "extension-version": 1,
            "extension-new_deadline": "trước Tết Nguyên đán 2021",
            "extension-reason": "Chờ số liệu quý IV",
        },
        headers=HX,
    )
    request = ExtensionRequest.objects.get()
    assert request.new_deadline == dt.date(2021, 2, 9)
    assert request.new_basis == "Trước Tết Nguyên đán Tân Sửu"
    assert request.state == ExtensionRequest.State.PENDING
    content = response.content.decode()
    assert "Đề nghị gia hạn đến 09/02/2021 đang chờ lãnh đạo quyết định." in content
    assert "Gửi đề nghị gia hạn" not in content
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2020, 12, 31)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"extension-new_deadline": "01/02/2021"}, "new_deadline", "phải sau thời hạn hiện tại"),
        ({"extension-new_deadline": "09/02/2021"}, "new_deadline", "phải sau thời hạn hiện tại"),
        ({"extension-new_deadline": "khi nào xong"}, "new_deadline", "Không xác định được"),
        ({"extension-new_deadline": ""}, "new_deadline", "Hãy nhập thời hạn mới."),
        ({"extension-reason": ""}, "reason", "Hãy nêu lý do đề nghị gia hạn."),
    ],
)
def test_extension_bad_input_errors_next_to_field_writes_nothing(
    assignment, staff_user, data, field, message
):
    payload = {
        "extension-version": 1,
        "extension-new_deadline": "15/03/2021",
        "extension-reason": "Lý do đã gõ",
        **data,
    }
    response = signed_in(staff_user).post(
        reverse("assignment_extension", args=[assignment.pk]), payload, headers=HX
    )
    content = response.content.decode()
    error = content[content.index(f'id="id_extension-{field}_error"') :]
    assert message in error[:400]
    for value in payload.values():
        if isinstance(value, str) and value:
            assert value in content
    assert not ExtensionRequest.objects.exists()


def test_second_extension_request_waits_for_the_first(assignment, staff_user):
    actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Lần một"
    )
    response = signed_in(staff_user).post(
        reverse("assignment_extension", args=[assignment.pk]),
        {
            "extension-version": 2,
            "extension-new_deadline": "01/04/2021",
            "extension-reason": "Lần hai",
        },
        headers=HX,
    )
    assert "Đã có một đề nghị gia hạn đang chờ quyết định." in response.content.decode()
    assert ExtensionRequest.objects.count() == 1


def test_workflow_version_conflict_keeps_text_and_shows_change(assignment, staff_user):
    colleague = member(assignment.lead_unit, Role.STAFF)
    actions.record_progress(assignment, user=colleague, note="Vừa cập nhật 55%", percent=55)
    response = signed_in(staff_user).post(
        reverse("assignment_report_done", args=[assignment.pk]),
        {"report-version": 1, "report-note": "Báo cáo của tôi"},
        headers=HX,
    )
    content = response.content.decode()
    assert (
        "Chưa lưu" in content
        and "Vừa cập nhật 55%" in content
        and 'tiến độ <span class="nowrap">55 %</span>' in content
    )
    assert "Báo cáo của tôi" in content
    assert version_in(content, "report") == 2
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED


# ---- Access: every URL and method of this page, for every role -------------------------------


def _urls(assignment, attachment_pk):
    pk = assignment.pk
    return {
        "list": ("get", reverse("assignment_list"), {}),
        "detail": ("get", reverse("assignment_detail", args=[pk]), {}),
        "progress_get": ("get", reverse("assignment_progress", args=[pk]), {}),
        "progress_post": (
            "post",
            reverse("assignment_progress", args=[pk]),
            progress_data(assignment),
        ),
        "start": ("post", reverse("assignment_start", args=[pk]), {"start-version": 1}),
        "report": (
            "post",
            reverse("assignment_report_done", args=[pk]),
            {"report-version": 1, "report-note": "Xong"},
        ),
        "extension": (
            "post",
            reverse("assignment_extension", args=[pk]),
            {
                "extension-version": 1,
                "extension-new_deadline": "01/03/2021",
                "extension-reason": "Cần thêm thời gian",
            },
        ),
        "file": ("get", reverse("attachment_download", args=[pk, attachment_pk]), {}),
    }


OK, REDIRECT, FORBIDDEN, MISSING = 200, 302, 403, 404
# role → expected status for: list, detail, progress GET, progress POST, start, report,
# extension, file download.
ACCESS = {
    "staff_user": [OK, OK, OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK],
    "coordinating_user": [OK, OK, OK, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "unrelated_user": [OK, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING],
    "inspector_user": [OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "leader_user": [OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
    "unit_leader": [OK, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING],
    "admin_user": [OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
}


@pytest.mark.parametrize("role", list(ACCESS))
@pytest.mark.parametrize("index", range(8))
def test_access_table(request, assignment, staff_user, role, index):
    actions.record_progress_with_files(
        assignment, user=staff_user, note="Có tệp", percent=5, files=[upload("a.pdf")]
    )
    attachment = Attachment.objects.get()
    assignment.refresh_from_db()
    name, (method, url, data) = list(_urls(assignment, attachment.pk).items())[index]
    if "progress-version" in data:
        data["progress-version"] = assignment.version
    for key in ("start-version", "report-version", "extension-version"):
        if key in data:
            data[key] = assignment.version
    before = (
        ProgressUpdate.objects.count(),
        ExtensionRequest.objects.count(),
        Attachment.objects.count(),
        Assignment.objects.values_list("status", "version").get(pk=assignment.pk),
    )
    user = request.getfixturevalue(role)
    response = getattr(signed_in(user), method)(url, data)
    expected = ACCESS[role][index]
    assert response.status_code == expected, (role, name)
    if method == "post" and expected != REDIRECT:
        after = (
            ProgressUpdate.objects.count(),
            ExtensionRequest.objects.count(),
            Attachment.objects.count(),
            Assignment.objects.values_list("status", "version").get(pk=assignment.pk),
        )
        assert after == before, (role, name)


@pytest.mark.parametrize("index", range(8))
def test_access_requires_sign_in(assignment, index):
    method, url, data = list(_urls(assignment, 1).values())[index]
    response = getattr(Client(), method)(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("assignment_list", "post"),
        ("assignment_detail", "post"),
        ("assignment_progress", "put"),
        ("assignment_start", "get"),
        ("assignment_report_done", "get"),
        ("assignment_extension", "get"),
        ("attachment_download", "post"),
    ],
)
def test_wrong_methods_are_refused(assignment, staff_user, name, wrong):
    args = {
        "assignment_list": [],
        "attachment_download": [assignment.pk, 1],
    }.get(name, [assignment.pk])
    response = getattr(signed_in(staff_user), wrong)(reverse(name, args=args))
    assert response.status_code == 405
    assert not ProgressUpdate.objects.exists()


def test_inspector_sees_no_write_forms_and_cannot_use_actions_directly(assignment, inspector_user):
    client = signed_in(inspector_user)
    assert (
        client.post(
            reverse("assignment_start", args=[assignment.pk]), {"start-version": 1}
        ).status_code
        == 403
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED


# ---- Query counts do not grow with the data --------------------------------------------------


def _grow(document, lead_unit, coordinating_unit, staff_user, leader_user, n: int) -> Assignment:
    """n more assignments for the unit, and a much longer history on the first one."""
    made = [
        AssignmentFactory(
            directive=DirectiveFactory(document=document),
            lead_unit=lead_unit,
            coordinating=[coordinating_unit],
        )
        for _ in range(n)
    ]
    target = made[0]
    for i in range(n):
        actions.record_progress_with_files(
            target, user=staff_user, note=f"Lần {i}", percent=i, files=[upload(f"f{i}.pdf")]
        )
        actions.urge(target, user=leader_user, message=f"Nhắc {i}")
    request = actions.request_extension(
        target, user=staff_user, new_deadline=dt.date(2021, 5, 1), reason="Cần thêm"
    )
    actions.decide_extension(request, user=leader_user, approve=True)
    actions.transition(target, Action.START, user=staff_user, note="")
    return target


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_data(
    document, lead_unit, coordinating_unit, staff_user, leader_user
):
    client = signed_in(staff_user)
    small = _grow(document, lead_unit, coordinating_unit, staff_user, leader_user, 2)
    list_small = _count(client, reverse("assignment_list"))
    detail_small = _count(client, reverse("assignment_detail", args=[small.pk]))
    large = _grow(document, lead_unit, coordinating_unit, staff_user, leader_user, 20)
    list_large = _count(client, reverse("assignment_list"))
    detail_large = _count(client, reverse("assignment_detail", args=[large.pk]))
    assert Assignment.objects.count() == 22
    assert Reminder.objects.filter(assignment=large).count() == 20
    assert (list_small, detail_small) == (list_large, detail_large)
