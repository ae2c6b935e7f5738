"""Search that understands Vietnamese typed with or without diacritics (directives.search).

These run unchanged on SQLite and PostgreSQL: one behaviour on both.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from directives.models import ProgressUpdate, UnitKind
from directives.search import Kind, excerpt, highlight, query_words, search
from directives.text import search_key
from tests.factories import AssignmentFactory, DirectiveFactory, DocumentFactory, UnitFactory

TET = "Chăm lo an sinh xã hội dịp Tết Dương lịch 2021 và Tết Nguyên đán Tân Sửu"


def hits(results, kind: str) -> list:
    return [hit.obj for group in results.groups if group.kind == kind for hit in group.hits]


def note(assignment, text: str, **fields) -> ProgressUpdate:
    return ProgressUpdate.objects.create(assignment=assignment, note=text, percent=10, **fields)


@pytest.fixture
def tet(assignment):
    """The assignment's directive is the Tết task; the user's unit leads it."""
    directive = assignment.directive
    directive.title = TET
    directive.save()
    return directive


# Diacritics, đ and case ---------------------------------------------------------------------


def test_search_without_diacritics_finds_tet_tan_suu(staff_user, tet):
    assert hits(search(staff_user, "tet tan suu"), Kind.DIRECTIVE) == [tet]


def test_search_dai_hoi_finds_dai_hoi_written_with_d_stroke(staff_user, assignment):
    assignment.expected_result = "Chuyên mục tuyên truyền Đại hội XIII của Đảng"
    assignment.save()
    assert hits(search(staff_user, "dai hoi XIII"), Kind.ASSIGNMENT) == [assignment]
    assert hits(search(staff_user, "đại hội xiii"), Kind.ASSIGNMENT) == [assignment]


def test_search_dam_doi_with_and_without_diacritics_finds_the_same(inspector_user, province):
    dam_doi = UnitFactory(
        name="Huyện ủy Đầm Dơi", short_name="HU Đầm Dơi", parent=province, kind=UnitKind.DISTRICT
    )
    led = AssignmentFactory(lead_unit=dam_doi, expected_result="Kế hoạch của đảng bộ")
    with_marks = search(inspector_user, "Đầm Dơi")
    assert hits(with_marks, Kind.UNIT) == [dam_doi]
    assert hits(with_marks, Kind.ASSIGNMENT) == [led]  # through its lead unit's name
    for typed in ("dam doi", "DAM DOI", "Đam doi", "đầm dơi"):
        again = search(inspector_user, typed)
        assert [(g.kind, [h.obj for h in g.hits]) for g in again.groups] == [
            (g.kind, [h.obj for h in g.hits]) for g in with_marks.groups
        ], typed


def test_search_uy_ban_mat_tran_finds_the_fatherland_front(staff_user, province):
    front = UnitFactory(
        name="Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", short_name="Ủy ban MTTQ tỉnh", parent=province
    )
    assert hits(search(staff_user, "uy ban mat tran"), Kind.UNIT) == [front]


def test_search_ignores_case(staff_user, tet):
    for typed in ("TẾT TÂN SỬU", "Tet Tan Suu", "tEt TaN sUu"):
        assert hits(search(staff_user, typed), Kind.DIRECTIVE) == [tet], typed


def test_search_finds_text_stored_decomposed(staff_user, assignment):
    directive = assignment.directive
    directive.title = unicodedata.normalize("NFD", "Tết Tân Sửu")
    directive.save()
    assert hits(search(staff_user, "tet tan suu"), Kind.DIRECTIVE) == [directive]


# Which words match --------------------------------------------------------------------------


def test_search_needs_every_word(staff_user, tet):
    assert hits(search(staff_user, "tet tan suu bau cu"), Kind.DIRECTIVE) == []


def test_search_matches_the_last_word_as_a_beginning_while_typing(staff_user, tet):
    assert hits(search(staff_user, "tet tan s"), Kind.DIRECTIVE) == [tet]
    assert hits(search(staff_user, "nguyen da"), Kind.DIRECTIVE) == [tet]


def test_search_matches_earlier_words_only_whole(staff_user, assignment):
    directive = assignment.directive
    directive.title = "Thăm, tặng quà gia đình chính sách"
    directive.save()
    assert hits(search(staff_user, "tan qua"), Kind.DIRECTIVE) == []  # "tan" is not "tặng"
    assert hits(search(staff_user, "qua tan"), Kind.DIRECTIVE) == [directive]  # still typing


def test_search_treats_punctuation_as_word_breaks(staff_user, province):
    unit = UnitFactory(name="Sở Lao động - Thương binh và Xã hội", short_name="Sở LĐ-TB&XH")
    assert hits(search(staff_user, "LĐ-TB&XH"), Kind.UNIT) == [unit]
    assert hits(search(staff_user, "ld tb xh"), Kind.UNIT) == [unit]


def test_search_of_nothing_runs_no_query(staff_user, django_assert_num_queries):
    with django_assert_num_queries(0):
        for typed in ("", "   ", "—…!?", "%_"):
            assert not search(staff_user, typed)


def test_search_like_wildcards_never_act_as_wildcards(staff_user, tet):
    # As LIKE wildcards, " _et" would match " tet" and "%suu" anything ending in "suu".
    assert hits(search(staff_user, "_et"), Kind.DIRECTIVE) == []
    assert hits(search(staff_user, "tan%suu"), Kind.DIRECTIVE) == [tet]  # two words
    assert hits(search(staff_user, "an%uu"), Kind.DIRECTIVE) == []


def test_query_words_are_folded_distinct_and_bounded():
    assert query_words("Tết  TÂN-Sửu tết") == ["tet", "tan", "suu"]
    assert len(query_words(" ".join(f"w{i}" for i in range(30)))) == 8


# Ranking ------------------------------------------------------------------------------------


def test_search_ranks_title_matches_before_body_matches(staff_user, lead_unit, document):
    in_body = DirectiveFactory(document=document, title="Nhiệm vụ khác", text="Lo Tết cho dân")
    in_title = DirectiveFactory(document=document, title="Quà Tết", text="Không liên quan")
    for directive in (in_body, in_title):
        AssignmentFactory(directive=directive, lead_unit=lead_unit)
    found = search(staff_user, "tet")
    assert hits(found, Kind.DIRECTIVE) == [in_title, in_body]
    assert [hit.in_title for hit in found.groups[0].hits] == [True, False]


def test_search_ranks_recent_before_old(staff_user, lead_unit):
    old = DocumentFactory(subject="Kết luận về Tết 2020", issue_date=dt.date(2019, 12, 1))
    new = DocumentFactory(subject="Kết luận về Tết 2021", issue_date=dt.date(2020, 12, 1))
    for document in (old, new):
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit)
    assert hits(search(staff_user, "ket luan tet"), Kind.DOCUMENT) == [new, old]


def test_search_ranks_newer_progress_notes_first(staff_user, assignment):
    older = note(
        assignment, "Đã thăm hỏi dịp Tết", created_at=dt.datetime(2021, 1, 5, tzinfo=dt.UTC)
    )
    newer = note(assignment, "Tết: đã trao quà", created_at=dt.datetime(2021, 2, 5, tzinfo=dt.UTC))
    assert hits(search(staff_user, "tet"), Kind.PROGRESS) == [newer, older]


def test_search_groups_results_by_kind_in_a_fixed_order(staff_user, tet, assignment):
    assignment.expected_result = "Quà Tết"
    assignment.save()
    note(assignment, "Đã chuẩn bị quà Tết")
    tet.document.subject = "Kết luận về Tết"
    tet.document.save()
    UnitFactory(name="Ban chỉ đạo Tết")
    found = search(staff_user, "tet")
    assert [group.kind for group in found.groups] == [
        Kind.DOCUMENT,
        Kind.DIRECTIVE,
        Kind.ASSIGNMENT,
        Kind.PROGRESS,
        Kind.UNIT,
    ]
    assert [str(group.label) for group in found.groups] == [
        "Văn bản",
        "Nhiệm vụ",
        "Phân công",
        "Báo cáo tiến độ",
        "Đơn vị",
    ]


def test_search_pages_through_title_then_body_matches(staff_user, lead_unit, document):
    titles = [DirectiveFactory(document=document, title=f"Tết {i}", position=i) for i in range(3)]
    bodies = [
        DirectiveFactory(document=document, title=f"Việc {i}", text="dịp Tết", position=10 + i)
        for i in range(4)
    ]
    for directive in titles + bodies:
        AssignmentFactory(directive=directive, lead_unit=lead_unit)
    pages = []
    for page in (1, 2, 3, 4):
        found = search(staff_user, "tet", [Kind.DIRECTIVE], limit=2, page=page)
        pages.append((hits(found, Kind.DIRECTIVE), bool(found.groups and found.groups[0].has_more)))
    assert [objs for objs, _ in pages] == [
        titles[:2],
        [titles[2], bodies[0]],
        bodies[1:3],
        [bodies[3]],
    ]
    assert [more for _, more in pages] == [True, True, True, False]
    assert not search(staff_user, "tet", [Kind.DIRECTIVE], limit=2, page=5)


def test_search_limits_each_kind_and_says_more_follow(staff_user, lead_unit, document):
    for i in range(4):
        AssignmentFactory(
            directive=DirectiveFactory(document=document),
            lead_unit=lead_unit,
            expected_result=f"Tết {i}",
        )
    group = search(staff_user, "tet", [Kind.ASSIGNMENT], limit=3).groups[0]
    assert len(group.hits) == 3
    assert group.has_more


# Only what the user may see -----------------------------------------------------------------


@pytest.fixture
def elsewhere(other_unit):
    """Another unit's Tết assignment, with a progress note."""
    directive = DirectiveFactory(title="Quà Tết huyện khác", text="Tết Tân Sửu ở huyện khác")
    directive.document.subject = "Kết luận Tết huyện khác"
    directive.document.save()
    assignment = AssignmentFactory(
        directive=directive, lead_unit=other_unit, expected_result="Quà Tết huyện khác"
    )
    note(assignment, "Tết: huyện khác đã trao quà")
    return assignment


