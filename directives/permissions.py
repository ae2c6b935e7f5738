"""The one home of access rules: who may see and change what.

Views, actions and templates ask these predicates; nothing else decides access.
- staff (cán bộ) see assignments their unit leads or coordinates; they log progress on them, and
  the lead unit's members move the workflow;
- leaders (lãnh đạo) see everything in their unit's subtree; leaders of the unit that issued a
  document (or above it) act as the assigner: sign-off, extensions, suspension, urging;
- inspectors (kiểm tra) read everything and change nothing;
- Django superusers (admins) read everything in the application and work in the admin.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q

from directives.lookups import AnyOf
from directives.models import Actor, Assignment, Membership, Role, Unit


def membership_of(user) -> Membership | None:
    """The user's unit membership, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = Membership.objects.select_related("unit").filter(user=user).first()
    return user._membership_cache


def sees_everything(user) -> bool:
    """Admins and inspectors read every assignment."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.INSPECTOR


def visible_assignments_filter(user, *, narrowed: bool = False, within: Q | None = None) -> Q:
    """A filter selecting the assignments `user` may see (no joins, so no duplicates).

    Two shapes of the same rule, chosen for speed (docs/performance.md): a small scope as
    `pk IN (led UNION ALL coordinated)`, which the database answers from indexes in time
    proportional to what the user sees; a large scope (a leader over a sizeable share of the
    tree) as `led OR EXISTS(coordinated)`, which lets a page ordered by `standing_order` walk
    that index and stop after one page instead of collecting every visible id first.

    `narrowed`: the query is already narrowed to few rows by something indexed (one document's
    assignments, for the dashboard), so the rule is best checked row by row on those rows
    (the second shape) whatever the scope, instead of collecting every visible id first.
    `within`: the opposite case, a query over a wide range of rows with no LIMIT to stop at
    (a month of deadlines: some 42,000 at a million), whose condition `within` also narrows
    each branch of the first shape: a province's leader then collects the ids of its month
    (about a thousand) from indexes instead of checking the country's month row by row.
    """
    if sees_everything(user):
        return Q()
    membership = membership_of(user)
    if membership is None:
        return Q(pk__in=[])
    through = Assignment.coordinating_units.through
    if membership.role == Role.LEADER:
        prefix = membership.unit.path
        if not narrowed and _large_scope(membership) and _whole_tree(membership):
            return Q()  # the central body's leaders: every unit lies in their subtree
        if within is None and (narrowed or _large_scope(membership)):
            # A list walking `standing_order` gets this EXISTS hashed once: by unit ids (one
            # query, remembered) it reads the subtree's coordinations from the unit index
            # (30,000 for a province) rather than all 1.3 million (0.2 s at a million).
            coordinating = (
                Q(unit__path__startswith=prefix)
                if narrowed
                else Q(unit_id__in=subtree_ids(membership))
            )
            coordinates = through.objects.filter(coordinating, assignment_id=OuterRef("pk"))
            if narrowed:
                return (
                    Q(lead_unit__path__startswith=prefix)
                    | Q(Exists(coordinates))
                    # Leaders of the assigning body see every assignment of its documents.
                    | Q(directive__document__issuing_unit__path__startswith=prefix)
                )
            # Walking a long list row by row, the unit ids (hashed once) spare each row the
            # joins to the lead and the issuing unit that comparing their paths needs.
            units = subtree_ids(membership)
            return (
                Q(lead_unit_id__in=units)
                | Q(Exists(coordinates))
                | Q(directive__document__issuing_unit_id__in=units)
            )
        # Three branches, each answered from its own indexes (an OR of the first two across
        # joins made PostgreSQL hash-join every assignment of the country: 0.9 s a query).
        led = Assignment.objects.filter(lead_unit__path__startswith=prefix)
        assigned = Assignment.objects.filter(
            directive__document__issuing_unit__path__startswith=prefix
        )
        coordinated = through.objects.filter(unit__path__startswith=prefix).values("assignment_id")
        if within is not None:
            # By unit ids, not the path: the database then knows how few rows each branch
            # holds and reads them from indexes (with the path it read every coordination).
            units = subtree_ids(membership)
            led = Assignment.objects.filter(within, lead_unit_id__in=units)
            assigned = Assignment.objects.filter(
                within, directive__document__issuing_unit_id__in=units
            )
            coordinated = Assignment.objects.filter(within, coordinating_units__in=units).values(
                "pk"
            )
        ids = (
            led.order_by()
            .values("pk")
            .union(assigned.order_by().values("pk"), coordinated.order_by(), all=True)
        )
        return Q(pk__in=ids)
    unit = membership.unit_id
    led = Assignment.objects.filter(lead_unit_id=unit)
    coordinated = through.objects.filter(unit_id=unit).values("assignment_id")
    # Staff follow what their unit handed down (sub-assignments, issue 17).
    handed_down = Assignment.objects.filter(assigned_by_unit_id=unit)
    if within is not None:
        # Only the range's ids (a month: tens, not the unit's 1,300 at a million), so the
        # database fetches those few by key rather than matching the range's every row.
        led = led.filter(within)
        coordinated = Assignment.objects.filter(within, coordinating_units=unit).values("pk")
        handed_down = handed_down.filter(within)
    ids = (
        led.order_by()
        .values("pk")
        .union(coordinated.order_by(), handed_down.order_by().values("pk"), all=True)
    )
    return Q(pk__in=ids)


# A leader's subtree holding at least this share of all units counts as a large scope.
LARGE_SCOPE_SHARE = 0.02


def _large_scope(membership: Membership) -> bool:
    """Whether the membership's unit subtree is a large share of the tree (one cheap query on
    the unit table, remembered for the request)."""
    if not hasattr(membership, "_large_scope"):
        counts = Unit.objects.aggregate(
            total=Count("pk"), inside=Count("pk", filter=Q(path__startswith=membership.unit.path))
        )
        membership._large_scope = counts["inside"] >= LARGE_SCOPE_SHARE * counts["total"]
        membership._whole_tree = counts["inside"] == counts["total"]
    return membership._large_scope


def subtree_ids(membership: Membership) -> list[int]:
    """The ids of the units in the membership's unit subtree (one query, remembered for the
    request)."""
    if not hasattr(membership, "_subtree_ids"):
        membership._subtree_ids = list(
            Unit.objects.subtree_of(membership.unit).values_list("pk", flat=True)
        )
    return membership._subtree_ids


def _whole_tree(membership: Membership) -> bool:
    """Whether every unit lies in the membership's unit subtree (the same query as
    `_large_scope`, remembered with it)."""
    _large_scope(membership)
    return membership._whole_tree


def leads_whole_tree(membership: Membership | None) -> bool:
    """Whether `membership` is a leader's of the unit every unit lies under (the central body):
    a rule "in the leader's subtree" then holds for every row and need not be checked."""
    return membership is not None and membership.role == Role.LEADER and _whole_tree(membership)


def collects_visible_ids(user) -> bool:
    """Whether `visible_assignments_filter(user)` gathers the user's ids first (`pk IN (…)`: staff,
    a leader of a small subtree) rather than checking rows as an ordered walk meets them (the
    large scopes) or not checking at all. A page of the first kind is best ordered from the
    assignment rows alone and joined afterwards: every collected row is sorted, not a page."""
    if sees_everything(user):
        return False
    membership = membership_of(user)
    if membership is None:
        return False
    return membership.role != Role.LEADER or not _large_scope(membership)


def sees_all_assignments(user) -> bool:
    """Whether `user` sees every assignment: admins and inspectors, and the leaders of a unit
    whose subtree holds every unit (the central body), whose scope checks then cost nothing."""
    if sees_everything(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.LEADER and _whole_tree(membership)


def can_view_assignment(user, assignment: Assignment) -> bool:
    """True when `assignment` is among what `user` may see."""
    user_pk = getattr(user, "pk", None)
    if user_pk is not None and getattr(assignment, "_fetched_visible_to", None) == user_pk:
        return True
    return Assignment.objects.filter(pk=assignment.pk).visible_to(user).exists()


def fetched_visible_to(assignment: Assignment, user) -> Assignment:
    """Note on `assignment` that it was just read through `visible_to(user)`, so that
    `can_view_assignment` answers for this object without asking the database again."""
    assignment._fetched_visible_to = user.pk
    return assignment


def _is_member_of(user, unit_ids: set[int]) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in (Role.STAFF, Role.LEADER)
        and membership.unit_id in unit_ids
    )


def is_lead_member(user, assignment: Assignment) -> bool:
    """A staff member or leader of the assignment's lead unit."""
    return _is_member_of(user, {assignment.lead_unit_id})


