"""The search page and the header's results-as-you-type: one view, a page and two fragments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives.models import ProgressUpdate
from tests.factories import AssignmentFactory, DirectiveFactory

URL = reverse("search_results")
DROPDOWN = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-dropdown"}
REGION = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}


@pytest.fixture
def tet(assignment):
    directive = assignment.directive
    directive.title = "Chăm lo an sinh xã hội dịp Tết Nguyên đán Tân Sửu"
    directive.save()
    return directive


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_search_page_needs_sign_in(client, db):
    response = client.get(URL, {"q": "tet"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_search_page_shows_grouped_results_with_marked_words(staff_client, tet):
    response = staff_client.get(URL, {"q": "tet tan suu"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert '<h2 id="group-directive">Nhiệm vụ</h2>' in html
    assert "dịp <mark>Tết</mark> Nguyên đán <mark>Tân</mark> <mark>Sửu</mark>" in html
    assert f'id="directive-{tet.pk}"' in html


def test_search_page_without_words_invites_a_query(staff_client, tet):
    html = staff_client.get(URL).content.decode()
    assert "Nhập từ cần tìm" in html
    assert "<mark>" not in html


def test_search_page_says_when_nothing_is_found(staff_client, tet):
    html = staff_client.get(URL, {"q": "bau cu quoc hoi"}).content.decode()
    assert "Không tìm thấy kết quả nào cho “bau cu quoc hoi”." in html


def test_search_page_filters_in_place_with_htmx(staff_client, tet):
    response = staff_client.get(URL, {"q": "tet", "kind": "directive"}, **REGION)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="search-results"')
    assert "<mark>Tết</mark>" in html
    assert "HX-Request" in response["Vary"] and "HX-Target" in response["Vary"]


def test_header_box_gets_the_dropdown_fragment(staff_client, tet):
    response = staff_client.get(URL, {"q": "tet"}, **DROPDOWN)
    html = response.content.decode()
    assert html.strip().startswith('<div id="search-dropdown"')
    assert "<html" not in html and 'id="search-results"' not in html
    assert "<mark>Tết</mark>" in html
    assert f"{URL}?q=tet&amp;kind=directive#directive-{tet.pk}" in html  # shown on the page
    assert 'id="site-search-status"' in html and 'hx-swap-oob="true"' in html
    assert "2 kết quả gợi ý" in html  # the directive, and the assignment by its deadline
    assert f'href="{URL}?q=tet"' in html  # "see all results"


def test_header_box_emptied_hides_the_dropdown(staff_client, tet):
    html = staff_client.get(URL, {"q": ""}, **DROPDOWN).content.decode()
    assert '<div id="search-dropdown" class="search-dropdown" hidden>' in html


def test_history_restore_gets_the_whole_page(staff_client, tet):
    response = staff_client.get(
        URL, {"q": "tet"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_search_page_escapes_html_in_the_text(staff_client, assignment):
    assignment.expected_result = '<script>alert("Tết")</script> quà Tết'
    assignment.save()
    html = staff_client.get(URL, {"q": "tet"}).content.decode()
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&quot;<mark>Tết</mark>&quot;)&lt;/script&gt; quà <mark>Tết</mark>"
        in html
    )


def test_search_page_never_shows_another_units_work(staff_client, tet, other_unit):
    theirs = AssignmentFactory(lead_unit=other_unit, expected_result="Quà Tết huyện khác")
    ProgressUpdate.objects.create(assignment=theirs, note="Tết huyện khác", percent=5)
    for params in ({"q": "tet"}, {"q": "huyen khac"}, {"q": "tet", "kind": "assignment"}):
        html = staff_client.get(URL, params).content.decode()
        assert "huyện khác" not in html, params


def test_search_page_pages_through_one_kind(staff_client, lead_unit, document):
    for i in range(25):
        AssignmentFactory(
            directive=DirectiveFactory(document=document),
            lead_unit=lead_unit,
            expected_result=f"Quà Tết số {i}",
        )
    first = staff_client.get(URL, {"q": "tet", "kind": "assignment"}).content.decode()
    assert first.count('class="hit"') == 20
    assert 'rel="next" href="/search/?q=tet&amp;kind=assignment&amp;page=2"' in first
    second = staff_client.get(URL, {"q": "tet", "kind": "assignment", "page": 2}).content.decode()
    assert second.count('class="hit"') == 5
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_search_overview_links_to_more_of_a_kind(staff_client, lead_unit, document):
    for _ in range(6):
        AssignmentFactory(
            directive=DirectiveFactory(document=document),
            lead_unit=lead_unit,
            expected_result="Tết",
        )
    html = staff_client.get(URL, {"q": "tet"}).content.decode()
    assert 'href="/search/?q=tet&amp;kind=assignment">Xem thêm: Phân công</a>' in html


def test_search_page_keeps_to_the_chosen_document(client, inspector_user, tet, other_unit):
    AssignmentFactory(lead_unit=other_unit, expected_result="Quà Tết khác")
    client.force_login(inspector_user)
    html = client.get(URL, {"q": "tet", "document": tet.document.pk}).content.decode()
    assert "Quà <mark>Tết</mark> khác" not in html
    assert f'<option value="{tet.document.pk}" selected>' in html


def test_search_page_refuses_a_document_the_user_cannot_see(staff_client, tet, other_unit):
    theirs = AssignmentFactory(lead_unit=other_unit)
    response = staff_client.get(URL, {"q": "tet", "document": theirs.directive.document.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in html  # "Hãy chọn một lựa chọn hợp lệ…" beside the filter
    assert "<mark>Tết</mark>" in html  # the words still search everything the user may see


def test_results_region_keeps_to_the_chosen_document(client, inspector_user, tet, other_unit):
    # The htmx region builds no document select, yet still honours the chosen document.
    AssignmentFactory(lead_unit=other_unit, expected_result="Quà Tết khác")
    client.force_login(inspector_user)
    response = client.get(URL, {"q": "tet", "document": tet.document.pk}, **REGION)
    html = response.content.decode()
    assert "<mark>Tết</mark>" in html
    assert "Quà <mark>Tết</mark> khác" not in html
    assert "<option" not in html  # the select is the full page's, not the region's


def test_results_region_ignores_a_document_the_user_cannot_see(staff_client, tet, other_unit):
    theirs = AssignmentFactory(lead_unit=other_unit, expected_result="Quà Tết của đơn vị khác")
    response = staff_client.get(
        URL, {"q": "tet", "document": theirs.directive.document.pk}, **REGION
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Tết</mark>" in html  # the words still search everything the user may see
    assert "đơn vị khác" not in html


def test_fragments_query_count_does_not_grow_with_the_documents(staff_client, lead_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(headers) -> int:
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(URL, {"q": "tet"}, **headers)
        return len(queries)

    def grow(n):
        for _ in range(n):
            AssignmentFactory(lead_unit=lead_unit, expected_result="Quà Tết")

    grow(2)
    run({})  # the session's first request reads more (the CSRF cookie, the language)
    small = {"dropdown": run(DROPDOWN), "region": run(REGION), "page": run({})}
    grow(25)
    run({})  # the first request after a write makes the data versions anew (tests/…/test_search)
    large = {"dropdown": run(DROPDOWN), "region": run(REGION), "page": run({})}
    # Fewer, if anything: a kind whose first run fills the page needs no second run.
    assert all(large[key] <= small[key] for key in small)
    # The fragments skip the full page's list of documents to choose from.
    assert small["region"] < small["page"]


def test_search_page_ignores_a_bad_page_number(staff_client, tet):
    response = staff_client.get(URL, {"q": "tet", "kind": "directive", "page": "x"})
    assert response.status_code == 200
    assert "<mark>Tết</mark>" in response.content.decode()


def test_header_has_the_search_box_for_signed_in_users(staff_client, tet):
    html = staff_client.get(reverse("home")).content.decode()
    assert 'role="search"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert f'action="{URL}"' in html
    assert '<label for="site-search-q"' in html


def test_sign_in_page_has_no_search_box(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "site-search-q" not in html


def test_search_page_speaks_english_when_chosen(staff_client, tet):
    staff_client.post(reverse("set_language"), {"language": "en", "next": URL})
    html = staff_client.get(URL, {"q": "tet"}).content.decode()
    assert '<html lang="en">' in html
    assert '<h2 id="group-directive">Directives</h2>' in html
    assert "2 results for “tet”" in html


def test_header_box_asks_for_a_second_letter(staff_client, tet):
    html = staff_client.get(URL, {"q": "t"}, **DROPDOWN).content.decode()
    assert "Gõ ít nhất 2 chữ cái để tìm." in html
    assert " hidden>" not in html
