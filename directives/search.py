"""Search across documents, directives, assignments, progress notes and units.

People type Vietnamese with and without diacritics ("tet tan suu", "dai hoi XIII"), so the
stored text and the query are folded alike (`directives.text.search_key`: lower case, no
diacritics, đ → d, punctuation as spaces). A hit holds every query word (AND): each as a whole
word, except the last, which may still be being typed and so matches the start of a word
("tet tan s" finds "Tết Tân Sửu"; "tan" alone does not find "tặng" unless typed last). Found with
`LIKE '% word %'` / `LIKE '% word%'` on the folded column: the same SQL and so the same answers on
SQLite and PostgreSQL, where a trigram index (migration 0003) serves those patterns.

Ranking, within each kind: hits whose title holds every word first, then the hits that match
only in the body, each run newest first. Each run is its own `ORDER BY … LIMIT` query, so the
database can stop at the first rows instead of ranking every match.

Only what the user may see: assignments and progress notes of `visible_to`, documents and
directives when the user sees at least one of their assignments (directives.permissions).

Entry point: `search(user, q, kinds=None, limit=5)`; `highlight` and `excerpt` mark the matching
words in the original text for templates.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Exists, F, OrderBy, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext_lazy

from directives import permissions
from directives.models import Assignment, Directive, Document, Unit
from directives.text import fold_char, search_key

MAX_QUERY_LENGTH = 200
MIN_QUERY_LETTERS = 2  # a lone letter would match a large share of everything, and mean nothing
MAX_WORDS = 8
MAX_WORD_LENGTH = 40


class Kind(models.TextChoices):
    """What a hit is; also the order of the groups on the page."""

    # A context of their own: as headings of result groups these read as plurals in English.
    DOCUMENT = "document", pgettext_lazy("nhóm kết quả", "Văn bản")
    DIRECTIVE = "directive", pgettext_lazy("nhóm kết quả", "Nhiệm vụ")
    ASSIGNMENT = "assignment", pgettext_lazy("nhóm kết quả", "Phân công")
    PROGRESS = "progress", pgettext_lazy("nhóm kết quả", "Báo cáo tiến độ")
    UNIT = "unit", pgettext_lazy("nhóm kết quả", "Đơn vị")


def query_words(q: str) -> list[str]:
    """The folded, distinct words of a query, at most MAX_WORDS of them."""
    words: list[str] = []
    for word in search_key(q[:MAX_QUERY_LENGTH]).split():
        word = word[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def terms(words: list[str]) -> list[str]:
    """The patterns the words must appear as in a folded column: " word " for whole words,
    " word" for the last one (a word beginning). Folded columns start and end with a space."""
    return [f" {word} " for word in words[:-1]] + [f" {word}" for word in words[-1:]]


def _has(column: str, term: str) -> Q:
    return Q(**{f"{column}__contains": term})


def _has_all(column: str, terms: Iterable[str], has: Callable[[str, str], Q] = _has) -> Q:
    condition = Q()
    for term in terms:
        condition &= has(column, term)
    return condition


def _scanned(column: str, term: str) -> Q:
    """`_has`, written so that no trigram index serves it: the rows come from another index (a
    short list of ids) and the text is tested on those alone."""
    return Q(Contains(Coalesce(F(column), Value(""), output_field=models.TextField()), term))


def _text_terms(terms: list[str]) -> Callable[[str], Q]:
    return lambda term: _has("search_text", term)


def _assignment_terms(terms: list[str]) -> Callable[[str], Q]:
    """An assignment also answers to its lead unit's name ("nam can ke hoach").

    The units are matched first, in one query on their small table, so each term becomes the
    indexed text test OR a short list of unit ids — both index scans the database can combine.
    """
    units = list(
        Unit.objects.filter(
            functools.reduce(operator.or_, (_has("search_text", t) for t in terms))
        ).values_list("pk", "search_text")
    )

    def term_filter(term: str) -> Q:
        ids = [pk for pk, text in units if term in text]
        return (
            _has("search_text", term) | Q(lead_unit_id__in=ids)
            if ids
            else _has("search_text", term)
        )

    return term_filter


@dataclass(frozen=True)
class Hit:
    kind: str
    obj: Any
    in_title: bool
    url: str | None

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


@dataclass
class Group:
    kind: str
    hits: list[Hit]
    has_more: bool

    @property
    def label(self) -> str:
        return Kind(self.kind).label


@dataclass
class Results:
    query: str
    words: list[str]
    groups: list[Group] = field(default_factory=list)
    document: Document | None = None
    too_short: bool = False
    # The same words find something the user may not see: the page says its results are
    # limited to the user's scope (never how much is hidden).
    scope_hides: bool = False

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    def __bool__(self) -> bool:
        return any(group.hits for group in self.groups)


@dataclass(frozen=True)
class _Scope:
    """Who is searching, within which document; `listed`: what they may see, as id lists, when
    short enough to drive the queries from (permissions.visible_ids)."""

    user: Any
    document: Document | None
    listed: permissions.VisibleIds | None

    def within(self, rows: QuerySet, lookup: str) -> QuerySet:
        return rows if self.document is None else rows.filter(**{lookup: self.document.pk})


@dataclass(frozen=True)
class _Source:
    kind: Kind
    rows: Callable[[_Scope], QuerySet]  # what the user may see, of this kind, in the scope
    order: tuple[str, ...]
    title_column: str | None = None  # None: no title/body distinction, one run
    term_filters: Callable[[list[str]], Callable[[str], Q]] = _text_terms
    # The rows of the newest documents: a condition selecting a prefix of `order`, tried first
    # (`_first_of`). None: no such prefix (assignments, progress and units are served by
    # their own indexes).
    newest: Callable[[], Q] | None = None
    # With the user's assignments listed (`_Scope.listed`: staff, a district), their ids drive
    # the query and the text is tested on those rows only: a common word's trigram bitmap read
    # 13,184 directives to keep the 296 of a district's 2,665 (30 ms; from the ids, 5 ms). A
    # rare word's bitmap is cheaper still (1 ms against 4), but the common words are the slow
    # searches. A province's ~10,000 listed directives are too many: its bitmap stays.
    listed_drive: bool = False

    def _first_of(self, scope: _Scope, rows: QuerySet, start: int, count: int) -> list | None:
        """rows[start:start + count] when the newest documents hold them all, else None.

        Why: a common word ("kế hoạch") matches 13,000 directives and 7,000 documents at a
        million assignments; sorting them all newest first for five cost 60–130 ms a query,
        and the planner, which guesses a few dozen matches, cannot know to walk the order. The
        newest documents' rows are a prefix of the order, so when they hold enough matches
        those are the first ones; a rare word finds too few there and the full query runs.
        """
        if self.newest is None or scope.document is not None:
            return None
        if scope.listed is not None:
            # What the user sees is listed (staff, a province's directives): that list drives
            # the full query already, and the newest documents' rows would be read besides.
            return None
        found = list(rows.filter(self.newest())[start : start + count])
        return found if len(found) == count else None

    def fetch(
        self, scope: _Scope, words: list[str], *, offset: int, limit: int
    ) -> tuple[list[Hit], bool]:
        """One page of hits: title matches, then body-only matches; and whether more follow."""
        rows = self.rows(scope).order_by(*self.order)
        patterns = terms(words)
        # A short scope's ids drive the query (a large scope's ~10,000 directives do not pay).
        short = scope.listed is not None and scope.listed.assignments is not None
        has = _scanned if self.listed_drive and short else _has
        if not words or self.title_column is None:
            found = list(
                rows.filter(_has_all("search_text", patterns, has))[offset : offset + limit + 1]
            )
            return self._hits(found[:limit], in_title=bool(words)), len(found) > limit

        # A title match holds every term in its own folded text, so the title run needs only
        # the indexed column; the body run adds what else may match (a lead unit's name).
        in_title = _has_all(self.title_column, patterns, has)
        titled = rows.filter(_has_all("search_text", patterns, has) & in_title)
        first = self._first_of(scope, titled, offset, limit + 1)
        if first is not None:
            return self._hits(first[:limit], in_title=True), True
        first = list(titled[offset : offset + limit + 1])
        if len(first) > limit:
            return self._hits(first[:limit], in_title=True), True
        # Where the body-only run starts for this page: past every title match. Counted only
        # for a page that lies wholly beyond them; otherwise this page saw where they end.
        title_total = offset + len(first) if first or offset == 0 else titled.count()
        term_filter = (
            self.term_filters(patterns) if has is _has else functools.partial(has, "search_text")
        )
        matching = rows
        for pattern in patterns:
            matching = matching.filter(term_filter(pattern))
        start = offset + len(first) - title_total
        wanted = limit + 1 - len(first)
        # The body run comes only when the titles hold few matches, so the words are rare: the
        # order is given as expressions no index serves, so the database sorts the few matches
        # rather than walking the newest-first index over every row hoping to meet them (a
        # unit's name, for a province's leader: 1.4 s over a million assignments).
        body_only = matching.exclude(in_title)
        rest = self._first_of(scope, body_only, start, wanted)
        if rest is None:
            rest = list(body_only.order_by(*_sorted_not_walked(self.order))[start : start + wanted])
        hits = self._hits(first, in_title=True) + self._hits(rest[: wanted - 1], in_title=False)
        return hits, len(rest) == wanted

    def _hits(self, objs: list, *, in_title: bool) -> list[Hit]:
        return [Hit(self.kind, obj, in_title, hit_url(self.kind, obj)) for obj in objs]


def _sorted_not_walked(order: tuple[str, ...]) -> list[OrderBy]:
    """`order` with each key as COALESCE(key, key): the same order, which no index gives."""
    keys = []
    for key in order:
        name = key.removeprefix("-")
        keys.append(OrderBy(Coalesce(F(name), F(name)), descending=key.startswith("-")))
    return keys


# How many of the newest documents `_Source._first_of` looks through first.
NEWEST_DOCUMENTS = 200


def _newest_documents() -> QuerySet:
    """The ids of the NEWEST_DOCUMENTS newest documents, in the search's document order (a
    subquery read from the issue-date index)."""
    return Document.objects.order_by("-issue_date", "-pk").values("pk")[:NEWEST_DOCUMENTS]


# Users who see at most this many assignments have them listed once per search.
LISTED_ASSIGNMENTS = 5000

SOURCES: list[_Source] = [
    _Source(
        Kind.DOCUMENT,
        lambda scope: scope.within(permissions.visible_documents(scope.user, scope.listed), "pk"),
        order=("-issue_date", "-pk"),
        title_column="search_title",
        newest=lambda: Q(pk__in=_newest_documents()),
    ),
    _Source(
        Kind.DIRECTIVE,
        lambda scope: scope.within(
            permissions.visible_directives(scope.user, scope.listed).select_related("document"),
            "document_id",
        ),
        order=("-document__issue_date", "-document_id", "position", "pk"),
        title_column="search_title",
        newest=lambda: Q(document_id__in=_newest_documents()),
        listed_drive=True,
    ),
    _Source(
        Kind.ASSIGNMENT,
        lambda scope: scope.within(
            permissions.visible_assignments_listed(scope.user, scope.listed).select_related(
                "directive__document", "lead_unit"
            ),
            "directive__document_id",
        ),
        order=("-created_at", "-pk"),
        title_column="search_title",
        term_filters=_assignment_terms,
    ),
    _Source(
        Kind.PROGRESS,
        lambda scope: scope.within(
            permissions.visible_progress_updates(scope.user, scope.listed).select_related(
                "assignment__directive", "assignment__lead_unit", "unit"
            ),
            "assignment__directive__document_id",
        ),
        order=("-created_at", "-pk"),
    ),
    _Source(
        Kind.UNIT,
        lambda scope: permissions.visible_units(scope.user).select_related("parent"),
        order=("path",),
    ),
]


def search(
    user,
    q: str,
    kinds: Iterable[str] | None = None,
    limit: int = 5,
    *,
    document: Document | None = None,
    page: int = 1,
    explain_scope: bool = False,
) -> Results:
    """Hits for `q` that `user` may see, grouped by kind (in Kind order), `limit` per kind.

    `document` keeps to one document (units are then left out); with a document and no words
    it lists what the document holds. `page` pages through each kind `limit` at a time.
    """
    words = query_words(q)
    if words and sum(map(len, words)) < MIN_QUERY_LETTERS:
        return Results(query=q, words=[], document=document, too_short=True)
    results = Results(query=q, words=words, document=document)
    if not words and document is None:
        return results
    wanted = set(kinds) if kinds else set(Kind.values)
    offset = (max(page, 1) - 1) * limit
    sources = [
        source
        for source in SOURCES
        if source.kind in wanted and not (document is not None and source.kind == Kind.UNIT)
    ]
    listed = None
    if any(source.kind != Kind.UNIT for source in sources):
        listed = permissions.visible_ids(user, at_most=LISTED_ASSIGNMENTS)
    scope = _Scope(user, document, listed)
    for source in sources:
        hits, has_more = source.fetch(scope, words, offset=offset, limit=limit)
        if hits:
            results.groups.append(Group(source.kind, hits, has_more))
    if explain_scope and words and any(source.kind != Kind.UNIT for source in sources):
        results.scope_hides = hides_matches(user, words, document)
    return results


def _planned_alone(rows: QuerySet) -> QuerySet:
    """The ids of `rows` as a subquery PostgreSQL plans on its own. The LIMIT is never reached;
    it keeps the planner from folding the subquery into an EXISTS, where, expecting to stop at
    the first row, it reads the whole table (a document's full text: 0.3 s) rather than the
    trigram index (0.3 ms)."""
    return rows.order_by().values("pk")[: 10**9]


def hides_matches(user, words: list[str], document: Document | None = None) -> bool:
    """Whether the words match an assignment the user may not see, or its directive or document.

    One query, and none for users who see everything; it answers yes or no, never how many, so
    the page can say "limited to what you may see" without revealing hidden work.

    Three EXISTS, one per text (the assignment's, its directive's, its document's), each
    starting from that table's trigram index; the database stops at the first that holds. One
    OR across the three joined tables could use none of those indexes and read every
    assignment (20–40 s at a million: docs/performance.md).
    """
    if permissions.sees_all_assignments(user):
        return False
    patterns = terms(words)
    hidden = Assignment.objects.exclude(permissions.visible_assignments_filter(user))
    if document is not None:
        hidden = hidden.filter(directive__document=document)
    matching_directives = _planned_alone(
        Directive.objects.filter(_has_all("search_text", patterns))
    )
    matching_documents = _planned_alone(Document.objects.filter(_has_all("search_text", patterns)))
    # The smallest table first: a common word stops at a document's first hidden assignment
    # before the assignments' own (much larger) trigram bitmap is built.
    found = (
        Q(Exists(hidden.filter(directive__document__in=matching_documents)))
        | Q(Exists(hidden.filter(directive__in=matching_directives)))
        | Q(Exists(hidden.filter(_has_all("search_text", patterns))))
    )
    # Each EXISTS is uncorrelated: evaluated once, so the outer rows only carry the answer.
    return Unit.objects.filter(found).exists()


def hit_url(kind: str, obj) -> str | None:
    """The page a hit opens, where that page exists (the assignment page comes with the staff
    screens); otherwise None and the hit is shown on the search page itself."""
    try:
        if kind == Kind.ASSIGNMENT:
            return reverse("assignment_detail", args=[obj.pk])
        if kind == Kind.PROGRESS:
            return reverse("assignment_detail", args=[obj.assignment_id]) + f"#update-{obj.pk}"
    except NoReverseMatch:
        return None
    if kind == Kind.DOCUMENT:
        return reverse("search_results") + f"?document={obj.pk}"
    return None


# Highlighting ------------------------------------------------------------------------------


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, word index) of each match of the query words in `text`, as `search` matches
    them: whole words, the last as a word beginning.

    Folding is per character, so each folded position maps back to the original character;
    a match then extends over any combining marks that follow it (text stored decomposed).
    """
    folded_chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for folded in fold_char(ch):
            folded_chars.append(folded)
            origin.append(index)
    folded = "".join(folded_chars)
    spans = []
    for position, word in enumerate(words):
        if not word:
            continue
        whole = position < len(words) - 1
        at = folded.find(word)
        while at != -1:
            after = at + len(word)
            if (at == 0 or folded[at - 1] == " ") and (
                not whole or after == len(folded) or folded[after] == " "
            ):
                start, end = origin[at], origin[after - 1] + 1
                while end < len(text) and fold_char(text[end]) == "":
                    end += 1
                spans.append((start, end, position))
            at = folded.find(word, at + 1)
    return sorted(spans)


def match_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) positions in `text` of the query words, merged where they touch."""
    merged: list[tuple[int, int]] = []
    for start, end, _word in _word_spans(text, list(words)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """`text`, HTML-escaped, with each matching word start wrapped in <mark>."""
    text = str(text or "")
    out: list[str] = []
    last = 0
    for start, end in match_spans(text, words):
        out.append(conditional_escape(text[last:start]))
        out.append(f"<mark>{conditional_escape(text[start:end])}</mark>")
        last = end
    out.append(conditional_escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


# Where one sentence of a document's text ends: after . ; ! ? followed by a space, or a line end.
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")


def matching_sentence(text: str, words: Iterable[str], width: int = 240) -> SafeString:
    """The sentence of `text` where the most different query words meet (the first of equals),
    highlighted and cut to `width` around its matches; empty when no word is in `text`."""
    words = list(words)
    best, best_count = "", 0
    for sentence in _SENTENCE_END.split(str(text or "")):
        found = {word for _start, _end, word in _word_spans(sentence, words)}
        if len(found) > best_count:
            best, best_count = sentence, len(found)
            if best_count == len(words):
                break
    return excerpt(best, words, width) if best_count else mark_safe("")


def excerpt(text: str, words: Iterable[str], width: int = 180) -> SafeString:
    """Up to `width` characters of `text` around its first match, cut at spaces, highlighted."""
    words = list(words)
    text = " ".join(str(text or "").split())
    if len(text) <= width:
        return highlight(text, words)
    # Centre on the first passage where the most different query words meet.
    spans = _word_spans(text, words)
    first, best = 0, 0
    for start, _end, _word in spans:
        near = {w for s, _e, w in spans if start <= s < start + width * 2 // 3}
        if len(near) > best:
            first, best = start, len(near)
    start = max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    piece = highlight(text[start:end], words)
    return mark_safe(("…" if start > 0 else "") + piece + ("…" if end < len(text) else ""))  # noqa: S308