def can_log_progress(user, assignment: Assignment) -> bool:
    """Members of the lead or a coordinating unit add progress updates; inspectors never write.

    Asks the database only for a member of another unit than the lead, and not at all when the
    assignment's coordinating units were prefetched.
    """
    if _is_member_of(user, {assignment.lead_unit_id}):
        return True
    membership = membership_of(user)
    if membership is None or not _is_member_of(user, {membership.unit_id}):
        return False
    prefetched = getattr(assignment, "_prefetched_objects_cache", {}).get("coordinating_units")
    if prefetched is not None:
        return any(unit.pk == membership.unit_id for unit in prefetched)
    return assignment.coordinating_units.filter(pk=membership.unit_id).exists()


def is_assigner(user, assignment: Assignment) -> bool:
    """A leader of the unit that issued the assignment's document, or of a unit above it.

    A sub-assignment's assigner is the unit that created it, and only its leaders: that unit
    signs the part off, not the province above it (issue 17).
    """
    if assignment.assigned_by_unit_id is not None:
        membership = membership_of(user)
        return (
            membership is not None
            and membership.role == Role.LEADER
            and membership.unit_id == assignment.assigned_by_unit_id
        )
    return is_document_assigner(user, assignment.directive.document)


def is_document_assigner(user, document) -> bool:
    """A leader of the unit that issued `document`, or of a unit above it."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.LEADER:
        return False
    issuing_unit = document.issuing_unit
    return issuing_unit is not None and issuing_unit.is_within(membership.unit)


def actors_for(user, assignment: Assignment) -> set[str]:
    """The workflow roles `user` holds on `assignment` (see TRANSITIONS)."""
    actors: set[str] = set()
    if is_lead_member(user, assignment):
        actors.add(Actor.LEAD)
    if is_assigner(user, assignment):
        actors.add(Actor.ASSIGNER)
    return actors


def can_use_admin(user) -> bool:
    """Only Django staff users reach the admin."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def own_notifications(user):
    """The notifications addressed to `user`: nobody reads or marks anyone else's."""
    from directives.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def lead_scope_filter(user) -> Q | None:
    """Assignments led by the user's own unit (a leader's: any unit of its subtree).

    None for users without a unit (admins, unassigned accounts): for them no assignment is "ours".
    Inspectors read everything but lead nothing, so theirs is empty too.
    """
    membership = membership_of(user)
    if membership is None or membership.role == Role.INSPECTOR:
        return None
    if membership.role == Role.LEADER:
        return Q(lead_unit__path__startswith=membership.unit.path)
    return Q(lead_unit_id=membership.unit_id)


