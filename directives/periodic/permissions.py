"""Who may see and do what with periodic reports (the rules beside directives.permissions).

- a reporting unit's staff and leaders see their unit's slots and submit them;
- the receiving unit's staff and leaders see every slot of its obligations and accept or return
  submitted reports;
- leaders also see the slots of units in their subtree, and of obligations their subtree
  receives or whose document it issued; they decide nothing for a unit they do not belong to;
- inspectors and admins read everything and change nothing here.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from directives.models import ReportingObligation, ReportSubmission, Role, SubmissionState
from directives.permissions import leads_whole_tree, membership_of, sees_everything


def visible_submissions(user):
    """The slots `user` may see."""
    if sees_everything(user):
        return ReportSubmission.objects.all()
    membership = membership_of(user)
    if membership is None:
        return ReportSubmission.objects.none()
    if leads_whole_tree(membership):
        # Every slot's reporting unit lies in the subtree: three path tests joined by OR on
        # every slot of the month cost the central leader's calendar 18 ms at a million.
        return ReportSubmission.objects.all()
    if membership.role == Role.LEADER:
        prefix = membership.unit.path
        return ReportSubmission.objects.filter(
            Q(unit__path__startswith=prefix)
            | Q(obligation__receiving_unit__path__startswith=prefix)
            | Q(obligation__document__issuing_unit__path__startswith=prefix)
        )
    return ReportSubmission.objects.filter(
        Q(unit_id=membership.unit_id) | Q(obligation__receiving_unit_id=membership.unit_id)
    )


def visible_obligations(user):
    """The obligations `user` may see: those with a slot they see, or that their unit (subtree,
    for leaders) receives or issued."""
    if sees_everything(user):
        return ReportingObligation.objects.all()
    membership = membership_of(user)
    if membership is None:
        return ReportingObligation.objects.none()
    if membership.role == Role.LEADER:
        prefix = membership.unit.path
        own = Q(receiving_unit__path__startswith=prefix) | Q(
            document__issuing_unit__path__startswith=prefix
        )
        slots = ReportSubmission.objects.filter(
            obligation_id=OuterRef("pk"), unit__path__startswith=prefix
        )
    else:
        own = Q(receiving_unit_id=membership.unit_id)
        slots = ReportSubmission.objects.filter(
            obligation_id=OuterRef("pk"), unit_id=membership.unit_id
        )
    return ReportingObligation.objects.filter(own | Q(Exists(slots)))


def _member_of(user, unit_id: int) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in (Role.STAFF, Role.LEADER)
        and membership.unit_id == unit_id
        and not user.is_superuser
    )


def can_submit(user, submission: ReportSubmission) -> bool:
    """Staff and leaders of the reporting unit."""
    return _member_of(user, submission.unit_id)


def can_review(user, submission: ReportSubmission) -> bool:
    """Staff and leaders of the receiving unit accept or return a report."""
    return _member_of(user, submission.obligation.receiving_unit_id)


def may_submit_now(submission: ReportSubmission) -> bool:
    return submission.state in (SubmissionState.OPEN, SubmissionState.RETURNED)


def may_review_now(submission: ReportSubmission) -> bool:
    return submission.state == SubmissionState.SUBMITTED
