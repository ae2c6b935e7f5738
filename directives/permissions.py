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

from django.db.models import Count, Exists, OuterRef, Q

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


def visible_assignments_filter(user) -> Q:
    """A filter selecting the assignments `user` may see (no joins, so no duplicates).

    Two shapes of the same rule, chosen for speed (docs/performance.md): a small scope as
    `pk IN (led UNION ALL coordinated)`, which the database answers from indexes in time
    proportional to what the user sees; a large scope (a leader over a sizeable share of the
    tree) as `led OR EXISTS(coordinated)`, which lets a page ordered by `standing_order` walk
    that index and stop after one page instead of collecting every visible id first.
    """
    if sees_everything(user):
        return Q()
    membership = membership_of(user)
    if membership is None:
        return Q(pk__in=[])
    through = Assignment.coordinating_units.through
    if membership.role == Role.LEADER:
        prefix = membership.unit.path
        if _large_scope(membership):
            coordinates = through.objects.filter(
                assignment_id=OuterRef("pk"), unit__path__startswith=prefix
            )
            return Q(lead_unit__path__startswith=prefix) | Q(Exists(coordinates))
        led = Assignment.objects.filter(lead_unit__path__startswith=prefix)
        coordinated = through.objects.filter(unit__path__startswith=prefix)
    else:
        led = Assignment.objects.filter(lead_unit_id=membership.unit_id)
        coordinated = through.objects.filter(unit_id=membership.unit_id)
    ids = (
        led.order_by().values("pk").union(coordinated.order_by().values("assignment_id"), all=True)
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
    return membership._large_scope


def can_view_assignment(user, assignment: Assignment) -> bool:
    """True when `assignment` is among what `user` may see."""
    return Assignment.objects.filter(pk=assignment.pk).visible_to(user).exists()


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
    """Members of the lead or a coordinating unit add progress updates; inspectors never write."""
    unit_ids = {
        assignment.lead_unit_id,
        *assignment.coordinating_units.values_list("pk", flat=True),
    }
    return _is_member_of(user, unit_ids)


def is_assigner(user, assignment: Assignment) -> bool:
    """A leader of the unit that issued the assignment's document, or of a unit above it."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.LEADER:
        return False
    issuing_unit = assignment.directive.document.issuing_unit
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