def progress_scope_filter(user) -> Q | None:
    """Assignments on which `user` may log progress (the SQL twin of `can_log_progress`):
    those their own unit leads or coordinates. None when there are none (inspectors, admins)."""
    membership = membership_of(user)
    if membership is None or membership.role not in (Role.STAFF, Role.LEADER):
        return None
    through = Assignment.coordinating_units.through
    coordinates = through.objects.filter(assignment_id=OuterRef("pk"), unit_id=membership.unit_id)
    return Q(lead_unit_id=membership.unit_id) | Q(Exists(coordinates))


def visible_assignments(user):
    """The rows of `Assignment.objects.visible_to(user)` without its DISTINCT.

    The filter makes no multi-valued join, so there is nothing to de-duplicate; leaving DISTINCT
    out lets `ORDER BY … LIMIT` stop at the first rows instead of sorting every visible one
    (search runs such queries as people type).
    """
    return Assignment.objects.filter(visible_assignments_filter(user))


@dataclass(frozen=True)
class VisibleIds:
    """What a user may see, listed: their assignments and those assignments' directives and
    documents (from `visible_ids`). `assignments` is None where they are too many to list (a
    leader over a large subtree): their directives and documents are still listed."""

    assignments: list[int] | None
    directives: list[int]
    documents: list[int]


