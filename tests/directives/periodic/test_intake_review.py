"""The intake review page proposes the reporting obligations a conclusion asks for; the admin
keeps, edits or drops each, and confirming creates the kept ones with the document (issue 18)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives.models import Document, ReportingObligation, Unit
from directives.periodic import periods as P
from tests.directives.views.test_intake import URL, _add, _form_data, _parse, admin_client, units  # noqa: F401 (fixtures)

TEXT = (
    "TỈNH ỦY CÀ MAU\n"
    "Số 12-TB/TU\n"
    "Cà Mau, ngày 05 tháng 01 năm 2021\n"
    "THÔNG BÁO KẾT LUẬN\n"
    "1. Giao Ban Tuyên giáo Tỉnh ủy chủ trì xây dựng kế hoạch học tập Nghị quyết;"
    " định kỳ hằng quý báo cáo kết quả về Ban Thường vụ Tỉnh ủy (qua Văn phòng Tỉnh ủy).\n"
    "2. Giao Sở Y tế rà soát các cơ sở y tế.\n"
)


def _with_obligations(review) -> dict:
    data = _form_data(review)
    formset = review.context["obligation_formset"]
    for field in formset.management_form:
        data[field.html_name] = field.value()
    for form in formset:
        _add(data, form)
    return data


def test_the_review_proposes_the_quarterly_report(admin_client):  # noqa: F811
    review = _parse(admin_client, TEXT)
    html = review.content.decode()
    assert "Chế độ báo cáo đề xuất" in html
    (form,) = review.context["obligation_formset"]
    assert form["frequency"].value() == P.QUARTERLY
    assert form["receiving_unit"].value() == Unit.objects.get(name="Văn phòng Tỉnh ủy").pk
    assert form["units"].value() == [Unit.objects.get(name="Ban Tuyên giáo Tỉnh ủy").pk]
    assert "1 chế độ báo cáo" in html
    assert not ReportingObligation.objects.exists()


def test_confirming_creates_the_obligation_with_the_document(admin_client):  # noqa: F811
    review = _parse(admin_client, TEXT)
    response = admin_client.post(reverse(URL), _with_obligations(review))
    assert response.status_code == 302
    obligation = ReportingObligation.objects.get()
    document = Document.objects.get()
    assert (obligation.document, obligation.directive.number) == (document, "1")
    assert obligation.frequency == P.QUARTERLY
    assert obligation.receiving_unit.name == "Văn phòng Tỉnh ủy"
    assert [u.name for u in obligation.units.all()] == ["Ban Tuyên giáo Tỉnh ủy"]


def test_an_unticked_obligation_is_not_created(admin_client):  # noqa: F811
    review = _parse(admin_client, TEXT)
    data = _with_obligations(review)
    del data["obl-0-include"]
    assert admin_client.post(reverse(URL), data).status_code == 302
    assert Document.objects.exists() and not ReportingObligation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("obl-0-receiving_unit", "", "Hãy chọn đơn vị nhận báo cáo."),
        ("obl-0-units", [], "Hãy chọn ít nhất một đơn vị phải báo cáo."),
        ("obl-0-frequency", "hang-tuan", "Hãy chọn một lựa chọn hợp lệ"),
        ("obl-0-due_rule", "khi nào xong", "khi nào xong"),
    ],
)
def test_a_bad_obligation_is_shown_and_nothing_is_created(
    admin_client,  # noqa: F811
    field,
    value,
    message,
):
    review = _parse(admin_client, TEXT)
    data = _with_obligations(review)
    data[field] = value
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists() and not ReportingObligation.objects.exists()
