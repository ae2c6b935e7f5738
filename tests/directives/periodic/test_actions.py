"""Submitting, accepting and returning a periodic report: each transition, who may make it, and
bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from directives.actions import PermissionDenied
from directives.models import ReportStatus, ReportSubmissionEvent, ReportSubmissionFile
from directives.periodic import actions
from tests.evidence_files import upload


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9))


def test_submit_on_time_then_accept(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(
        slot,
        user=people["district_staff"],
        text="Đã quán triệt",
        figures={"Số lớp học (lớp)": "12"},
        at=at(dt.date(2020, 12, 15)),
    )
    assert slot.status(dt.date(2020, 12, 20)) == ReportStatus.ON_TIME
    assert slot.figures == {"Số lớp học (lớp)": "12"}
    actions.review(slot, user=people["office_staff"], decision="accept")
    assert slot.status(dt.date(2020, 12, 20)) == ReportStatus.ACCEPTED
    assert list(slot.events.values_list("action", flat=True)) == ["submit", "accept"]


def test_submit_after_the_due_date_is_late(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_leader"], text="Muộn", at=at(dt.date(2020, 12, 16)))
    assert slot.status(dt.date(2020, 12, 20)) == ReportStatus.LATE
    assert slot.days_late(dt.date(2020, 12, 30)) == 1


def test_returned_report_is_submitted_again(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_staff"], text="Thiếu số liệu")
    actions.review(slot, user=people["office_leader"], decision="return", reason="Bổ sung số liệu")
    assert slot.status(dt.date(2020, 12, 20)) == ReportStatus.RETURNED
    assert slot.return_reason == "Bổ sung số liệu"
    actions.submit(slot, user=people["district_staff"], text="Đã bổ sung")
    assert slot.state == "submitted" and slot.return_reason == ""
    assert slot.events.count() == 3


@pytest.mark.parametrize(
    "who", ["other_district_staff", "office_staff", "province_leader", "inspector", "outsider"]
)
def test_only_the_reporting_unit_submits(slot_of, tree, people, who):
    slot = slot_of(tree["districts"][0])
    with pytest.raises(PermissionDenied):
        actions.submit(slot, user=people[who], text="Không phải của tôi")
    assert slot.events.count() == 0


@pytest.mark.parametrize(
    "who", ["district_staff", "district_leader", "province_leader", "inspector", "outsider"]
)
def test_only_the_receiving_unit_reviews(slot_of, tree, people, who):
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_staff"], text="Báo cáo")
    with pytest.raises(PermissionDenied):
        actions.review(slot, user=people[who], decision="accept")
    slot.refresh_from_db()
    assert slot.state == "submitted"


def test_review_needs_a_submitted_report(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    with pytest.raises(actions.SubmissionError, match="trạng thái"):
        actions.review(slot, user=people["office_staff"], decision="accept")
    actions.submit(slot, user=people["district_staff"], text="Báo cáo")
    actions.review(slot, user=people["office_staff"], decision="accept")
    with pytest.raises(actions.SubmissionError):
        actions.submit(slot, user=people["district_staff"], text="Nộp lại sau khi đã tiếp nhận")
    with pytest.raises(actions.SubmissionError):
        actions.review(slot, user=people["office_staff"], decision="return", reason="Muộn rồi")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "  "}, "Cần ghi nội dung"),
        ({"text": "x" * 50_001}, "dài quá"),
        ({"text": "Có", "figures": {"Số lớp học (lớp)": "mười hai"}}, "phải là một số"),
        ({"text": "Có", "figures": {"Số lớp học (lớp)": "NaN"}}, "phải là một số"),
        ({"text": "Có", "figures": {"Số lớp học (lớp)": "1e400"}}, "phải là một số"),
        ({"text": "Có", "files": [upload("virus.pdf", data=b"MZ\x90\x00")]}, "không phải PDF"),
        ({"text": "Có", "files": [upload(f"t{n}.pdf") for n in range(6)]}, "tối đa 5"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_written(slot_of, tree, people, fields, message):
    slot = slot_of(tree["districts"][0])
    with pytest.raises(actions.SubmissionError, match=message):
        actions.submit(slot, user=people["district_staff"], **fields)
    slot.refresh_from_db()
    assert slot.state == "open" and slot.version == 1
    assert not ReportSubmissionEvent.objects.exists() and not ReportSubmissionFile.objects.exists()


def test_figures_read_vietnamese_numbers(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(
        slot,
        user=people["district_staff"],
        text="Có",
        figures={"Số đảng viên được quán triệt (người)": "1.250", "Số lớp học (lớp)": "12,5"},
    )
    assert slot.figures == {
        "Số đảng viên được quán triệt (người)": "1250",
        "Số lớp học (lớp)": "12.5",
    }


def test_return_needs_a_reason_and_a_known_decision(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_staff"], text="Báo cáo")
    with pytest.raises(actions.SubmissionError, match="lý do"):
        actions.review(slot, user=people["office_staff"], decision="return", reason=" ")
    with pytest.raises(actions.SubmissionError):
        actions.review(slot, user=people["office_staff"], decision="delete")
    slot.refresh_from_db()
    assert slot.state == "submitted"


def test_a_stale_form_loses_nothing(slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_staff"], text="Lần một", expected_version=1)
    with pytest.raises(actions.SubmissionConflict):
        actions.review(slot, user=people["office_staff"], decision="accept", expected_version=1)
    slot.refresh_from_db()
    assert slot.state == "submitted" and slot.text == "Lần một"


def test_files_are_stored_with_the_submission(slot_of, tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    slot = slot_of(tree["districts"][0])
    actions.submit(slot, user=people["district_staff"], text="", files=[upload("Báo cáo Q4.pdf")])
    stored = slot.files.get()
    assert stored.name == "Báo cáo Q4.pdf" and stored.extension == "pdf"
    assert (tmp_path / stored.file.name).exists()