def visible_ids(user, *, at_most: int) -> VisibleIds | None:
    """The assignments `user` may see, with their directives and documents, when there are at
    most `at_most` assignments.

    None for admins and inspectors (they see everything) and for anyone who sees more. A short
    list fetched once lets the database start from the user's own rows: with a filter on text
    and ORDER BY … LIMIT it otherwise tends to walk the newest rows of everyone, hoping to meet
    the user's few soon enough. The rule is `visible_assignments_filter`'s, written as two
    indexed look-ups (led by, coordinated by the user's units); a test holds them equal.
    """
    cache = user.__dict__.setdefault("_visible_ids_cache", {}) if user is not None else {}
    if at_most not in cache:
        cache[at_most] = _visible_ids(user, at_most)
    return cache[at_most]


def _visible_ids(user, at_most: int) -> VisibleIds | None:
    if sees_all_assignments(user):
        return None
    membership = membership_of(user)
    if membership is None:
        return VisibleIds([], [], [])
    return _remembered(membership, at_most)


# How long a list is kept at most (a renewed data version drops it sooner).
VISIBLE_SECONDS = 3600


def _remembered(membership: Membership, at_most: int) -> VisibleIds | None:
    """`_listed(membership, at_most)`, kept in the shared cache under the data version of what
    decides it (`freshness.REACH`: assignments created, deleted, moved, handed down by another
    unit, coordinators changed; the epoch: units, directives, documents, memberships).

    Why: a province leader's list (some 10,000 directives at a million assignments) took 170 ms
    to read and a district's three look-ups ~35 ms, for each search typed; progress, deadlines
    and status — most writes — leave it valid. Off with the other caches of computed data
    (DJANGO_DASHBOARD_CACHE=0), and read as before when the cache cannot be reached.
    """
    from directives import freshness

    version = freshness.data_version(freshness.REACH) if settings.DASHBOARD_REGION_CACHE else None
    if version is None:
        return _listed(membership, at_most)
    shape = "large" if membership.role == Role.LEADER and _large_scope(membership) else "rows"
    key = f"tracker:visible:{membership.role}:{membership.unit_id}:{shape}:{at_most}:{version}"
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache it is read, as on a miss
        found = None
    if found is None:
        found = (_listed(membership, at_most),)  # a tuple: None (too many to list) is an answer
        with contextlib.suppress(Exception):  # without the cache the next search reads it
            cache.set(key, found, VISIBLE_SECONDS)
    return found[0]