def test_search_never_shows_others_assignments_or_notes(staff_user, tet, elsewhere):
    found = search(staff_user, "tet")
    assert elsewhere not in hits(found, Kind.ASSIGNMENT)
    assert not any(n.assignment_id == elsewhere.pk for n in hits(found, Kind.PROGRESS))
    assert elsewhere.directive not in hits(found, Kind.DIRECTIVE)
    assert elsewhere.directive.document not in hits(found, Kind.DOCUMENT)
    assert hits(found, Kind.DIRECTIVE) == [tet]


def test_search_shows_the_other_unit_its_own_work(unrelated_user, tet, elsewhere):
    found = search(unrelated_user, "tet")
    assert hits(found, Kind.ASSIGNMENT) == [elsewhere]
    assert [n.assignment for n in hits(found, Kind.PROGRESS)] == [elsewhere]
    assert hits(found, Kind.DIRECTIVE) == [elsewhere.directive]
    assert tet not in hits(found, Kind.DIRECTIVE)


def test_search_shows_coordinating_staff_the_assignment(coordinating_user, tet, assignment):
    assert hits(search(coordinating_user, "tet tan suu"), Kind.DIRECTIVE) == [tet]


def test_search_shows_inspectors_everything(inspector_user, tet, elsewhere):
    found = search(inspector_user, "tet")
    assert set(hits(found, Kind.DIRECTIVE)) == {tet, elsewhere.directive}
    assert elsewhere in hits(found, Kind.ASSIGNMENT)


