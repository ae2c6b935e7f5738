"""The review page for a district's conclusion: relative names resolved, unknown names offered
for creation under the issuer at the level they need, never mapped to another level's unit, the
doubtful proposals highlighted and a summary before the confirmation (issue 20, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Assignment, Document, Unit
from tests.directives.importers.tree import build_local_units
from tests.directives.views.test_intake import URL, _counts, _form_data, _parse

CORPUS = Path(__file__).resolve().parents[1] / "importers" / "corpus"
DISTRICT = (CORPUS / "10-huyen-uy-nam-can-muc-chu-cai.txt").read_text(encoding="utf-8")


@pytest.fixture
def admin_client(client, admin_user, db):
    from directives.demo import build_units

    build_units()
    build_local_units()
    client.force_login(admin_user)
    return client


def _unknown(review) -> dict[str, object]:
    return {f["name"].value(): f for f in review.context["unknown_formset"]}


def test_district_review_offers_unknown_names_under_the_issuer(admin_client):
    review = _parse(admin_client, DISTRICT)
    assert review.status_code == 200
    forms = _unknown(review)
    assert list(forms) == [
        "Ban Chỉ huy Quân sự huyện",
        "Trung tâm Chính trị huyện",
        "Phòng Văn hóa và Thông tin huyện",
    ]
    military = forms["Ban Chỉ huy Quân sự huyện"]
    assert military["level"].value() == "district"
    assert military["new_name"].value() == "Ban Chỉ huy Quân sự huyện Năm Căn"
    assert military["parent"].value() == Unit.objects.get(name="Huyện ủy Năm Căn").pk
    assert military["kind"].value() == "party_board"
    assert forms["Phòng Văn hóa và Thông tin huyện"]["kind"].value() == "department"
    # Mapping offers district units only: never the province's police or a commune.
    offered = set(military.fields["unit"].queryset.values_list("name", flat=True))
    assert "Công an huyện Năm Căn" in offered
    assert "Công an tỉnh" not in offered and "Ủy ban nhân dân xã Hàm Rồng" not in offered
    body = review.content.decode()
    assert body.count("cần đơn vị cấp huyện") == 3
    assert review.context["document_form"]["issuing_unit"].value() == (
        Unit.objects.get(name="Huyện ủy Năm Căn").pk
    )


def test_district_review_highlights_what_is_not_an_exact_match(admin_client):
    review = _parse(admin_client, DISTRICT)
    rows = list(review.context["assignment_formset"])
    # a) unknown lead; b) unknown lead and coordinating; c) "Ủy ban nhân dân huyện" read against
    # the issuer; d) "Ủy ban Kiểm tra Huyện ủy" likewise: every row is below exact.
    assert [r.doubtful() for r in rows] == [True, True, True, True]
    assert rows[2].confidence_label() == "suy ra từ cơ quan ban hành"
    body = review.content.decode()
    assert body.count("intake-doubt") == 4
    summary = review.context["summary"]
    assert (summary["directives"], summary["assignments"], summary["doubtful"]) == (4, 4, 4)
    assert summary["undecided"] == list(_unknown(review))
    assert "Sẽ tạo khi xác nhận" in body
    # Item c holds a second deadline, shown beside the first.
    assert "Trước Tết Nguyên đán Quý Mão — 19/01/2023" in rows[2]["other_deadlines"].value()


def test_coordinating_units_use_the_admin_autocomplete(admin_client):
    review = _parse(admin_client, DISTRICT)
    body = review.content.decode()
    assert 'class="admin-autocomplete' in body
    assert "admin/js/autocomplete.js" in body
    row = review.context["assignment_formset"].forms[1]
    assert row["coordinating"].value() == [Unit.objects.get(name="Huyện đoàn Năm Căn").pk]
    assert row["coordinating_unknown"].value() == ["n:2"]


def test_confirm_creates_the_unknown_unit_under_the_issuer(admin_client):
    review = _parse(admin_client, DISTRICT)
    data = _form_data(review)
    data.update({"unk-0-action": "create", "unk-1-action": "ignore", "unk-2-action": "create"})
    data["asg-1-include"] = ""
    data.pop("asg-1-include")  # b) led by the ignored name: left out
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 302, response.context["confirm_errors"]
    military = Unit.objects.get(name="Ban Chỉ huy Quân sự huyện Năm Căn")
    assert military.parent.name == "Huyện ủy Năm Căn"
    assert Assignment.objects.get(directive__number="a").lead_unit == military
    culture = Unit.objects.get(name="Phòng Văn hóa và Thông tin huyện Năm Căn")
    assert culture.kind == "department"
    first = Assignment.objects.get(directive__number="a")
    assert [u.name for u in first.coordinating_units.all()] == ["Công an huyện Năm Căn"]
    assert str(first.deadline) == "2022-12-30"


def test_mapping_a_name_to_another_levels_unit_is_refused(admin_client):
    review = _parse(admin_client, DISTRICT)
    data = _form_data(review)
    province_police = Unit.objects.get(name="Công an tỉnh")
    data.update({"unk-0-action": "map", "unk-0-unit": str(province_police.pk)})
    data.update({"unk-1-action": "ignore", "unk-2-action": "ignore"})
    before = _counts()
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    errors = response.context["unknown_formset"].forms[0].errors["unit"]
    assert "Hãy chọn một lựa chọn hợp lệ" in errors[0]
    assert _counts() == before


def test_coordinating_unit_that_does_not_exist_is_refused(admin_client):
    review = _parse(admin_client, DISTRICT)
    data = _form_data(review)
    data.update({f"unk-{i}-action": "ignore" for i in range(3)})
    data["asg-0-coordinating"] = ["999999"]
    before = _counts()
    response = admin_client.post(reverse(URL), data)
    assert response.status_code == 400
    assert response.context["assignment_formset"].forms[0].errors["coordinating"]
    assert _counts() == before


def _review_queries(client, text: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _parse(client, text).status_code == 200
    return len(queries)


def test_review_queries_do_not_grow_with_the_tree_or_the_text(admin_client):
    small = _review_queries(admin_client, DISTRICT)
    root = Unit.objects.get(name="Huyện ủy Năm Căn")
    for i in range(30):
        Unit.objects.create(name=f"Chi bộ ấp {i} Năm Căn", kind="party_committee", parent=root)
    longer = DISTRICT.replace(
        "T/M BAN THƯỜNG VỤ",
        "".join(
            f"{k}) Văn phòng Huyện ủy tổng hợp trước ngày {day}/12/2022.\n\n"
            for day, k in enumerate("eghik", start=10)
        )
        + "T/M BAN THƯỜNG VỤ",
    )
    assert _review_queries(admin_client, longer) == small
    assert Document.objects.count() == 0


def test_same_level_council_is_offered_with_the_districts_name(admin_client):
    Unit.objects.filter(name="Hội đồng nhân dân huyện Năm Căn").delete()
    text = (CORPUS / "09-huyen-uy-nam-can-thong-bao-ket-luan.txt").read_text(encoding="utf-8")
    council = _unknown(_parse(admin_client, text))["Hội đồng nhân dân cùng cấp"]
    assert council["new_name"].value() == "Hội đồng nhân dân huyện Năm Căn"
    assert (council["kind"].value(), council["level"].value()) == ("council", "district")
