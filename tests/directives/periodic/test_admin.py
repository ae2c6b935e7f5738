"""The admin's obligation form: rules and the template file are checked before anything is saved."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from directives.models import ReportingObligation
from tests.evidence_files import upload


def form_data(obligation, **changes):
    data = {
        "document": obligation.document_id,
        "title": obligation.title,
        "frequency": obligation.frequency,
        "due_rule": obligation.due_rule,
        "cutoff_rule": obligation.cutoff_rule,
        "units_under": obligation.units_under_id,
        "units_kind": obligation.units_kind,
        "receiving_unit": obligation.receiving_unit_id,
        "figures": obligation.figures,
        "starts_on": "01/10/2020",
        "active": "on",
    }
    data.update(changes)
    return data


def admin_client(client):
    client.force_login(User.objects.create(username="quantri", is_staff=True, is_superuser=True))
    return client


def test_admin_refuses_an_unreadable_due_rule(client, obligation):
    url = reverse("admin:directives_reportingobligation_change", args=[obligation.pk])
    response = admin_client(client).post(url, form_data(obligation, due_rule="cuối mỗi quý"))
    assert response.status_code == 200
    assert "Không hiểu quy tắc" in response.content.decode()
    obligation.refresh_from_db()
    assert obligation.due_rule == "ngày 15 của tháng cuối quý"


def test_admin_refuses_a_template_that_is_not_an_office_file(
    client, obligation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:directives_reportingobligation_change", args=[obligation.pk])
    bad = upload("mau.pdf", data=b"MZ\x90\x00 not a pdf")
    response = admin_client(client).post(url, {**form_data(obligation), "template_file": bad})
    assert response.status_code == 200
    assert "không phải PDF" in response.content.decode()
    assert not ReportingObligation.objects.get(pk=obligation.pk).template_file


def test_admin_keeps_the_template_name_and_shows_coming_dates(
    client, obligation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:directives_reportingobligation_change", args=[obligation.pk])
    c = admin_client(client)
    response = c.post(
        url, {**form_data(obligation), "template_file": upload("Đề cương báo cáo.docx")}
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.template_name == "Đề cương báo cáo.docx"
    page = c.get(url).content.decode()
    assert "Quý IV/2020: chốt số liệu 14/12/2020, hạn gửi 15/12/2020" in page