def test_search_hides_directives_without_visible_assignments(staff_user, document):
    DirectiveFactory(document=document, title="Tết chưa giao cho ai")
    assert hits(search(staff_user, "tet"), Kind.DIRECTIVE) == []


def test_search_shows_units_to_every_signed_in_user(unrelated_user, lead_unit):
    assert hits(search(unrelated_user, lead_unit.name), Kind.UNIT) == [lead_unit]


def test_search_shows_nothing_to_anonymous_users(db, tet, lead_unit):
    assert not search(AnonymousUser(), "tet")
    assert not search(AnonymousUser(), lead_unit.name)


def test_search_keeps_to_one_document(inspector_user, tet, elsewhere, province):
    found = search(inspector_user, "tet", document=tet.document)
    assert hits(found, Kind.DIRECTIVE) == [tet]
    assert hits(found, Kind.UNIT) == []


def test_search_with_a_document_and_no_words_lists_its_directives(staff_user, tet, elsewhere):
    found = search(staff_user, "", document=tet.document)
    assert hits(found, Kind.DIRECTIVE) == [tet]
    assert hits(found, Kind.DOCUMENT) == [tet.document]


def test_search_query_count_does_not_grow_with_the_data(staff_user, lead_unit, document):
    def run():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            search(staff_user, "tet")
        return len(queries)

    def grow(n):
        for _ in range(n):
            directive = DirectiveFactory(document=document, title="Quà Tết")
            assignment = AssignmentFactory(
                directive=directive, lead_unit=lead_unit, expected_result="Quà Tết"
            )
            note(assignment, "Tết")

    grow(2)
    cold_small = run()  # right after writes: the data versions and the user's list made anew
    small = run()
    grow(20)
    cold_large = run()
    # The user's scope (the membership, the list of what they see kept under the data
    # versions), then at most two runs per kind (title matches, body matches), each tried first
    # on the newest documents for documents and directives, and the units an assignment may
    # answer to.
    assert run() <= small <= 3 + 2 * len(Kind) + 2 * 2 + 1
    assert cold_large <= cold_small


