"""Hostile input on the staff and leader forms: never a server error, nothing written on refusal.

The same helpers as tests/test_hostile_input.py (tests/security/hostile.py): each form is posted
with generated text, numbers and ids; a refused post must leave every table as it was.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from directives import actions
from tests.security.hostile import HOSTILE_FORM, hostile_form, hostile_text, post_hostile

NUMBERISH = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str), hostile_text(20), st.just("")
)


def versions(assignment):
    return st.one_of(st.just(str(assignment.version)), NUMBERISH)


def test_progress_form_survives_hostile_input(client, assignment, staff_user):
    client.force_login(staff_user)
    url = reverse("assignment_progress", args=[assignment.pk])

    @HOSTILE_FORM
    @given(
        data=hostile_form(
            {
                "note": hostile_text(),
                "percent": NUMBERISH,
                "difficulties": hostile_text(),
                "proposals": hostile_text(),
                "version": versions(assignment),
            }
        )
    )
    def check(data):
        post_hostile(client, url, data)

    check()


def test_lead_action_forms_survive_hostile_input(client, assignment, staff_user):
    client.force_login(staff_user)

    @HOSTILE_FORM
    @given(
        name=st.sampled_from(["assignment_report_done", "assignment_extension"]),
        data=hostile_form(
            {
                "note": hostile_text(),
                "new_deadline": st.one_of(hostile_text(60), st.just("trước Tết Nguyên đán 2021")),
                "reason": hostile_text(),
                "version": versions(assignment),
            }
        ),
    )
    def check(name, data):
        post_hostile(client, reverse(name, args=[assignment.pk]), data)

    check()


def test_leader_decision_forms_survive_hostile_input(client, assignment, staff_user, leader_user):
    actions.transition(assignment, "report_done", user=staff_user, note="Đã xong")
    request = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Chờ số liệu"
    )
    client.force_login(leader_user)
    targets = {
        "assignment_decide": assignment.pk,
        "assignment_urge": assignment.pk,
        "extension_decide": request.pk,
    }

    @HOSTILE_FORM
    @given(
        name=st.sampled_from(sorted(targets)),
        data=hostile_form(
            {
                "action": st.one_of(
                    st.sampled_from(["confirm", "refuse", "suspend", "resume"]), hostile_text(20)
                ),
                "decision": st.one_of(st.sampled_from(["approve", "refuse"]), hostile_text(20)),
                "note": hostile_text(),
                "message": hostile_text(),
                "filters": hostile_text(),
                "origin": hostile_text(40),
                "version": NUMBERISH,
            }
        ),
    )
    def check(name, data):
        post_hostile(client, reverse(name, args=[targets[name]]), data)

    check()