def _listed(membership: Membership, at_most: int) -> VisibleIds | None:
    if membership.role == Role.LEADER:
        units = subtree_ids(membership)
        if _large_scope(membership):
            return _visible_directives_listed(units)
    else:
        units = [membership.unit_id]
    rows = set(
        Assignment.objects.filter(lead_unit_id__in=units)
        .order_by()
        .values_list("pk", "directive_id", "directive__document_id")[: at_most + 1]
    )
    if len(rows) <= at_most:
        # What the staff member's unit handed down (a leader's subtree already holds it), or
        # what a leader's units assigned as the issuing body of a document.
        handed = (
            Q(directive__document__issuing_unit_id__in=units)
            if membership.role == Role.LEADER
            else Q(assigned_by_unit_id=membership.unit_id)
        )
        rows.update(
            Assignment.objects.filter(handed)
            .order_by()
            .values_list("pk", "directive_id", "directive__document_id")[: at_most + 1]
        )
    if len(rows) <= at_most:
        through = Assignment.coordinating_units.through
        rows.update(
            through.objects.filter(unit_id__in=units)
            .order_by()
            .values_list(
                "assignment_id", "assignment__directive_id", "assignment__directive__document_id"
            )[: at_most + 1]
        )
    if len(rows) > at_most:
        return None
    return VisibleIds(
        assignments=sorted({row[0] for row in rows}),
        directives=sorted({row[1] for row in rows}),
        documents=sorted({row[2] for row in rows}),
    )


def _visible_directives_listed(units: list[int]) -> VisibleIds:
    """The directives, and their documents, with an assignment that a unit of `units` leads or
    coordinates, or that one of them assigned as the issuing body: a leader's over a large
    subtree, in one query read from indexes (assignment_lead_directive, assignment_id_directive,
    the directive index of assignments), where listing the assignments themselves would not
    pay (some 55,000 for a province at a million; these are some 10,000 directives)."""
    from directives.models import Directive

    through = Assignment.coordinating_units.through
    led = Assignment.objects.filter(lead_unit_id__in=units).order_by().values("directive_id")
    coordinated = (
        through.objects.filter(unit_id__in=units).order_by().values("assignment__directive_id")
    )
    # The issuing body's directives that have an assignment: one check each, not every row.
    assigned = (
        Directive.objects.filter(document__issuing_unit_id__in=units)
        .filter(Exists(Assignment.objects.filter(directive_id=OuterRef("pk"))))
        .order_by()
        .values("pk")
    )
    rows = list(
        Directive.objects.filter(pk__in=led.union(coordinated, assigned, all=True))
        .order_by()
        .values_list("pk", "document_id")
    )
    return VisibleIds(
        assignments=None,
        directives=sorted(row[0] for row in rows),
        documents=sorted({row[1] for row in rows}),
    )


def visible_assignments_listed(user, listed: VisibleIds | None):
    """`visible_assignments(user)`, by the list `visible_ids` gave when it gave one."""
    if listed is not None and listed.assignments is not None:
        return Assignment.objects.filter(AnyOf(F("pk"), listed.assignments))
    return visible_assignments(user)


def _has_visible_assignment(user, **outer) -> Exists:
    field, ref = next(iter(outer.items()))
    return Exists(
        Assignment.objects.filter(visible_assignments_filter(user)).filter(**{field: OuterRef(ref)})
    )


def visible_directives(user, listed: VisibleIds | None = None):
    """Directives with at least one assignment `user` may see (all for admins and inspectors).

    `listed`: what `visible_ids` gave for this user, when it gave something.
    """
    from directives.models import Directive

    if sees_everything(user):
        return Directive.objects.all()
    if listed is not None:
        return Directive.objects.filter(AnyOf(F("pk"), listed.directives))
    return Directive.objects.filter(_has_visible_assignment(user, directive_id="pk"))


def visible_documents(user, listed: VisibleIds | None = None):
    """Documents with at least one assignment `user` may see (all for admins and inspectors)."""
    from directives.models import Document

    if sees_everything(user):
        return Document.objects.all()
    if listed is not None:
        return Document.objects.filter(AnyOf(F("pk"), listed.documents))
    return Document.objects.filter(_has_visible_assignment(user, directive__document_id="pk"))