# Search columns -----------------------------------------------------------------------------


def test_search_key_folds_and_splits_words():
    assert search_key("Sở LĐ-TB&XH", "Đại hội XIII.") == " so ld tb xh dai hoi xiii "
    assert search_key("", "  ") == ""


def test_progress_updates_made_in_bulk_get_their_search_column(assignment):
    ProgressUpdate.objects.bulk_create(
        [ProgressUpdate(assignment=assignment, note="Quà Tết", percent=5, proposals="Đề xuất")]
    )
    assert ProgressUpdate.objects.get().search_text == " qua tet de xuat "


def test_saving_some_fields_refreshes_the_search_columns(assignment):
    assignment.contact_person = "Đồng chí Hải"
    assignment.save(update_fields=["contact_person"])
    assignment.refresh_from_db()
    assert "dong chi hai" in assignment.search_text
    directive = assignment.directive
    directive.title = "Đại hội"
    directive.save(update_fields=["title"])
    directive.refresh_from_db()
    assert directive.search_title.endswith(" dai hoi ")


def test_bulk_update_of_source_fields_refreshes_the_search_columns(assignment):
    from directives.models import Assignment

    assignment.expected_result = "Đại hội"
    Assignment.objects.bulk_update([assignment], ["expected_result"])
    assignment.refresh_from_db()
    assert assignment.search_title == " dai hoi "


def test_migration_fills_search_columns_of_existing_rows(assignment):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from directives.models import Assignment, Directive, Document, Unit

    # The models as the migration sees them (plain managers, no save() logic).
    apps = MigrationLoader(connection).project_state(("directives", "0005_search_columns")).apps

    progress = note(assignment, "Tết Tân Sửu")
    for model in (Assignment, Directive, Document, Unit, ProgressUpdate):
        columns = {f.name: "" for f in model._meta.fields if f.name.startswith("search_")}
        models.QuerySet(model).update(**columns)  # as before the migration
    migration = importlib.import_module("directives.migrations.0005_search_columns")
    migration.fill(apps, schema_editor=None)
    progress.refresh_from_db()
    assignment.refresh_from_db()
    assignment.lead_unit.refresh_from_db()
    assert progress.search_text == " tet tan suu "
    assert assignment.search_text.startswith(" ") and assignment.search_text.endswith(" ")
    assert assignment.lead_unit.search_text == search_key(
        assignment.lead_unit.name, assignment.lead_unit.short_name
    )


