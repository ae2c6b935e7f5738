"""The access policy as a matrix: every URL × method × role against the expected outcome.

Walks every URL pattern of the project. A URL name missing from MATRIX (or an admin model
missing from ADMIN_MODELS) fails the suite, so a new page cannot ship unguarded. A denied
request must write nothing: every table's row count is compared, and no INSERT/UPDATE/DELETE
may run (the session's own expiry refresh aside).

Adding a URL is one entry:

    "assignment_detail": {
        "args": lambda w: [w.assignment.pk],
        "GET": roles(NOT_FOUND, anonymous=LOGIN, lead_staff=OK, coordinating_staff=OK,
                     leaders_inside=OK, inspector=OK, admin=OK),
        "POST": roles(NOT_ALLOWED, anonymous=LOGIN),
    },

`roles(default, **overrides)` fills every role with `default`, then groups (signed_in, staff,
leaders, leaders_inside), then single roles — later, narrower keys win. The world the requests
run in is tests/security/world.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.checks import changed_tables, row_counts, writes
from tests.security.world import (
    ADMIN,
    ANONYMOUS,
    ASSIGNER,
    COORDINATING_STAFF,
    LEAD_STAFF,
    LEADER_INSIDE,
    LEADER_OUTSIDE,
    ROLES,
    UNRELATED_STAFF,
    World,
    build_world,
)

# --- outcomes -----------------------------------------------------------------------------------
OK = 200
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
LOGIN = "→ sign-in"  # 302 to the application's sign-in page, with ?next=
ADMIN_LOGIN = "→ admin sign-in"  # 302 to the admin's sign-in page, with ?next=
REDIRECT = "→ elsewhere"  # any other 302: an allowed redirect
UNAUTHORIZED = 401  # the API without a session or token: JSON, never the sign-in page
BAD_REQUEST = 400  # the API's answer to an allowed write sent with an empty body
DENIALS = {FORBIDDEN, NOT_FOUND, NOT_ALLOWED, LOGIN, ADMIN_LOGIN, UNAUTHORIZED}

GROUPS: dict[str, tuple[str, ...]] = {
    "signed_in": tuple(r for r in ROLES if r != ANONYMOUS),
    "staff": (LEAD_STAFF, COORDINATING_STAFF, UNRELATED_STAFF),
    "leaders": (LEADER_INSIDE, LEADER_OUTSIDE, ASSIGNER),
    "leaders_inside": (LEADER_INSIDE, ASSIGNER),
    "non_admin": tuple(r for r in ROLES if r != ADMIN),
}


def roles(default, /, **overrides) -> dict[str, object]:
    """Expected outcome per role: `default`, then group keys, then single roles."""
    result = dict.fromkeys(ROLES, default)
    for key in sorted(overrides, key=lambda k: k not in GROUPS):  # groups first
        targets = GROUPS.get(key, (key,))
        unknown = set(targets) - set(ROLES)
        assert not unknown, f"roles(): unknown role or group {key!r}"
        for role in targets:
            result[role] = overrides[key]
    return result


EVERYONE_OK = roles(OK)
SIGNED_IN_OK = roles(OK, anonymous=LOGIN)
SIGNED_IN_NOT_ALLOWED = roles(NOT_ALLOWED, anonymous=LOGIN)
ADMIN_ONLY = roles(ADMIN_LOGIN, admin=OK)
# The world's assignment: led by lead_staff's unit (leader_inside leads it too), coordinated by
# coordinating_staff's, issued by the assigner's; unrelated units do not even learn it exists.
SEES_ASSIGNMENT = roles(
    NOT_FOUND,
    anonymous=LOGIN,
    lead_staff=OK,
    coordinating_staff=OK,
    leaders_inside=OK,
    inspector=OK,
    admin=OK,
)
LOGS_PROGRESS = roles(
    FORBIDDEN,
    anonymous=LOGIN,
    unrelated_staff=NOT_FOUND,
    leader_outside=NOT_FOUND,
    lead_staff=OK,
    coordinating_staff=OK,
    leader_inside=OK,
)
LEAD_ACTS = roles(
    FORBIDDEN,
    anonymous=LOGIN,
    unrelated_staff=NOT_FOUND,
    leader_outside=NOT_FOUND,
    lead_staff=OK,
    leader_inside=OK,
)
READS_DASHBOARD = roles(OK, anonymous=LOGIN, staff=FORBIDDEN)
# Periodic reports: the world's obligation has the lead unit report to the coordinating unit
# (the receiving office), under the assigner's document; the reporting unit submits, the
# receiving unit accepts or returns; everyone else who sees it only reads.
SEES_REPORT = SEES_ASSIGNMENT
SUBMITS_REPORT = roles(
    FORBIDDEN,
    anonymous=LOGIN,
    unrelated_staff=NOT_FOUND,
    leader_outside=NOT_FOUND,
    lead_staff=OK,
    leader_inside=OK,
)
REVIEWS_REPORT = roles(
    FORBIDDEN,
    anonymous=LOGIN,
    unrelated_staff=NOT_FOUND,
    leader_outside=NOT_FOUND,
    coordinating_staff=OK,
)
SPLITS = roles(
    FORBIDDEN,
    anonymous=LOGIN,
    unrelated_staff=NOT_FOUND,
    leader_outside=NOT_FOUND,
    leader_inside=OK,
)
DECIDES = roles(FORBIDDEN, anonymous=LOGIN, leader_outside=NOT_FOUND, assigner=OK)
# Requests for explanation (issue 17): the assigning body's leaders ask (the assignment is
# looked up first, so who cannot see it learns nothing); the lead unit answers.
ASKS_EXPLANATION = roles(
    FORBIDDEN, anonymous=LOGIN, unrelated_staff=NOT_FOUND, leader_outside=NOT_FOUND, assigner=OK
)
ANSWERS_EXPLANATION = LEAD_ACTS


# The API (issue 19) answers a client without a session or token with 401 JSON (whatever the
# method), and an allowed write sent with an empty body with 400 naming the fields; otherwise its
# rows are the pages' own, so the API can grant nothing the pages refuse.
def api(outcomes: dict, *, ok=OK) -> dict:
    """The pages' `outcomes` as the API gives them: sign-in → 401, allowed → `ok`."""
    swap = {LOGIN: UNAUTHORIZED, OK: ok}
    return {role: swap.get(outcome, outcome) for role, outcome in outcomes.items()}


