"""A word of a document's full text finds the document, and the hit shows the sentence it
stands in, with the words marked (issue 15: "đoàn kết" is in the founding conclusion's body)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from directives.models import Document
from directives.search import matching_sentence, search
from tests.factories import DocumentFactory

URL = reverse("search_results")


def test_the_sentence_where_the_most_words_meet_is_shown():
    text = (
        "Hội nghị đã đánh giá kết quả. Tinh thần đoàn kết được phát huy; "
        "sự đoàn kết, thống nhất trong Đảng bộ là yếu tố quyết định.\nCuối cùng."
    )
    found = matching_sentence(text, ["doan", "ket", "thong"])
    assert found == (
        "sự <mark>đoàn</mark> <mark>kết</mark>, <mark>thống</mark> nhất trong Đảng bộ là "
        "yếu tố quyết định."
    )
    # One word: the first sentence that holds it.
    assert matching_sentence(text, ["doan"]) == "Tinh thần <mark>đoàn</mark> kết được phát huy;"
    assert matching_sentence(text, ["bau"]) == ""
    assert matching_sentence("", ["doan"]) == ""


def test_a_long_sentence_is_cut_around_its_match():
    text = "Mở đầu " + "rất dài " * 60 + "đoàn kết " + "còn nữa " * 60 + "."
    found = matching_sentence(text, ["doan", "ket"])
    assert "<mark>đoàn</mark> <mark>kết</mark>" in found
    assert found.startswith("…") and found.endswith("…")
    assert len(found) < 320


def test_a_word_of_the_body_finds_the_founding_conclusion(client, fresh_demo):
    client.login(username="lanhdao", password="demo12345")
    founding = Document.objects.get(issue_date=dt.date(2020, 11, 17))
    assert "đoàn kết" not in founding.subject.lower()
    response = client.get(URL, {"q": "doan ket"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="document-{founding.pk}"' in html
    assert "Trong toàn văn:" in html
    assert "tinh thần <mark>đoàn</mark> <mark>kết</mark>, dân chủ" in html


def test_staff_find_the_body_of_a_document_they_work_on_and_not_others(client, fresh_demo):
    client.login(username="tuyengiao", password="demo12345")
    founding = Document.objects.get(issue_date=dt.date(2020, 11, 17))
    hidden = DocumentFactory(
        subject="Thông báo nội bộ", source_text="Giữ vững đoàn kết nội bộ trong cơ quan."
    )
    html = client.get(URL, {"q": "doan ket"}).content.decode()
    assert f'id="document-{founding.pk}"' in html
    assert f'id="document-{hidden.pk}"' not in html
    assert "Giữ vững" not in html


def test_editing_the_full_text_changes_what_finds_the_document(leader_user, assignment):
    document = assignment.directive.document
    document.source_text = "Bảo đảm an ninh trật tự."
    document.save()
    assert [h.obj for g in search(leader_user, "an ninh").groups for h in g.hits] == [document]
    document.source_text = "Phát triển kinh tế biển."
    document.save()
    assert not search(leader_user, "an ninh")
    assert [h.obj for g in search(leader_user, "kinh te bien").groups for h in g.hits] == [document]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_adds_the_full_text_of_documents_already_stored():
    executor = MigrationExecutor(connection)
    executor.migrate([("directives", "0010_reminder_runs")])
    old = executor.loader.project_state([("directives", "0010_reminder_runs")]).apps
    Document = old.get_model("directives", "Document")
    document = Document.objects.create(
        number="1-KL/TU",
        subject="Kết luận",
        issue_date=dt.date(2021, 1, 4),
        source_text="Phát huy tinh thần đoàn kết.",
        search_text=" 1 kl tu ket luan ",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    document.refresh_from_db()
    assert " doan ket " in document.search_text