# Highlighting -------------------------------------------------------------------------------


def test_highlight_marks_matching_words_in_the_original_text():
    assert highlight("Tết Nguyên đán Tân Sửu", ["tet", "tan", "suu"]) == (
        "<mark>Tết</mark> Nguyên đán <mark>Tân</mark> <mark>Sửu</mark>"
    )
    assert (
        highlight("Huyện ủy Đầm Dơi", ["dam", "doi"])
        == "Huyện ủy <mark>Đầm</mark> <mark>Dơi</mark>"
    )


def test_highlight_keeps_combining_marks_inside_the_mark():
    text = unicodedata.normalize("NFD", "Đầm Dơi")
    assert highlight(text, ["dam"]) == f"<mark>{text[:5]}</mark>{text[5:]}"  # Đ a ̂ ̀ m


def test_highlight_marks_only_the_typed_beginning_of_the_last_word():
    assert highlight("Tặng quà Tết", ["qua", "te"]) == "Tặng <mark>quà</mark> <mark>Tế</mark>t"
    assert highlight("Tặng quà", ["tan", "qua"]) == "Tặng <mark>quà</mark>"


def test_highlight_escapes_html():
    assert highlight('<b>Tết</b> & "quà"', ["tet"]) == (
        "&lt;b&gt;<mark>Tết</mark>&lt;/b&gt; &amp; &quot;quà&quot;"
    )
    assert highlight("<script>", []) == "&lt;script&gt;"


def test_excerpt_shows_the_passage_around_the_first_match():
    text = "Mở đầu. " + "chữ " * 80 + "Tết Tân Sửu " + "đuôi " * 80
    shown = excerpt(text, ["tet"], width=100)
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>Tết</mark> Tân Sửu" in shown
    assert len(shown) < 140


def test_excerpt_centres_on_the_passage_where_the_words_meet():
    text = "Ổn định xã hội. " + "chữ " * 80 + "trước thềm Đại hội XIII của Đảng " + "đuôi " * 80
    shown = excerpt(text, ["dai", "hoi"], width=100)
    assert "<mark>Đại</mark> <mark>hội</mark> XIII" in shown
    assert "xã" not in shown


@pytest.mark.parametrize(
    "role",
    [
        "staff_user",
        "coordinating_user",
        "unrelated_user",
        "leader_user",
        "unit_leader",
        "inspector_user",
        "admin_user",
    ],
)
@pytest.mark.parametrize("large_scope_share", [0.0, 2.0], ids=["large scope", "small scope"])
def test_listed_visible_assignments_are_exactly_the_visible_ones(
    request, role, large_scope_share, assignment, other_unit, lead_unit, monkeypatch
):
    from directives import permissions
    from directives.models import Assignment

    # Leaders over a large subtree get their directives and documents listed, not their
    # assignments; the others get all three.
    monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", large_scope_share)
    AssignmentFactory(lead_unit=other_unit, coordinating=[lead_unit])
    AssignmentFactory(lead_unit=UnitFactory(parent=other_unit))
    AssignmentFactory(lead_unit=UnitFactory())
    # Led outside, coordinated by the other unit: its leader sees it through the coordination.
    AssignmentFactory(lead_unit=UnitFactory(), coordinating=[other_unit])
    # What the other unit assigned, as a document's issuing body, to a unit outside its subtree.
    AssignmentFactory(
        directive=DirectiveFactory(document=DocumentFactory(issuing_unit=other_unit)),
        lead_unit=UnitFactory(),
    )
    user = request.getfixturevalue(role)
    listed = permissions.visible_ids(user, at_most=100)
    visible = Assignment.objects.visible_to(user)
    if listed is None:  # sees everything
        assert visible.count() == Assignment.objects.count()
    else:
        if listed.assignments is not None:
            assert listed.assignments == sorted(visible.values_list("pk", flat=True))
        assert set(listed.directives) == set(visible.values_list("directive_id", flat=True))
        assert set(listed.documents) == set(
            visible.values_list("directive__document_id", flat=True)
        )
    assert permissions.visible_ids(AnonymousUser(), at_most=100).assignments == []