API_READ = {
    "GET": api(SIGNED_IN_OK),
    "HEAD": api(SIGNED_IN_OK),
    "POST": api(SIGNED_IN_NOT_ALLOWED),
    "PUT": api(SIGNED_IN_NOT_ALLOWED),
    "DELETE": api(SIGNED_IN_NOT_ALLOWED),
}
API_READ_ONE = {**API_READ, "GET": api(SEES_ASSIGNMENT), "HEAD": api(SEES_ASSIGNMENT)}


def api_write(outcomes: dict) -> dict:
    return {
        "GET": api(SIGNED_IN_NOT_ALLOWED),
        "POST": api(outcomes, ok=BAD_REQUEST),
        "PUT": api(SIGNED_IN_NOT_ALLOWED),
        "DELETE": api(SIGNED_IN_NOT_ALLOWED),
    }


API_MATRIX: dict[str, dict] = {
    "api:schema": API_READ,
    # The docs are a page: without a session, the sign-in page (a token works too).
    "api:docs": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_OK,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "api:document_list": API_READ,
    "api:document_detail": {"args": lambda w: [w.document.pk], **API_READ_ONE},
    "api:directive_list": API_READ,
    "api:directive_detail": {"args": lambda w: [w.directive.pk], **API_READ_ONE},
    "api:assignment_list": API_READ,
    "api:assignment_detail": {"args": lambda w: [w.assignment.pk], **API_READ_ONE},
    "api:unit_list": API_READ,
    "api:calendar_resolve": {"query": "?phrase=31/12/2020", **API_READ},
    "api:dashboard": {
        **API_READ,
        "GET": api(READS_DASHBOARD),
        "HEAD": api(READS_DASHBOARD),
    },
    "api:assignment_progress": {"args": lambda w: [w.assignment.pk], **api_write(LOGS_PROGRESS)},
    "api:assignment_start": {"args": lambda w: [w.assignment.pk], **api_write(LEAD_ACTS)},
    "api:assignment_report_done": {"args": lambda w: [w.assignment.pk], **api_write(LEAD_ACTS)},
    "api:assignment_extension": {"args": lambda w: [w.assignment.pk], **api_write(LEAD_ACTS)},
    "api:assignment_decision": {"args": lambda w: [w.assignment.pk], **api_write(DECIDES)},
    "api:assignment_urge": {"args": lambda w: [w.assignment.pk], **api_write(DECIDES)},
    "api:extension_decision": {"args": lambda w: [w.extension.pk], **api_write(DECIDES)},
}

