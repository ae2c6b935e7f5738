"""The periodic report pages as users meet them: who sees which rows, submitting and returning
through the forms, and bad input answered in Vietnamese with nothing written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document as read_docx
from openpyxl import load_workbook

from directives.models import ReportSubmissionEvent, Role
from directives.periodic import actions
from tests.evidence_files import upload
from tests.factories import member


@pytest.fixture
def q4(slot_of, tree, people):
    """Q4/2020: district 1 on time and accepted, district 2 late, district 3 nothing."""
    import django.utils.timezone as tz

    first = slot_of(tree["districts"][0])
    actions.submit(
        first,
        user=people["district_staff"],
        text="Huyện 1 đã quán triệt cho 1.250 đảng viên.",
        figures={"Số đảng viên được quán triệt (người)": "1250"},
        at=tz.make_aware(dt.datetime(2020, 12, 10, 9)),
    )
    actions.review(first, user=people["office_staff"], decision="accept")
    second = slot_of(tree["districts"][1])
    actions.submit(
        second,
        user=people["other_district_staff"],
        text="Huyện 2 nộp muộn.",
        figures={"Số đảng viên được quán triệt (người)": "800"},
        at=tz.make_aware(dt.datetime(2020, 12, 18, 9)),
    )
    return {"first": first, "second": second, "third": slot_of(tree["districts"][2])}


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def test_office_sees_every_unit_of_the_period(client, obligation, q4, people):
    response = page(
        client, people["office_staff"], "periodic_obligation", obligation.pk, period="2020-Q4"
    )
    text = response.content.decode()
    assert response.status_code == 200
    for name in ("Huyện ủy định kỳ 1", "Huyện ủy định kỳ 2", "Huyện ủy định kỳ 3"):
        assert name in text
    assert "Đã tiếp nhận" in text and "Nộp muộn" in text and "Chưa nộp" in text


def test_a_district_sees_only_its_own_row(client, obligation, q4, people):
    text = page(
        client, people["district_staff"], "periodic_obligation", obligation.pk, period="2020-Q4"
    ).content.decode()
    assert "Huyện ủy định kỳ 1" in text and "Huyện ủy định kỳ 2" not in text


def test_status_filter_lists_who_has_not_reported(client, obligation, q4, people):
    text = page(
        client,
        people["office_leader"],
        "periodic_obligation",
        obligation.pk,
        period="2020-Q4",
        status="not_submitted",
    ).content.decode()
    assert "Huyện ủy định kỳ 3" in text and "Huyện ủy định kỳ 1" not in text


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("periodic_obligation", {"period": "2020-Q5"}),
        ("periodic_obligation", {"period": "\x00"}),
        ("periodic_obligation", {"status": "lost"}),
        ("periodic_matrix", {"year": "²"}),
        ("periodic_matrix", {"year": "99999"}),
        ("periodic_matrix_xlsx", {"year": "abc"}),
        ("periodic_compiled_docx", {"period": "2020-M12"}),
    ],
)
def test_bad_parameters_are_a_400_in_vietnamese(client, obligation, q4, people, name, query):
    response = page(client, people["office_staff"], name, obligation.pk, **query)
    assert response.status_code == 400


def test_outsiders_do_not_learn_the_obligation_exists(client, obligation, q4, people):
    assert page(client, people["outsider"], "periodic_obligation", obligation.pk).status_code == 404
    assert page(client, people["outsider"], "submission_detail", q4["first"].pk).status_code == 404
    assert (
        page(
            client, people["other_district_staff"], "submission_detail", q4["first"].pk
        ).status_code
        == 404
    )


def test_matrix_shows_units_by_period(client, obligation, q4, people):
    text = page(
        client, people["office_staff"], "periodic_matrix", obligation.pk, year=2020
    ).content.decode()
    assert "Q4" in text and "Huyện ủy định kỳ 3" in text and "Nộp muộn" in text
    assert f'href="/periodic/submissions/{q4["second"].pk}/"' in text


def test_matrix_excel_and_compiled_word(client, obligation, q4, people):
    response = page(
        client, people["office_staff"], "periodic_matrix_xlsx", obligation.pk, year=2020
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r[0] == "Đơn vị")
    assert "Quý IV/2020" in header
    unit3 = next(r for r in values if r[0] == "Huyện ủy định kỳ 3")
    assert unit3[header.index("Quý IV/2020")].startswith("Chưa nộp")
    response = page(
        client, people["office_staff"], "periodic_compiled_docx", obligation.pk, period="2020-Q4"
    )
    text = "\n".join(p.text for p in read_docx(io.BytesIO(response.content)).paragraphs)
    assert "Huyện 1 đã quán triệt" in text and "Huyện 2 nộp muộn" in text
    tables = read_docx(io.BytesIO(response.content)).tables
    cells = [c.text for t in tables for row in t.rows for c in row.cells]
    assert "2050" in cells  # the figures added up over the units that reported


def test_submit_through_the_form_with_a_file(client, obligation, q4, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    third = q4["third"]
    staff3 = member(third.unit, Role.STAFF)
    client.force_login(staff3)
    response = client.post(
        reverse("submission_submit", args=[third.pk]),
        {
            "text": "Huyện 3 nộp",
            "version": third.version,
            "figure_0": "1.000",
            "files": [upload("Báo cáo.pdf")],
        },
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert (
        third.state == "submitted"
        and third.figures["Số đảng viên được quán triệt (người)"] == "1000"
    )
    stored = third.files.get()
    download = client.get(reverse("submission_file", args=[third.pk, stored.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "version": "1"},
        {"text": "Có", "version": "²"},
        {"text": "Có", "version": ""},
        {"text": "Có", "version": "1", "figure_0": "nhiều"},
        {"text": "x" * 60_000, "version": "1"},
    ],
)
def test_bad_submissions_come_back_with_errors_and_write_nothing(
    client, obligation, q4, people, data
):
    third = q4["third"]
    client.force_login(member(third.unit, Role.STAFF))
    response = client.post(reverse("submission_submit", args=[third.pk]), data)
    assert response.status_code == 200
    assert "error" in response.content.decode()
    third.refresh_from_db()
    assert third.state == "open" and not third.events.exists()


def test_return_then_stale_accept_is_a_conflict(client, obligation, q4, people):
    second = q4["second"]
    client.force_login(people["office_staff"])
    response = client.post(
        reverse("submission_review", args=[second.pk]),
        {"decision": "return", "reason": "Thiếu số liệu quý", "version": second.version},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == "returned"
    # A second tab still holding the old version.
    response = client.post(
        reverse("submission_review", args=[second.pk]),
        {"decision": "accept", "version": second.version - 1},
    )
    assert response.status_code == 200
    assert "người khác cập nhật" in response.content.decode()
    second.refresh_from_db()
    assert second.state == "returned"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "return", "reason": "", "version": "2"},
        {"decision": "delete", "version": "2"},
        {"decision": "accept", "version": "-1"},
    ],
)
def test_bad_reviews_write_nothing(client, obligation, q4, people, data):
    second = q4["second"]
    client.force_login(people["office_staff"])
    count = ReportSubmissionEvent.objects.count()
    response = client.post(reverse("submission_review", args=[second.pk]), data)
    assert response.status_code == 200
    assert ReportSubmissionEvent.objects.count() == count


def test_who_may_post(client, obligation, q4, people):
    second = q4["second"]
    client.force_login(people["province_leader"])  # sees it, receives nothing
    response = client.post(
        reverse("submission_review", args=[second.pk]),
        {"decision": "accept", "version": second.version},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("submission_submit", args=[q4["third"].pk]), {"text": "x", "version": "1"}
    )
    assert response.status_code == 403
    client.force_login(people["outsider"])
    response = client.post(
        reverse("submission_review", args=[second.pk]),
        {"decision": "accept", "version": second.version},
    )
    assert response.status_code == 404


def test_list_counts_reports_due_and_not_submitted(client, obligation, q4, people):
    text = page(client, people["office_staff"], "periodic_list").content.decode()
    assert obligation.title in text


def test_stale_submit_keeps_the_text_on_the_current_version(client, obligation, q4, people):
    third = q4["third"]
    staff3 = member(third.unit, Role.STAFF)
    # Someone else's change moves the version on while the form is open.
    type(third).objects.filter(pk=third.pk).update(version=5)
    client.force_login(staff3)
    url = reverse("submission_submit", args=[third.pk])
    response = client.post(url, {"text": "Văn bản đang nhập", "version": "1"})
    text = response.content.decode()
    assert response.status_code == 200 and "người khác cập nhật" in text
    assert "Văn bản đang nhập" in text and 'value="5"' in text
    third.refresh_from_db()
    assert third.state == "open"
    assert client.post(url, {"text": "Văn bản đang nhập", "version": "5"}).status_code == 302


def test_the_whole_trees_leader_sees_every_slot_and_a_provinces_only_its_own(
    obligation, slot_of, tree, people
):
    """The central body's leader reads every slot without the subtree test; a leader under
    another root does not see that root's slots."""
    from django.contrib.auth.models import User

    from directives.models import ReportingObligation, ReportSubmission, UnitKind
    from directives.periodic import slots
    from directives.periodic.permissions import visible_submissions
    from tests.factories import DocumentFactory, UnitFactory

    def seen(user) -> set[int]:
        fresh = User.objects.get(pk=user.pk)  # the scope is worked out once per user object
        return set(visible_submissions(fresh).values_list("pk", flat=True))

    slot_of(tree["districts"][0])
    leader = people["province_leader"]
    # The province is the only root: its leader leads the whole tree and sees every slot.
    assert seen(leader) == set(ReportSubmission.objects.values_list("pk", flat=True))

    other = UnitFactory(name="Tỉnh khác", kind=UnitKind.PROVINCE)
    UnitFactory(name="Huyện ủy tỉnh khác", kind=UnitKind.PARTY_COMMITTEE, parent=other)
    ReportingObligation.objects.create(
        document=DocumentFactory(issuing_unit=other),
        title="Báo cáo của tỉnh khác",
        frequency="quarterly",
        due_rule="ngày 15 của tháng cuối quý",
        cutoff_rule="ngày 14 của tháng cuối quý",
        units_under=other,
        units_kind=UnitKind.PARTY_COMMITTEE,
        receiving_unit=other,
        starts_on=dt.date(2020, 10, 1),
    )
    slots.create_slots(dt.date(2020, 12, 1))
    theirs = set(ReportSubmission.objects.filter(unit__parent=other).values_list("pk", flat=True))
    assert theirs
    assert not seen(leader) & theirs
    assert seen(leader) == set(
        ReportSubmission.objects.exclude(pk__in=theirs).values_list("pk", flat=True)
    )
    assert seen(people["inspector"]) >= theirs