def test_the_central_bodys_leader_sees_every_assignment_without_a_scope_check(
    province, lead_unit, other_unit, django_assert_num_queries
):
    from directives import permissions
    from directives.models import Role
    from directives.search import hides_matches
    from tests.factories import member

    document = DocumentFactory(issuing_unit=province)
    for unit in (lead_unit, UnitFactory(parent=other_unit)):
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=unit)
    leader = member(province, Role.LEADER)
    assert permissions.sees_all_assignments(leader)
    assert permissions.visible_ids(leader, at_most=100) is None
    with django_assert_num_queries(0):  # what the leader sees is remembered for the request
        assert hides_matches(leader, ["nhiem"]) is False
    UnitFactory()  # a second tree: the province no longer holds every unit
    leader = member(province, Role.LEADER)
    assert not permissions.sees_all_assignments(leader)


def test_too_many_visible_assignments_are_not_listed(staff_user, lead_unit):
    from directives import permissions

    for _ in range(3):
        AssignmentFactory(lead_unit=lead_unit)
    assert len(permissions.visible_ids(staff_user, at_most=3).assignments) == 3
    assert permissions.visible_ids(staff_user, at_most=2) is None


def test_search_gives_the_same_answers_with_and_without_the_listed_ids(
    staff_user, tet, elsewhere, monkeypatch
):
    from directives import search as search_module

    listed = search(staff_user, "tet")
    monkeypatch.setattr(search_module, "LISTED_ASSIGNMENTS", 0)
    unlisted = search(staff_user, "tet")
    assert [(g.kind, [h.obj for h in g.hits]) for g in listed.groups] == [
        (g.kind, [h.obj for h in g.hits]) for g in unlisted.groups
    ]
    assert listed


@pytest.mark.parametrize("word", ["tet", "nhiem", "tuyen giao"])
def test_a_large_scope_leader_finds_the_same_with_and_without_the_listing(
    leader_user, unit_leader, tet, elsewhere, monkeypatch, word
):
    """Directives and documents by the listing (a leader over a large subtree) or row by row."""
    from directives import permissions

    def found(user) -> list:
        user = type(user).objects.get(pk=user.pk)  # nothing remembered from the other shape
        return [(g.kind, [h.obj for h in g.hits]) for g in search(user, word).groups]

    for user in (leader_user, unit_leader):
        monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", 0.0)
        listed = found(user)
        monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", 2.0)
        monkeypatch.setattr("directives.search.LISTED_ASSIGNMENTS", 0)
        assert found(user) == listed
        monkeypatch.undo()


@pytest.mark.parametrize("role", ["leader", "staff"])
@pytest.mark.parametrize("share", [0.0, 2.0], ids=["large scope", "small scope"])
def test_what_a_user_may_see_is_kept_until_who_sees_what_changes(
    lead_unit, other_unit, monkeypatch, settings, role, share
):
    """The lists a search starts from are kept between searches while progress, deadlines and
    status change, and are read afresh as soon as an assignment appears, moves, is handed down
    by another unit, is deleted or gains a coordinating unit."""
    from directives import actions, permissions
    from directives.models import Role
    from tests.factories import member

    monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", share)
    reads = []
    original = permissions._listed
    monkeypatch.setattr(permissions, "_listed", lambda *args: reads.append(1) or original(*args))
    user = member(other_unit, Role.LEADER if role == "leader" else Role.STAFF)
    staff = member(other_unit, Role.STAFF)

    def directives() -> set[int]:
        fresh = type(user).objects.get(pk=user.pk)  # a new request: nothing remembered on it
        return set(permissions.visible_ids(fresh, at_most=100).directives)

    first = AssignmentFactory(lead_unit=other_unit)
    assert directives() == {first.directive_id}
    actions.record_progress(first, user=staff, note="Đã triển khai", percent=40)
    assert directives() == {first.directive_id}
    assert len(reads) == 1  # the progress report left the list as it was

    second = AssignmentFactory(lead_unit=other_unit)
    elsewhere = AssignmentFactory(lead_unit=lead_unit)
    assert directives() == {first.directive_id, second.directive_id}
    elsewhere.coordinating_units.add(other_unit)
    assert directives() == {first.directive_id, second.directive_id, elsewhere.directive_id}
    second.lead_unit = lead_unit
    second.save()
    assert directives() == {first.directive_id, elsewhere.directive_id}
    elsewhere.delete()
    assert directives() == {first.directive_id}
    if role == "staff":  # what the staff member's unit handed down to another
        handed = AssignmentFactory(lead_unit=lead_unit)
        assert directives() == {first.directive_id}
        handed.assigned_by_unit = other_unit
        handed.save()
        assert directives() == {first.directive_id, handed.directive_id}

    settings.DASHBOARD_REGION_CACHE = False  # the caches of computed data off: read each time
    before = len(reads)
    directives()
    directives()
    assert len(reads) == before + 2