# --- the application's URLs ---------------------------------------------------------------------
# Keys: URL name; "args"/"query"/"data" optional (world → reverse args, query string, POST data);
# then one entry per HTTP method with the expected outcome for every role.
MATRIX: dict[str, dict] = {
    "home": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "login": {
        "GET": EVERYONE_OK,
        "HEAD": EVERYONE_OK,
        "POST": EVERYONE_OK,  # empty form: errors, nobody signed in
        "PUT": EVERYONE_OK,  # Django's FormView treats PUT as POST; the body is not read
        "DELETE": roles(NOT_ALLOWED),
    },
    "logout": {
        "GET": SIGNED_IN_NOT_ALLOWED,  # signing out is a POST with its CSRF token
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(REDIRECT, anonymous=LOGIN),
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "password_change": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_OK,
        "POST": SIGNED_IN_OK,  # empty form: errors, password unchanged
        "PUT": SIGNED_IN_OK,  # Django's FormView treats PUT as POST; the body is not read
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "password_change_done": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_OK,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    # The admin site's own pages (its per-model pages are in ADMIN_MODELS below).
    "admin:index": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin:login": {
        # Signed-in users without admin rights see the form with a "not authorised" note.
        "GET": roles(OK, admin=REDIRECT),
        "POST": EVERYONE_OK,  # empty form: errors
    },
    "admin:logout": {
        # Non-admins are sent to the admin index (and from there to its sign-in page).
        "GET": roles(REDIRECT, anonymous=ADMIN_LOGIN, admin=NOT_ALLOWED),
        "POST": roles(REDIRECT, anonymous=ADMIN_LOGIN),
    },
    "admin:password_change": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    "admin:password_change_done": {
        "GET": ADMIN_ONLY,
        "POST": roles(ADMIN_LOGIN, admin=NOT_ALLOWED),
    },
    "admin:jsi18n": {"GET": ADMIN_ONLY, "POST": roles(ADMIN_LOGIN, admin=NOT_ALLOWED)},
    "admin:autocomplete": {
        "query": "?app_label=directives&model_name=assignment&field_name=lead_unit&term=",
        "GET": ADMIN_ONLY,
        "POST": roles(ADMIN_LOGIN, admin=NOT_ALLOWED),
    },
    "admin:auth_user_password_change": {
        "args": lambda w: [w.users[LEAD_STAFF].pk],
        "GET": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=OK),
        "POST": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=OK),  # empty form: errors
    },
    "admin:view_on_site": {
        "args": lambda w: [ContentType.objects.get_for_model(w.lead_unit).pk, w.lead_unit.pk],
        "GET": roles(ADMIN_LOGIN, admin=NOT_FOUND),  # units have no public page
        "POST": roles(ADMIN_LOGIN, admin=NOT_FOUND),
    },
    "admin:app_list": {
        "args": lambda w: ["directives"],
        "GET": ADMIN_ONLY,
        "POST": ADMIN_ONLY,
    },
    # "Nhập văn bản": the admin's import page. Like the per-model pages, anonymous visitors meet
    # the site-wide sign-in first; signed-in users without admin rights the admin's.
    "admin:directives_document_import": {
        "GET": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=OK),
        "HEAD": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=NOT_ALLOWED),
        "POST": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=OK),  # empty form: errors, no import
    },
    # The language switcher is public (the sign-in page has it); it writes only a cookie.
    # --- Operations: the load balancer's health check (public) and the benchmark's yardstick.
    "healthz": {
        "GET": EVERYONE_OK,
        "HEAD": roles(NOT_ALLOWED),
        "POST": roles(NOT_ALLOWED),
    },
    # Prometheus metrics: no sign-in (the monitor has no session); the address decides
    # (DJANGO_METRICS_ALLOWED, default this host — the test client's 127.0.0.1). Other addresses:
    # tests/directives/operations/test_metrics.py.
    "metrics": {
        "GET": EVERYONE_OK,
        "HEAD": roles(NOT_ALLOWED),
        "POST": roles(NOT_ALLOWED),
    },
    "baseline": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    # The baseline's own yardstick: public, no session, no database.
    "bench_minimal": {
        "GET": EVERYONE_OK,
        "HEAD": roles(NOT_ALLOWED),
        "POST": roles(NOT_ALLOWED),
    },
    "set_language": {
        "GET": roles(REDIRECT),
        "POST": roles(REDIRECT),
    },
    # --- Staff: "Việc của đơn vị", the assignment page, progress, workflow, evidence files.
    "assignment_list": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_detail": {
        "args": lambda w: [w.assignment.pk],
        "GET": SEES_ASSIGNMENT,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_progress": {
        # Members of the lead and coordinating units; readers who only see it get 403.
        "args": lambda w: [w.assignment.pk],
        "GET": LOGS_PROGRESS,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": LOGS_PROGRESS,  # empty form: errors, nothing saved
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_start": {
        "args": lambda w: [w.assignment.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": LEAD_ACTS,  # empty form: errors, status unchanged
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_report_done": {
        "args": lambda w: [w.assignment.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": LEAD_ACTS,
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    # Sub-assignments (issue 17): a leader of the lead unit splits (its staff only where the unit
    # allows, which the world's does not); others who see the assignment are refused.
    "assignment_split": {
        "args": lambda w: [w.assignment.pk],
        "GET": SPLITS,
        "POST": SPLITS,  # empty form: errors, nothing created
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_extension": {
        "args": lambda w: [w.assignment.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": LEAD_ACTS,
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "attachment_download": {
        "args": lambda w: [w.assignment.pk, w.attachment.pk],
        "GET": SEES_ASSIGNMENT,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    # --- Search.
    "search_results": {
        "query": "?q=tet",
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    # --- Leaders: dashboard, its lists, decisions (the assigning body's leaders), reports.
    "dashboard": {
        "GET": READS_DASHBOARD,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "dashboard_assignments": {
        "GET": READS_DASHBOARD,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_decide": {
        "args": lambda w: [w.assignment.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": DECIDES,  # empty form: errors, nothing decided
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "assignment_urge": {
        "args": lambda w: [w.assignment.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": DECIDES,  # empty form: errors, nobody urged
    },
    "extension_decide": {
        "args": lambda w: [w.extension.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": DECIDES,  # empty form: errors, the request stays pending
    },
    "report_xlsx": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "report_csv": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "report_docx": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "urge_letter": {
        "GET": DECIDES,  # what the letter will say, and the reply date to fill in
        "POST": DECIDES,  # empty form: errors, no letter, nobody urged
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "report_print": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    # --- Accountability (issue 17): requests for explanation, the unit scorecard.
    "explanation_request": {
        "args": lambda w: [w.assignment.pk],
        "GET": ASKS_EXPLANATION,
        "POST": ASKS_EXPLANATION,  # empty form: errors, nothing asked
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "explanation_answer": {
        "args": lambda w: [w.open_explanation.pk],
        "GET": ANSWERS_EXPLANATION,
        "POST": ANSWERS_EXPLANATION,  # empty form: errors, nothing answered
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "explanation_file": {
        "args": lambda w: [w.answered_explanation.pk, w.explanation_file.pk],
        "GET": SEES_ASSIGNMENT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "scorecard": {
        "query": "?period=2021-Q1",
        "GET": READS_DASHBOARD,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "scorecard_xlsx": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "scorecard_docx": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    # --- Periodic reports (issue 18): who has not reported, the matrix, exports, submissions.
    "periodic_list": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "periodic_obligation": {
        "args": lambda w: [w.obligation.pk],
        "query": "?period=2020-Q4",
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "periodic_matrix": {
        "args": lambda w: [w.obligation.pk],
        "query": "?year=2020",
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "periodic_matrix_xlsx": {
        "args": lambda w: [w.obligation.pk],
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "periodic_compiled_docx": {
        "args": lambda w: [w.obligation.pk],
        "query": "?period=2020-Q4",
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "periodic_template": {
        "args": lambda w: [w.obligation.pk],
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "submission_detail": {
        "args": lambda w: [w.submitted_slot.pk],
        "GET": SEES_REPORT,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "submission_submit": {
        "args": lambda w: [w.open_slot.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": SUBMITS_REPORT,  # empty form: errors, nothing submitted
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "submission_review": {
        "args": lambda w: [w.submitted_slot.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": REVIEWS_REPORT,  # empty form: errors, nothing decided
        "PUT": SIGNED_IN_NOT_ALLOWED,
    },
    "submission_file": {
        "args": lambda w: [w.submitted_slot.pk, w.submission_file.pk],
        "GET": SEES_REPORT,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    # The overview across every document (/dashboard/ without doc): its lists and exports.
    "overview_assignments": {
        "query": "?group=overdue_unfinished&period=year",
        "GET": READS_DASHBOARD,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "overview_xlsx": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "overview_csv": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    "overview_print": {"GET": READS_DASHBOARD, "POST": SIGNED_IN_NOT_ALLOWED},
    # Where sign-in leads: a redirect for everyone signed in (the overview or home).
    "landing": {
        "GET": roles(REDIRECT, anonymous=LOGIN),
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    # --- Calendar: everyone's own month and own secret address.
    "calendar_month": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "calendar_subscription": {"GET": SIGNED_IN_OK, "POST": SIGNED_IN_NOT_ALLOWED},
    "calendar_subscription_renew": {
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(REDIRECT, anonymous=LOGIN),  # each renews their own, nobody else's
    },
    # Each user's own API tokens (issue 19): the page, and revoking (only one's own token).
    "api_tokens": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_OK,  # empty form: errors, no token made
        "PUT": SIGNED_IN_NOT_ALLOWED,
        "DELETE": SIGNED_IN_NOT_ALLOWED,
    },
    "api_token_revoke": {
        "args": lambda w: [w.api_token.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(REDIRECT, anonymous=LOGIN),  # each revokes only their own
    },
    # A large export made by a task (issue 19): its owner only; anyone else, not even a hint.
    "export_download": {
        "args": lambda w: [w.export.pk],
        "GET": roles(NOT_FOUND, anonymous=LOGIN, lead_staff=OK),
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "calendar_subscription_revoke": {
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(REDIRECT, anonymous=LOGIN),  # each revokes only their own
    },
    "calendar_feed": {
        # The token is the credential: no session needed, and it shows its owner's deadlines.
        "args": lambda w: [w.calendar_feed.token],
        "GET": EVERYONE_OK,
        "HEAD": roles(NOT_ALLOWED),
        "POST": roles(NOT_ALLOWED),
    },
    # --- Notifications: each user's own.
    "notification_list": {
        "GET": SIGNED_IN_OK,
        "HEAD": SIGNED_IN_NOT_ALLOWED,
        "POST": SIGNED_IN_NOT_ALLOWED,
    },
    "notification_bell": {
        "GET": SIGNED_IN_OK,  # anonymous: the sign-in page (htmx polling gets 286 instead)
        "POST": roles(NOT_ALLOWED),
    },
    "notification_read": {
        # The lead staff's notification: anyone else's marking is a 404, nothing changes.
        "args": lambda w: [w.notification.pk],
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(NOT_FOUND, anonymous=LOGIN, lead_staff=REDIRECT),
    },
    "notification_read_all": {
        "GET": SIGNED_IN_NOT_ALLOWED,
        "POST": roles(REDIRECT, anonymous=LOGIN),  # marks only the user's own
    },
}
# The API rows (above), checked like every page; tests/directives/api/test_token_matrix.py
# asks them again with each role's bearer token instead of a session.
MATRIX.update(API_MATRIX)

# --- the admin's per-model pages ----------------------------------------------------------------
# What the admin (superuser) may do with each registered model; everyone else is sent to the
# admin's sign-in page. "history_versions": the model is in the audit trail, so it has
# read-only version pages.
FULL = {"add": True, "change": True, "delete": True}
READ_ONLY = {"add": False, "change": False, "delete": False}
VIEW_AND_DELETE = {"add": False, "change": False, "delete": True}
# Every field read-only: the change form "saves" nothing and redirects back to the list.
READ_ONLY_FIELDS = "read-only fields"
NO_ADD = {"add": False, "change": READ_ONLY_FIELDS, "delete": True}
ADMIN_MODELS: dict[str, dict] = {
    "auth.user": {**FULL, "history_versions": True},
    "auth.group": {**FULL, "history_versions": True},
    "directives.unit": {**FULL, "history_versions": True},
    "directives.document": {**FULL, "history_versions": True},
    "directives.directive": {**FULL, "history_versions": True},
    "directives.assignment": {**FULL, "history_versions": True},
    "directives.membership": {**FULL, "history_versions": True},
    "directives.event": {**FULL, "history_versions": False},
    "directives.progressupdate": {**READ_ONLY, "history_versions": False},
    "directives.deadlinechange": {**READ_ONLY, "history_versions": False},
    "directives.extensionrequest": {**VIEW_AND_DELETE, "history_versions": True},
    "directives.reminder": {**VIEW_AND_DELETE, "history_versions": False},
    "directives.notification": {**VIEW_AND_DELETE, "history_versions": False},
    # Requests for explanation are asked and answered in the application (issue 17); the
    # scorecard's formula is one row set here (a second cannot be added).
    "directives.explanationrequest": {**VIEW_AND_DELETE, "history_versions": True},
    "directives.scorecardformula": {**FULL, "add": False, "history_versions": False},
    # Finished periods' stored scorecard counts: read, recounted by an action, or deleted.
    "directives.scoredperiod": {**VIEW_AND_DELETE, "history_versions": False},
    # Who subscribed a calendar: every field read-only, tokens never shown; revoke or delete.
    "directives.calendarfeed": {**NO_ADD, "history_versions": False},
    # Periodic reports: obligations are set up here; submissions only read (and deleted).
    "directives.reportingobligation": {**FULL, "history_versions": True},
    "directives.reportsubmission": {**VIEW_AND_DELETE, "history_versions": False},
    # django-axes' own admin: every field read-only, so "change" saves nothing.
    "axes.accessattempt": {**NO_ADD, "history_versions": False},
    "axes.accesslog": {**NO_ADD, "history_versions": False},
    "axes.accessfailurelog": {**NO_ADD, "history_versions": False},
    # API tokens (service accounts' are issued here), the API write log, webhooks (issue 19).
    "directives.apitoken": {**FULL, "history_versions": False},
    "directives.apiwrite": {**READ_ONLY, "history_versions": False},
    "directives.webhookendpoint": {**FULL, "history_versions": False},
    "directives.webhookdelivery": {**VIEW_AND_DELETE, "history_versions": False},
    # Background tasks (issue 19): django-tasks-db's own admin shows results, changes nothing.
    "django_tasks_database.dbtaskresult": {**READ_ONLY, "history_versions": False},
}
ADMIN_PAGES = ("changelist", "add", "change", "delete", "history", "simple_history")


def admin_model_spec(label: str, page: str) -> dict:
    """The expected outcomes of one admin page of one model, from its ADMIN_MODELS row."""
    caps = ADMIN_MODELS[label]
    model = apps.get_model(label)

    def first_pk(world: World):
        return model._default_manager.order_by("pk").values_list("pk", flat=True).first()

    def admin_gets(outcome, post=None):
        # Anonymous visitors meet the site-wide sign-in first (LoginRequiredMiddleware).
        return {
            "GET": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=outcome),
            "POST": roles(ADMIN_LOGIN, anonymous=LOGIN, admin=post or outcome),
        }

    if page == "changelist":
        return admin_gets(OK)
    if page == "add":
        return admin_gets(OK if caps["add"] else FORBIDDEN)
    if page == "history":
        return {"args": lambda w: [first_pk(w)], **admin_gets(OK)}
    if page == "change":
        # Without the change right the admin shows the object read-only and refuses a POST.
        post = {True: OK, READ_ONLY_FIELDS: REDIRECT, False: FORBIDDEN}[caps["change"]]
        return {"args": lambda w: [first_pk(w)], **admin_gets(OK, post)}
    if page == "delete":
        # An empty POST only shows the confirmation again; deleting needs post=yes.
        return {"args": lambda w: [first_pk(w)], **admin_gets(OK if caps["delete"] else FORBIDDEN)}
    if page == "simple_history":
        if not caps["history_versions"]:
            return {"args": lambda w: [first_pk(w), 1], **admin_gets(NOT_FOUND)}

        def version(w):
            pk = first_pk(w)
            versions = model.history.filter(**{model._meta.pk.attname: pk})
            return [pk, versions.values_list("history_id", flat=True).first()]

        # The old version is shown, never saved back: the trail is append-only.
        return {"args": version, **admin_gets(OK, FORBIDDEN)}
    raise AssertionError(page)


# --- walking the URLs ---------------------------------------------------------------------------


def walk(resolver=None, namespace="") -> list[tuple[str | None, str]]:
    """(qualified name or None, route) of every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found += [(n, str(pattern.pattern) + r) for n, r in walk(pattern, inner)]
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            found.append((name, str(pattern.pattern)))
    return found


def admin_page_of(name: str) -> tuple[str, str] | None:
    """("app.model", page) when `name` is a per-model admin URL, else None."""
    for model, _model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(info) and name[len(info) :] in ADMIN_PAGES:
            return model._meta.label_lower, name[len(info) :]
    return None


def spec_for(name: str) -> dict | None:
    if name in MATRIX:
        return MATRIX[name]
    page = admin_page_of(name)
    if page and page[0] in ADMIN_MODELS:
        return admin_model_spec(*page)
    return None


ALL_NAMES = sorted({name for name, _route in walk() if name})


def test_every_url_is_in_the_matrix():
    missing = [name for name in ALL_NAMES if spec_for(name) is None]
    assert not missing, (
        "These URLs have no row in the permission matrix. Add each to MATRIX in "
        f"tests/test_permission_matrix.py with the outcome for every role: {missing}"
    )


def test_every_url_has_a_name():
    # Unnamed patterns of the admin are its own redirects and catch-all; ours must be named so
    # the matrix can hold them.
    unnamed = [route for name, route in walk() if not name and not route.startswith("admin/")]
    assert not unnamed, f"Give these URL patterns a name (and a matrix row): {unnamed}"


def test_every_admin_model_is_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered - set(ADMIN_MODELS), (
        "Admin models without a row in ADMIN_MODELS (tests/test_permission_matrix.py): "
        f"{sorted(registered - set(ADMIN_MODELS))}"
    )
    assert not set(ADMIN_MODELS) - registered, "ADMIN_MODELS lists models no longer in the admin"


def test_matrix_has_no_stale_rows():
    assert not set(MATRIX) - set(ALL_NAMES), f"No such URL: {sorted(set(MATRIX) - set(ALL_NAMES))}"


# --- requesting -----------------------------------------------------------------------------------


def outcome_of(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")) and "next=" in location:
            return ADMIN_LOGIN
        if location.startswith(reverse("login")) and "next=" in location:
            return LOGIN
        return REDIRECT
    return response.status_code


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    """A world for one test (tests/directives/api/test_token_matrix.py)."""
    # A fast hasher for the world's users only: nine accounts per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"  # the world's evidence file
    return build_world()


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """One world for every URL of the matrix, inside a transaction rolled back at the end of
    the module; each test's own writes roll back to a savepoint (the test asks for ``db``), as
    in Django's TestCase.setUpTestData. Building it takes about a second (its stored
    scorecard), once instead of once per URL."""
    yield from rolled_back_world(django_db_blocker, tmp_path_factory)


def rolled_back_world(django_db_blocker, tmp_path_factory):
    """Build the world once inside a transaction rolled back when the generator ends (for a
    module-scoped fixture: this module's and the input sweep's)."""
    from django.conf import settings as django_settings
    from django.db import transaction

    saved = django_settings.PASSWORD_HASHERS, django_settings.MEDIA_ROOT
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")  # the world's evidence file
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    django_settings.PASSWORD_HASHERS, django_settings.MEDIA_ROOT = saved


class Clients:
    """One signed-in client per role, signed in again only after a request signed it out."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}

    def __getitem__(self, role: str) -> Client:
        client = self.clients.get(role)
        cookie = client.cookies.get("sessionid") if client is not None else None
        if client is None or (role != ANONYMOUS and not (cookie and cookie.value)):
            client = Client()
            if role != ANONYMOUS:
                client.force_login(self.world.users[role])
            self.clients[role] = client
        return client


def request_as(client: Client, role: str, method: str, url: str, data: dict) -> object:
    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method.lower())(url, data if method == "POST" else None)
    got = outcome_of(response)
    if got in DENIALS:
        changed = changed_tables(before, row_counts())
        assert not changed and not writes(queries), (
            f"{method} {url} as {role} was denied ({got}) but wrote: {changed or writes(queries)}"
        )
    return got


METHOD_NAMES = ("GET", "HEAD", "POST", "PUT", "DELETE")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_permission_matrix(matrix_world, db, name):
    world = matrix_world
    spec = spec_for(name)
    if spec is None:
        pytest.fail(f"{name} is not in the permission matrix (see test_every_url_is_in_the_matrix)")
    args: Callable[[World], list] | None = spec.get("args")
    url = reverse(name, args=args(world) if args else None) + spec.get("query", "")
    clients = Clients(world)
    mismatches = []
    for method in METHOD_NAMES:
        if method not in spec:
            continue
        for role in ROLES:
            expected = spec[method][role]
            got = request_as(clients[role], role, method, url, spec.get("data", {}))
            if got != expected:
                mismatches.append(f"{method} as {role}: expected {expected}, got {got}")
    assert not mismatches, f"{name} ({url}):\n  " + "\n  ".join(mismatches)


def matrix_size() -> tuple[int, int]:
    """(URL names, URL × method × role checks) — reported in SECURITY.md."""
    checks = 0
    for name in ALL_NAMES:
        spec = spec_for(name) or {}
        checks += sum(len(ROLES) for method in METHOD_NAMES if method in spec)
    return len(ALL_NAMES), checks
