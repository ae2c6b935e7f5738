"""The workflow's allowed moves, from a table written here (domain.md §3), not read from
`TRANSITIONS`: every (action, status, actor) the table allows moves the assignment where it says;
every other combination is refused with a message and changes nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from directives.models import Action, Actor, Assignment, Status, TransitionError
from directives.models.assignment import TRANSITIONS

NS, IP, AW, DN, SU = "not_started", "in_progress", "awaiting_signoff", "done", "suspended"
LEAD, ASSIGNER = "lead", "assigner"

# action: (from which statuses, to which status, who)
ALLOWED = {
    "start": ({NS}, IP, LEAD),
    "report_done": ({NS, IP}, AW, LEAD),
    "confirm": ({AW}, DN, ASSIGNER),
    "refuse": ({AW}, IP, ASSIGNER),
    # The assigner may pause work at any point before it is done, sign-off pending included.
    "suspend": ({NS, IP, AW}, SU, ASSIGNER),
    "resume": ({SU}, IP, ASSIGNER),
    # Sign-off safeguards: who may undo, and within which window, is checked in actions.
    "undo_confirm": ({DN}, AW, ASSIGNER),
    "reopen": ({DN}, IP, ASSIGNER),
}
STATUSES = [NS, IP, AW, DN, SU]
ACTORS = [LEAD, ASSIGNER, None]
ON = dt.date(2021, 1, 4)

CASES = list(itertools.product(ALLOWED, STATUSES, ACTORS))
ALLOWED_CASES = [
    (action, status, actor)
    for action, status, actor in CASES
    if status in ALLOWED[action][0] and actor == ALLOWED[action][2]
]
FORBIDDEN_CASES = [case for case in CASES if case not in ALLOWED_CASES]


def test_the_table_names_every_status_and_every_action_of_the_map():
    """A status or an action the table does not know would go untested."""
    assert set(STATUSES) == set(Status.values)
    assert set(ALLOWED) == {str(action) for action in TRANSITIONS}


@pytest.mark.parametrize(("action", "status", "actor"), ALLOWED_CASES)
def test_allowed_transition(action, status, actor):
    assignment = Assignment(status=status)
    assert action in assignment.allowed_actions(actor)  # offered…
    before, after = assignment.apply_transition(action, actor=actor, on=ON)  # …and applied
    assert (before, after, assignment.status) == (status, ALLOWED[action][1], ALLOWED[action][1])


@pytest.mark.parametrize(("action", "status", "actor"), FORBIDDEN_CASES)
def test_forbidden_transition(action, status, actor):
    assignment = Assignment(status=status)
    assert action not in assignment.allowed_actions(actor)  # not offered…
    with pytest.raises(TransitionError) as error:
        assignment.apply_transition(action, actor=actor, on=ON)
    assert str(error.value)
    assert assignment.status == status


def test_suspend_is_allowed_while_awaiting_signoff():
    assignment = Assignment(status=Status.AWAITING_SIGNOFF)
    assert Action.SUSPEND in assignment.allowed_actions(Actor.ASSIGNER)
    assignment.apply_transition(Action.SUSPEND, actor=Actor.ASSIGNER, on=ON)
    assert assignment.status == Status.SUSPENDED


def test_counts_of_the_table():
    """11 allowed (action, status, actor) moves of the 120 combinations; the rest are refused."""
    assert (len(ALLOWED_CASES), len(FORBIDDEN_CASES)) == (11, 109)