def visible_progress_updates(user, listed: VisibleIds | None = None):
    """Progress updates of the assignments `user` may see."""
    from directives.models import ProgressUpdate

    if sees_all_assignments(user):
        return ProgressUpdate.objects.all()
    if listed is not None and listed.assignments is not None:
        return ProgressUpdate.objects.filter(AnyOf(F("assignment_id"), listed.assignments))
    return ProgressUpdate.objects.filter(_has_visible_assignment(user, pk="assignment_id"))


def visible_units(user):
    """Every unit, to any signed-in user: the organisation chart is not confidential."""
    from directives.models import Unit

    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return Unit.objects.all()


def can_view_dashboard(user) -> bool:
    """Leaders, inspectors and admins see the leaders' dashboard and reports; staff do not."""
    if sees_everything(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.LEADER


def dashboard_scope(user, document):
    """The unit whose subtree's assignments `user`'s dashboard counts for `document`.

    None means every assignment of the document: admins, inspectors and the assigning body's
    leaders. Other leaders count only what units of their own subtree lead.
    """
    if sees_everything(user) or is_document_assigner(user, document):
        return None
    membership = membership_of(user)
    return membership.unit if membership is not None else None


def counted_filter(scope: Unit | None) -> Q:
    """The assignments a body counts on its dashboards and overview: no piece of work twice.

    `scope` None (the assigning body's leaders, inspectors, admins): top-level assignments only;
    sub-assignments are parts of them and never add to the count. A unit `scope` (a leader of
    it): each piece of work once, at the level nearest to it — what reached its subtree from
    above and was not split by it, and what it handed down in place of what it split; parts
    that units below it handed further down are theirs to count (issue 17).
    """
    if scope is None:
        return Q(parent__isnull=True)
    split_here = Assignment.objects.filter(parent=OuterRef("pk"), assigned_by_unit=scope)
    return (
        Q(lead_unit__path__startswith=scope.path)
        & (
            Q(parent__isnull=True)
            | Q(assigned_by_unit=scope)
            | ~Q(assigned_by_unit__path__startswith=scope.path)
        )
        & ~Q(Exists(split_here))
    )


def split_role_allowed(user, unit: Unit) -> bool:
    """A leader of `unit`, or its staff where the unit lets them split (Unit.staff_may_split)."""
    membership = membership_of(user)
    if membership is None or membership.unit_id != unit.pk:
        return False
    if membership.role == Role.LEADER:
        return True
    return membership.role == Role.STAFF and unit.staff_may_split


def can_split(user, assignment: Assignment) -> bool:
    """Whether `user` may hand parts of `assignment` down (giao tiếp cho cấp dưới): a leader of
    its lead unit, or the unit's staff where it allows; only open work (not awaiting sign-off,
    done or suspended) is split."""
    from directives.models import TAKES_PROGRESS

    return assignment.status in TAKES_PROGRESS and split_role_allowed(user, assignment.lead_unit)


def can_decide(user) -> bool:
    """Only leaders may take decisions at all (which ones: `is_assigner` per assignment)."""
    membership = membership_of(user)
    return membership is not None and membership.role == Role.LEADER


def can_view_audit(user, assignment: Assignment) -> bool:
    """The audit trail (who changed what, from where) is for admins and for leaders who can see
    the assignment; staff see the progress timeline, not the addresses."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.LEADER
        and can_view_assignment(user, assignment)
    )


def can_request_explanation(user, assignment: Assignment) -> bool:
    """Requests for explanation (issue 17) come from the leaders who review the assignment: the
    assigning body's (those who sign it off)."""
    return can_decide(user) and is_assigner(user, assignment)


def can_answer_explanation(user, assignment: Assignment) -> bool:
    """The lead unit answers, by any of its staff or leaders; inspectors never write."""
    return is_lead_member(user, assignment)


def can_view_scorecard(user) -> bool:
    """The unit scorecard is a leaders' page, like the dashboard and the overview."""
    return can_view_dashboard(user)
