"""The review page "Nhập văn bản": parse, review, correct, confirm — nothing before confirming."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from directives.importers.units import UnitIndex
from directives.models import Assignment, DeadlineChange, Directive, Document, Unit, UnitKind
from tests.factories import UserFactory

CORPUS = Path(__file__).resolve().parents[1] / "importers" / "corpus"
URL = "admin:directives_document_import"


@pytest.fixture
def units(db):
    from directives.demo import EVENTS, build_units
    from directives.models import Event

    build_units()
    for name, start, end in EVENTS:
        Event.objects.create(name=name, date=start, end_date=end)


@pytest.fixture
def admin_client(client, admin_user, units):
    client.force_login(admin_user)
    return client


def _counts() -> dict[str, int]:
    models = (Document, Directive, Assignment, DeadlineChange, Unit)
    return {m.__name__: m.objects.count() for m in models}


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _parse(client, text: str):
    return client.post(reverse(URL), {"step": "parse", "text": text})


def _form_data(response) -> dict:
    """What a browser would send back unchanged from the review page."""
    data: dict = {"step": "confirm", "payload": response.context["payload"]}
    for name in ("directive_formset", "assignment_formset", "unknown_formset"):
        formset = response.context[name]
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset:
            _add(data, form)
    _add(data, response.context["document_form"])
    return data


def _add(data: dict, form) -> None:
    for field in form:
        value = field.value()
        if isinstance(value, bool) or field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is None:
            data[field.html_name] = ""
        elif hasattr(value, "strftime"):
            data[field.html_name] = value.strftime("%d/%m/%Y")
        elif hasattr(value, "pk"):
            data[field.html_name] = str(value.pk)
        else:
            data[field.html_name] = str(value)


def test_import_page_opens_for_admin(admin_client):
    response = admin_client.get(reverse(URL))
    assert response.status_code == 200
    assert "Nhập văn bản" in response.content.decode()


def test_import_page_refuses_non_staff_and_anonymous(client, units):
    assert client.get(reverse(URL)).status_code == 302
    client.force_login(UserFactory())
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_import_page_refuses_staff_without_document_permission(client, units):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(URL)).status_code == 403


def test_document_changelist_links_to_import_page(admin_client):
    content = admin_client.get(reverse("admin:directives_document_changelist")).content.decode()
    assert reverse(URL) in content


def test_unit_admin_form_has_aliases(admin_client):
    unit = Unit.objects.get(name="Sở Y tế")
    content = admin_client.get(reverse("admin:directives_unit_change", args=[unit.pk])).content
    assert b'name="aliases"' in content


def test_parse_shows_fields_and_proposals_and_writes_nothing(admin_client):
    before = _counts()
    response = _parse(admin_client, _text("01-ubnd-phong-chong-dich.txt"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kiểm tra và xác nhận" in content
    assert 'value="45/TB-UBND"' in content
    health = Unit.objects.get(name="Sở Y tế")
    assert f'<option value="u:{health.pk}" selected>' in content
    assert 'value="Trước ngày 20/03/2021"' in content
    assert "Thường xuyên (văn bản không nêu ngày): hãy ấn định" in content
    assert "Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính" in content
    assert _counts() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("a.txt", b""), "rỗng"),
        (("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), "nhị phân"),
        (("a.txt", b"1. Giao S\xe1 Y t\xe9."), "UTF-8"),
        (("a.txt", ("1. Giao Sở Y tế chủ trì.\n" * 200_000).encode()), "quá lớn"),
        (("a.docx", None), "không phải tài liệu Word"),
        (("a.pdf", b"%PDF-1.4 broken"), "không đọc được"),
        (("a.odt", b"x"), "Chỉ nhận tệp"),
    ],
)
def test_bad_uploads_show_a_clear_error_next_to_the_field(admin_client, upload, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = upload
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("anh/1.png", b"\x89PNG")
        content = buffer.getvalue()
    before = _counts()
    response = admin_client.post(
        reverse(URL), {"step": "parse", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    errors = response.context["source_form"].errors["file"]
    assert message in " ".join(errors)
    assert _counts() == before


def test_empty_paste_asks_for_text(admin_client):
    response = admin_client.post(reverse(URL), {"step": "parse", "text": "  "})
    assert "Hãy dán toàn văn hoặc chọn một tệp." in response.content.decode()


def test_docx_upload_is_reviewed(admin_client):
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = docx.Document()
    for line in _text("01-ubnd-phong-chong-dich.txt").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    response = admin_client.post(
        reverse(URL), {"step": "parse", "file": SimpleUploadedFile("kl.docx", buffer.getvalue())}
    )
    assert response.context["step"] == "review"
    assert response.context["document_form"]["number"].value() == "45/TB-UBND"


def test_confirm_creates_everything_with_deadline_history(admin_client, admin_user):
    review = _parse(admin_client, _text("01-ubnd-phong-chong-dich.txt"))
    response = admin_client.post(reverse(URL), _form_data(review))
    assert response.status_code == 302
    document = Document.objects.get()
    assert response["Location"] == reverse("admin:directives_document_change", args=[document.pk])
    assert (document.number, str(document.issue_date)) == ("45/TB-UBND", "2021-03-05")
    assert list(document.directives.values_list("number", flat=True)) == ["1", "2", "3", "4"]
    health = Assignment.objects.get(lead_unit__name="Sở Y tế")
    assert str(health.deadline) == "2021-03-20"
    assert health.deadline_basis == "Trước ngày 20/03/2021"
    assert health.coordinating_units.count() == 10
    change = DeadlineChange.objects.get(assignment=health)
    assert (change.kind, change.changed_by) == ("initial", admin_user)
    ongoing = Assignment.objects.get(lead_unit__name="Sở Thông tin và Truyền thông")
    assert (ongoing.deadline, ongoing.deadline_basis) == (
        None,
        "Thường xuyên (văn bản không nêu ngày)",
    )


def test_confirm_applies_corrections(admin_client):
    review = _parse(admin_client, _text("01-ubnd-phong-chong-dich.txt"))
    data = _form_data(review)
    police = Unit.objects.get(name="Công an tỉnh")
    data["doc-number"] = "46/TB-UBND"
    data["dir-0-title"] = "Kế hoạch tiêm vắc xin"
    data["dir-3-include"] = ""  # drop directive 4
    data.pop("dir-3-include")
    data["asg-0-lead"] = f"u:{police.pk}"
    data["asg-0-deadline"] = "trước Tết Nguyên đán 2022"
    data["asg-2-deadline"] = "30/06/2021"  # the "thường xuyên" row gets a date
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.number == "46/TB-UBND"
    assert document.directives.get(number="1").title == "Kế hoạch tiêm vắc xin"
    assert not document.directives.filter(number="4").exists()
    first = Assignment.objects.get(directive__number="1")
    assert first.lead_unit == police
    assert first.deadline_basis == "Trước Tết Nguyên đán Nhâm Dần"
    third = Assignment.objects.get(directive__number="3")
    assert str(third.deadline) == "2021-06-30"
    assert third.deadline_basis == "Thường xuyên (văn bản không nêu ngày), ấn định khi nhập văn bản"


def test_confirm_with_bad_deadline_shows_error_and_writes_nothing(admin_client):
    review = _parse(admin_client, _text("01-ubnd-phong-chong-dich.txt"))
    data = _form_data(review)
    data["asg-0-deadline"] = "sau khi xong"
    before = _counts()
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    errors = response.context["assignment_formset"].forms[0].errors["deadline"]
    assert "Không xác định được thời hạn" in errors[0]
    assert _counts() == before


def test_confirm_row_without_lead_is_refused(admin_client):
    review = _parse(admin_client, _text("04-vptu-muc-chu-cai.txt"))
    data = _form_data(review)
    data["unk-0-action"] = "ignore"
    data["asg-3-include"] = "on"  # directive d: no lead proposed
    before = _counts()
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    assert "Hãy chọn đơn vị chủ trì" in response.content.decode()
    assert _counts() == before


def test_unknown_name_needs_a_decision(admin_client):
    review = _parse(admin_client, _text("04-vptu-muc-chu-cai.txt"))
    assert review.context["unknown_names"] == ["Sở Nội vụ"]
    response = admin_client.post(reverse(URL), _form_data(review))
    assert response.status_code == 400
    assert "Hãy chọn cách xử lý tên này." in response.content.decode()
    assert Document.objects.count() == 0


# Each formset of the review page: its prefix, its name in the context, a field each form posts.
FORMSETS = {
    "dir": ("directive_formset", "title"),
    "asg": ("assignment_formset", "directive"),
    "unk": ("unknown_formset", "name"),
    "obl": ("obligation_formset", "title"),
}


@pytest.mark.parametrize("prefix", list(FORMSETS))
def test_a_forged_form_count_is_refused_without_building_thousands_of_forms(admin_client, prefix):
    name, shown = FORMSETS[prefix]
    field = f"{prefix}-TOTAL_FORMS"
    review = _parse(admin_client, _text("04-vptu-muc-chu-cai.txt"))
    sent = review.context[name].total_form_count()
    home_affairs = Unit.objects.create(name="Sở Nội vụ tỉnh Cà Mau", kind=UnitKind.DEPARTMENT)
    data = _form_data(review)
    data.update({"unk-0-action": "map", "unk-0-unit": str(home_affairs.pk)})
    data.setdefault("obl-INITIAL_FORMS", "0")
    data[field] = str(10**30)
    before = _counts()
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    formset = response.context[name]
    # Only the forms sent are built and shown again, with what they held, and the page says why.
    assert len(formset.forms) == sent
    assert [str(f[shown].value()) for f in formset] == [
        str(data[f"{prefix}-{i}-{shown}"]) for i in range(sent)
    ]
    page = response.content.decode()
    assert "Trang gửi lên ít dòng hơn số dòng đã khai" in page
    assert _counts() == before
    # The page now carries the true count: sending it again creates the document.
    assert f'name="{field}" value="{sent}"' in page
    data[field] = str(sent)
    assert admin_client.post(reverse(URL), data).status_code == 302
    assert _counts() != before


def test_unknown_name_mapped_and_saved_as_alias_matches_next_time(admin_client):
    home_affairs = Unit.objects.create(name="Sở Nội vụ tỉnh Cà Mau", kind=UnitKind.DEPARTMENT)
    review = _parse(admin_client, _text("04-vptu-muc-chu-cai.txt"))
    data = _form_data(review)
    data.update({"unk-0-action": "map", "unk-0-unit": str(home_affairs.pk)})
    data["unk-0-save_alias"] = "on"
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302
    assert Assignment.objects.get(directive__number="b").lead_unit == home_affairs
    home_affairs.refresh_from_db()
    assert home_affairs.alias_list() == ["Sở Nội vụ"]
    assert UnitIndex.from_db().match_name("SỞ NỘI VỤ") == home_affairs_ref(home_affairs)


def home_affairs_ref(unit):
    return next(u for u in UnitIndex.from_db().units if u.pk == unit.pk)


def test_unknown_name_created_as_new_unit(admin_client):
    province = Unit.objects.get(name="Tỉnh Cà Mau")
    review = _parse(admin_client, _text("04-vptu-muc-chu-cai.txt"))
    data = _form_data(review)
    data.update({"unk-0-action": "create", "unk-0-kind": "department", "unk-0-parent": province.pk})
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302
    created = Unit.objects.get(name="Sở Nội vụ")
    assert created.parent == province
    assert Assignment.objects.get(directive__number="b").lead_unit == created


def test_tampered_payload_is_refused(admin_client):
    review = _parse(admin_client, _text("01-ubnd-phong-chong-dich.txt"))
    data = _form_data(review)
    data["payload"] = data["payload"][:-3] + "abc"
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302
    assert response["Location"] == reverse(URL)
    assert Document.objects.count() == 0


def test_second_import_of_the_same_text_is_refused(admin_client):
    text = _text("01-ubnd-phong-chong-dich.txt")
    admin_client.post(reverse(URL), _form_data(_parse(admin_client, text)))
    review = _parse(admin_client, text)
    assert "Văn bản này đã được nhập trước đó" in review.content.decode()
    before = _counts()
    response = admin_client.post(reverse(URL), _form_data(review))
    assert response.status_code == 400
    assert _counts() == before


def test_founding_document_review_and_confirm(admin_client):
    from directives.demo import FOUNDING_DOCUMENT

    review = _parse(admin_client, FOUNDING_DOCUMENT.read_text(encoding="utf-8"))
    data = _form_data(review)
    data["unk-0-action"] = "map"
    data["unk-0-unit"] = str(Unit.objects.get(name="Tỉnh Cà Mau").pk)
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.directives.count() == 5
    assert document.directives.get(number="4").text.count("\n\n") == 1
    # Task 1: the province (mapped from "Ban Chấp hành Đảng bộ tỉnh") and 13 party committees.
    assert Assignment.objects.filter(directive__number="1").count() == 14
