"""The urging letter: who may write it, what it says, and the timeline that keeps it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx

from directives.calendar import add_working_days
from directives.models import Assignment, Reminder, Unit

URL = "/dashboard/urge-letter/"


@pytest.fixture
def namcan(demo):
    return Unit.objects.get(name="Huyện ủy Năm Căn")


@pytest.fixture
def doc(conclusion):
    return f"doc={conclusion.pk}&"


def letter(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cong-van-don-doc-')
    return read_docx(io.BytesIO(response.content))


def test_page_lists_the_overdue_of_a_unit_before_anything_is_written(leader, namcan, doc):
    response = leader.get(URL + "?" + doc + f"group=overdue_unfinished&lead={namcan.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kính gửi: Huyện ủy Năm Căn" in html
    assert html.count("<tr>") == 1 + 2  # the header and Năm Căn's two overdue assignments
    assert 'value="trong 5 ngày làm việc"' in html
    assert not Reminder.objects.filter(kind=Reminder.Kind.MANUAL).exists()


def test_letter_to_a_unit_asks_for_a_report_by_the_phrase_and_lands_on_the_timeline(
    leader, namcan, doc
):
    filters = doc + f"group=overdue_unfinished&lead={namcan.pk}"
    document = letter(leader.post(URL, {"filters": filters, "reply_by": "trong 5 ngày làm việc"}))
    today = timezone.localdate()
    reply_by = add_working_days(today, 5).strftime("%d/%m/%Y")
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "TỈNH ỦY CÀ MAU",
        "*",
        "Số        -CV/TU",
        "V/v đôn đốc thực hiện nhiệm vụ",
    ]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    texts = [p.text for p in document.paragraphs]
    assert "Kính gửi: Huyện ủy Năm Căn." in texts
    assert texts[-1].endswith(
        f"báo cáo kết quả bằng văn bản về Ban Thường vụ Tỉnh ủy Cà Mau trước ngày {reply_by}."
    )
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["STT", "Nội dung", "Đơn vị chủ trì", "Thời hạn", "Quá hạn"]
    assert [row[2] for row in rows[1:]] == ["Huyện ủy Năm Căn", "Huyện ủy Năm Căn"]
    days = (today - Assignment.objects.filter(lead_unit=namcan).first().deadline).days
    assert rows[1][4] == f"{days} ngày"
    # Each assignment's timeline keeps the letter, its date and the date asked for.
    urged = Reminder.objects.filter(kind=Reminder.Kind.MANUAL)
    assert {r.assignment.lead_unit_id for r in urged} == {namcan.pk}
    assert urged.count() == 2
    message = urged.first().message
    assert message.startswith(f"Công văn đôn đốc ngày {today:%d/%m/%Y}")
    assert message.endswith(f"trước ngày {reply_by}.")
    page = leader.get(reverse("assignment_detail", args=[urged.first().assignment_id]))
    assert "Công văn đôn đốc ngày" in page.content.decode()


def test_letter_on_a_document_goes_to_every_lead_unit_behind(leader, doc):
    document = letter(
        leader.post(URL, {"filters": doc + "group=overdue_unfinished", "reply_by": "31/12/2099"})
    )
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Kính gửi:"
    units = [t for t in texts if t.startswith("- ")][:5]
    assert units[-1].endswith(".") and all(u.endswith(";") for u in units[:-1])
    assert len(document.tables[1].rows) == 1 + 6
    assert "các đơn vị nêu trên" in texts[-1] and "31/12/2099" in texts[-1]
    assert Reminder.objects.filter(kind=Reminder.Kind.MANUAL).count() == 6


def test_letter_on_one_assignment(leader, namcan, doc):
    item = Assignment.objects.filter(lead_unit=namcan).order_by("pk").first()
    letter(leader.post(URL, {"filters": doc + f"assignment={item.pk}", "reply_by": "31/12/2099"}))
    assert list(
        Reminder.objects.filter(kind=Reminder.Kind.MANUAL).values_list("assignment", flat=True)
    ) == [item.pk]


@pytest.mark.parametrize(
    ("reply_by", "error"),
    [
        ("", "Cần nhập thời hạn báo cáo."),
        ("hôm qua", "Không xác định được thời hạn từ “hôm qua”"),
        ("01/01/2021", "Thời hạn báo cáo (01/01/2021) phải sau hôm nay."),
    ],
)
def test_bad_reply_date_is_said_in_vietnamese_and_nothing_is_written(
    leader, namcan, reply_by, error, doc
):
    response = leader.post(
        URL, {"filters": doc + f"group=overdue_unfinished&lead={namcan.pk}", "reply_by": reply_by}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert error in html.replace("&lt;", "<").replace("&gt;", ">")
    assert 'aria-invalid="true"' in html
    assert not Reminder.objects.filter(kind=Reminder.Kind.MANUAL).exists()


def test_only_the_assigning_bodys_leaders_write_letters(client, demo, namcan, doc):
    from directives.models import Role
    from tests.factories import member

    client.login(username="kiemtra", password="demo12345")
    assert client.get(URL).status_code == 403
    client.force_login(member(namcan, Role.LEADER))  # a leader of a unit, not of the assigner
    response = client.post(
        URL, {"filters": doc + "group=overdue_unfinished", "reply_by": "31/12/2099"}
    )
    assert response.status_code == 403
    assert not Reminder.objects.filter(kind=Reminder.Kind.MANUAL).exists()


def test_list_page_offers_the_letter_to_the_assigning_leader(leader, doc):
    html = leader.get(
        reverse("dashboard_assignments") + "?" + doc + "group=overdue_unfinished"
    ).content.decode()
    assert 'href="/dashboard/urge-letter/?' in html