def test_search_of_a_single_letter_asks_for_more(staff_user, tet, django_assert_num_queries):
    with django_assert_num_queries(0):
        found = search(staff_user, "t")
    assert not found and found.too_short
    assert hits(search(staff_user, "te"), Kind.DIRECTIVE) == [tet]


# The newest documents first (a common word, at scale) ------------------------------------------


@pytest.fixture
def dated_documents(db):
    """Five documents, newest last in creation order, each with three directives about "kế
    hoạch" in title and body; the oldest alone also holds "biên giới" (a rare word)."""
    documents = []
    for day in range(5):
        document = DocumentFactory(
            issue_date=dt.date(2021, 1, 1) + dt.timedelta(days=day * 30),
            subject=f"Văn bản kế hoạch số {day}",
            source_text="Kế hoạch triển khai." + (" Vùng biên giới." if day == 0 else ""),
        )
        for position in range(3):
            directive = DirectiveFactory(
                document=document,
                position=position + 1,
                title=f"Kế hoạch {day}.{position}"
                + (" vùng biên giới" if day == 0 and position == 2 else ""),
            )
            AssignmentFactory(directive=directive)
        documents.append(document)
    return documents


def _in_order(kind: str, rows: list) -> list:
    if kind == Kind.DOCUMENT:
        return sorted(rows, key=lambda d: (d.issue_date, d.pk), reverse=True)
    return sorted(
        rows, key=lambda d: (-d.document.issue_date.toordinal(), -d.document_id, d.position, d.pk)
    )


@pytest.mark.parametrize("newest", [1, 2, 200])
@pytest.mark.parametrize("kind", [Kind.DOCUMENT, Kind.DIRECTIVE])
def test_search_pages_are_the_same_whether_the_newest_documents_hold_them_or_not(
    inspector_user, dated_documents, monkeypatch, newest, kind
):
    """The search looks through the newest documents first: every page equals the first rows
    of all the matches in the search's order, whether those documents hold the page or not."""
    from directives import search as search_module
    from directives.models import Directive, Document

    monkeypatch.setattr(search_module, "NEWEST_DOCUMENTS", newest)
    model = Document if kind == Kind.DOCUMENT else Directive
    everything = _in_order(kind, list(model.objects.all()))
    for page in (1, 2, 3):
        found = hits(search(inspector_user, "ke hoach", kinds=[kind], limit=2, page=page), kind)
        assert found == everything[(page - 1) * 2 : page * 2], (newest, page)
    # A rare word, only in the oldest document: not among the newest, found all the same.
    rare = hits(search(inspector_user, "bien gioi", kinds=[kind], limit=2), kind)
    oldest = dated_documents[0]
    assert rare == ([oldest] if kind == Kind.DOCUMENT else [oldest.directives.get(position=3)]), (
        newest
    )
    if kind == Kind.DOCUMENT:  # words in the body alone: the body run, newest first too
        for page in (1, 2, 3):
            body = hits(
                search(inspector_user, "trien khai", kinds=[kind], limit=2, page=page), kind
            )
            assert body == everything[(page - 1) * 2 : page * 2], (newest, page)
