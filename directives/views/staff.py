"""Staff (cán bộ) pages: "Việc của đơn vị", the assignment page, progress and workflow actions.

Every view starts from `Assignment.objects.visible_to(user)`, so another unit's assignment is a
404 whatever the method; who may write is asked of `directives.permissions` (403 otherwise); every
write goes through `directives.actions` with the version the user's form was built on.
One URL and one template serve the full page and, for htmx, the fragment named like its DOM id.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
    prefetch_related_objects,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from directives import actions, evidence, freshness, params, permissions
from directives.audit import assignment_audit
from directives.decision_forms import QUALITY_CHOICES
from directives.forms import (
    AssignmentFilterForm,
    ExtensionForm,
    ProgressForm,
    ReportDoneForm,
    StartForm,
)
from directives.leaders import regions
from directives.models import (
    Action,
    Actor,
    Assignment,
    Attachment,
    DeadlineChange,
    Directive,
    ExplanationRequest,
    ExtensionRequest,
    ProgressClosed,
    ProgressUpdate,
    Reminder,
    Standing,
    Status,
    TransitionError,
)
from directives.templatetags.tracker import by_directive
from directives.text import fold, shorten

PAGE_SIZE = 25

LIST_TEMPLATE = "directives/staff/assignment_list.html"
DETAIL_TEMPLATE = "directives/staff/assignment_detail.html"
PROGRESS_TEMPLATE = "directives/staff/assignment_progress.html"


def _fragment(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _template(request: HttpRequest, page: str, partial: str) -> str:
    return f"{page}#{partial}" if _fragment(request) else page


def _visible(request: HttpRequest, pk: int) -> Assignment:
    """The assignment if the user may see it; 404 otherwise, never a hint that it exists."""
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user)
        .select_related("directive__document", "lead_unit")
        .defer("directive__document__source_text"),  # a whole document, shown nowhere here
        pk=pk,
    )
    return permissions.fetched_visible_to(assignment, request.user)


def _changed(response: HttpResponse, assignment: Assignment, *, version: bool) -> HttpResponse:
    """Tell the page the assignment changed, so its other regions refresh themselves.

    With `version` the other forms on the page take the new version: it follows the user's own
    save, so nothing happened between what they saw and what they saved.
    """
    detail: dict[str, int] = {"id": assignment.pk}
    if version:
        detail["version"] = assignment.version
    response["HX-Trigger-After-Swap"] = json.dumps({"assignment-changed": detail})
    return response


# ---- "Việc của đơn vị" ----------------------------------------------------------------------


# Directives offered in the list's filter: the newest ones (a unit collects a thousand over the
# years at national size); an older one reached by a link is offered as well.
DIRECTIVE_CHOICES = 100


# Only the columns the labels use: a directive's text and its document's source text are long,
# and a unit has a directive for nearly every one of its assignments.
_CHOICE_COLUMNS = (
    "pk", "number", "title", "document_id", "document__number", "document__issue_date"
)  # fmt: skip


def _newest_directives(theirs, user, newest: int) -> list[tuple]:
    """The `newest` directives of what `user` sees (`theirs`), as label columns.

    Kept in the shared cache per visibility (everything, or a role in a unit: what
    `permissions.visible_assignments_filter` decides by) under the data version of what can
    change them (`freshness.REACH`: an assignment created, deleted, moved or with other
    coordinators; the epoch: a directive or document edited). Finding a province's newest
    hundred among its 10,000 directives cost 45 ms of its list's 95 ms at a million, on every
    page and filter change, while progress, deadlines and status — most writes — leave them as
    they are. Off with the other kept data (DJANGO_DASHBOARD_CACHE=0).
    """

    def read() -> list[tuple]:
        ordered = theirs.order_by("-document__issue_date", "document_id", "position", "pk")
        return list(ordered.values_list(*_CHOICE_COLUMNS)[:newest])

    if user is None:
        return read()
    if permissions.sees_everything(user):
        who = "all"
    elif (membership := permissions.membership_of(user)) is not None:
        who = f"{membership.role}:{membership.unit_id}"
    else:
        return read()
    return regions.kept("directive-choices", freshness.REACH, [who, str(newest)], read)


def _directive_choices(
    visible, selected: str = "", *, newest: int = DIRECTIVE_CHOICES, user=None
) -> list[tuple[int, str]]:
    """The directive filter's choices: the `newest` directives of the visible assignments (kept
    between requests when `user`, whom `visible` is for, is given), and the `selected` one when
    it is visible. The API shows no select, so it asks for none of the newest (`newest=0`):
    ordering a leader's directives cost 0.5 s at a million."""
    theirs = Directive.objects.filter(pk__in=visible.values("directive_id"))
    directives = _newest_directives(theirs, user, newest) if newest else []
    try:
        wanted = params.parse_int(selected, minimum=1, maximum=params.MAX_ID)
    except params.ParamError:
        wanted = None  # the filter reports it next to the field and ignores it
    if wanted is not None and all(row[0] != wanted for row in directives):
        directives += list(theirs.filter(pk=wanted).values_list(*_CHOICE_COLUMNS))
    several = len({row[3] for row in directives}) > 1
    choices = []
    for pk, number, title, _document, document_number, issue_date in directives:
        label = f"{number}. {shorten(title, 70)}"
        if several:
            source = document_number or issue_date.strftime("%d/%m/%Y")
            label = f"{source} — {label}"
        choices.append((pk, label))
    return choices


def _search(queryset, text: str):
    """Match with or without diacritics in the directive, the lead unit and the result."""
    folded = fold(text)
    return queryset.filter(
        Q(directive__search_text__contains=folded)
        | Q(lead_unit__search_text__contains=folded)
        | Q(expected_result__icontains=text)
        | Q(contact_person__icontains=text)
        | Q(directive__document__number__icontains=text)
    )


def _list_rows(user, ids: list[int], today: dt.date, lead_scope: Q | None) -> list[Assignment]:
    """The list's rows `ids`, in that order, with what the template shows of them."""
    progress_scope = permissions.progress_scope_filter(user)
    rows = (
        Assignment.objects.filter(pk__in=ids)
        .select_related("directive", "lead_unit")
        # Long text the list never shows.
        .defer(
            "search_title",
            "search_text",
            "directive__text",
            "directive__search_title",
            "directive__search_text",
            "lead_unit__aliases",
            "lead_unit__search_text",
        )
        .annotate(
            can_log=(
                ExpressionWrapper(progress_scope, output_field=BooleanField())
                if progress_scope is not None
                else Value(False, output_field=BooleanField())
            ),
            is_lead=(
                ExpressionWrapper(lead_scope, output_field=BooleanField())
                if lead_scope is not None
                else Value(False, output_field=BooleanField())
            ),
            pending_extension=Exists(
                ExtensionRequest.objects.filter(
                    assignment_id=OuterRef("pk"), state=ExtensionRequest.State.PENDING
                )
            ),
        )
        .standing_order(on=today)
    )
    position = {pk: i for i, pk in enumerate(ids)}
    rows = sorted(rows, key=lambda row: position[row.pk])
    # What each row shows, worked out here once per value rather than by a tag or a lazy label
    # per row: get_status_display() alone translates every choice on each call.
    status_labels = {value: str(label) for value, label in Status.choices}
    standing_labels = {value: str(label) for value, label in Standing.choices}
    for row in rows:
        row.status_label = status_labels.get(row.status, row.status)
        row.standing_label = standing_labels.get(row.standing_value, "")
        row.detail_url = reverse("assignment_detail", args=[row.pk])
        # Awaiting sign-off, done and suspended work takes no progress (TAKES_PROGRESS).
        offered = row.can_log and row.takes_progress
        row.progress_url = reverse("assignment_progress", args=[row.pk]) if offered else ""
    return rows


def filter_assignments(visible, filters: dict, *, lead_scope: Q | None, today: dt.date):
    """The list's filters (the valid values of `AssignmentFilterForm`) applied to `visible`, in
    the list's order (standing as of `today`, each row annotated with `standing_value`).

    The one home of what each filter means: the page and the API (directives/api) both use it.
    """
    rows = visible
    if filters.get("q"):
        rows = _search(rows, filters["q"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("directive"):
        rows = rows.filter(directive_id=filters["directive"])
    if lead_scope is not None and filters.get("role") == AssignmentFilterForm.ROLE_LEAD:
        rows = rows.filter(lead_scope)
    elif lead_scope is not None and filters.get("role") == AssignmentFilterForm.ROLE_COORDINATING:
        rows = rows.exclude(lead_scope)
    rows = rows.standing_order(on=today)
    if filters.get("standing"):
        rows = rows.filter(standing_value=filters["standing"])
    return rows


@require_GET
@vary_on_headers("HX-Request")
def assignment_list(request: HttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    visible = Assignment.objects.visible_to(request.user)
    lead_scope = permissions.lead_scope_filter(request.user)
    form = AssignmentFilterForm(
        request.GET,
        directive_choices=_directive_choices(
            visible, request.GET.get("directive", ""), user=request.user
        ),
        show_role=lead_scope is not None,
    )
    filters = form.filters()
    rows = filter_assignments(visible, filters, lead_scope=lead_scope, today=today)

    # No COUNT: fetch one row more than a page to know whether a next page exists.
    page = params.lenient_int(
        request, request.GET, "page", default=1, minimum=1, maximum=params.MAX_PAGE
    )
    offset = (page - 1) * PAGE_SIZE
    # The page's ids first, then those rows with what they show: joining the directive and the
    # unit, and asking the per-row questions, for every visible row before the LIMIT costs
    # time in proportion to all the unit's assignments (docs/performance.md).
    ids = list(rows.values_list("pk", flat=True)[offset : offset + PAGE_SIZE + 1])
    has_next = len(ids) > PAGE_SIZE
    ids = ids[:PAGE_SIZE]
    fetched = _list_rows(request.user, ids, today, lead_scope) if ids else []

    query = {k: v for k, v in request.GET.items() if k != "page" and v}

    def page_url(number: int) -> str:
        params = {**query, "page": number} if number > 1 else query
        base = reverse("assignment_list")
        return f"{base}?{urlencode(params)}" if params else base

    return TemplateResponse(
        request,
        _template(request, LIST_TEMPLATE, "assignment-list"),
        {
            "form": form,
            "rows": fetched,
            "groups": by_directive(fetched),
            "today": today,
            "page": page,
            "next_url": page_url(page + 1) if has_next else None,
            "previous_url": page_url(page - 1) if page > 1 else None,
            "filtered": bool(filters),
            "show_role": lead_scope is not None,
            "list_url": request.get_full_path(),
        },
    )


# ---- The assignment page ---------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: dt.datetime
    # progress | workflow | reported | signoff | refused | undone | reopened | extension |
    # decision | reminder
    kind: str
    item: Any
    order: int = 0  # ties at the same moment: the decision after its request, and so on


def _timeline(assignment: Assignment) -> tuple[list[TimelineEntry], list[ExtensionRequest]]:
    """Progress updates (with files), workflow changes, sign-offs, extension requests and
    decisions, and reminders, newest first, in a fixed number of queries."""
    updates = list(
        ProgressUpdate.objects.filter(assignment=assignment).select_related("author", "unit")
    )
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(assignment=assignment):
        files.setdefault(attachment.update_id, []).append(attachment)
    entries: list[TimelineEntry] = []
    for update in updates:
        update.files = files.get(update.pk, [])
        kind = "progress"
        if update.changes_workflow:
            kind = "workflow"
            if update.status_after == Status.DONE:
                kind = "signoff"
            elif update.status_before == Status.AWAITING_SIGNOFF and (
                update.status_after == Status.IN_PROGRESS
            ):
                kind = "refused"
            elif update.status_before == Status.DONE:
                # A confirmation undone (back to awaiting) or the work reopened.
                kind = "undone" if update.status_after == Status.AWAITING_SIGNOFF else "reopened"
            elif update.status_after == Status.AWAITING_SIGNOFF:
                kind = "reported"
        entries.append(TimelineEntry(update.created_at, kind, update))
    requests = list(
        ExtensionRequest.objects.filter(assignment=assignment).select_related(
            "requested_by", "decided_by"
        )
    )
    for request in requests:
        entries.append(TimelineEntry(request.requested_at, "extension", request))
        if request.decided_at is not None:
            entries.append(TimelineEntry(request.decided_at, "decision", request, order=1))
    for reminder in Reminder.objects.filter(assignment=assignment).select_related("sent_by"):
        entries.append(TimelineEntry(reminder.created_at, "reminder", reminder))
    # Requests for explanation and their answers (issue 17).
    for explanation in _explanations(assignment):
        entries.append(TimelineEntry(explanation.asked_at, "explanation", explanation))
        if explanation.answered_at is not None:
            entries.append(
                TimelineEntry(explanation.answered_at, "explained", explanation, order=1)
            )
    entries.sort(key=lambda e: (e.at, e.order, getattr(e.item, "pk", 0)), reverse=True)
    return entries, requests


def _explanations(assignment: Assignment) -> list[ExplanationRequest]:
    """The assignment's requests for explanation with their files, newest first (two queries,
    remembered on the object so the timeline and the explanations card share them)."""
    if not hasattr(assignment, "_explanations"):
        assignment._explanations = list(
            ExplanationRequest.objects.filter(assignment=assignment)
            .select_related("asked_by", "answered_by")
            .prefetch_related("files")
        )
    return assignment._explanations


@dataclass
class CoordinatingReport:
    """A coordinating unit and its latest report of its own part (None: it never reported)."""

    unit: Any
    latest: ProgressUpdate | None


def _coordinating_reports(units: list, timeline: list[TimelineEntry]) -> list[CoordinatingReport]:
    """Each coordinating unit with its latest own report, read from the timeline already
    fetched (newest first), so the page asks nothing more however many units there are."""
    latest: dict[int, ProgressUpdate] = {}
    for entry in timeline:
        item = entry.item
        if isinstance(item, ProgressUpdate) and item.coordinating and item.unit_id is not None:
            latest.setdefault(item.unit_id, item)
    return [CoordinatingReport(unit, latest.get(unit.pk)) for unit in units]


def _live_context(assignment: Assignment, today: dt.date) -> dict[str, Any]:
    timeline, requests = _timeline(assignment)
    coordinating_units = list(assignment.coordinating_units.all())
    return {
        "timeline": timeline,
        "deadline_changes": list(
            DeadlineChange.objects.filter(assignment=assignment).select_related("changed_by")
        ),
        "extension_requests": requests,
        "coordinating_units": coordinating_units,
        "coordinating_reports": _coordinating_reports(coordinating_units, timeline),
        "standing": assignment.standing(on=today),
        "explanations": _explanations(assignment),
    }


def _progress_context(
    user, assignment: Assignment, *, form: ProgressForm | None = None, coordinating_reports=None
) -> dict[str, Any]:
    """The progress form as this user may use it: the lead unit's percent of the assignment, or
    a coordinating unit's report of its own part; none at all when the assignment takes no
    progress now (awaiting sign-off, done, suspended), with the reason instead."""
    coordinating = not permissions.is_lead_member(user, assignment)
    if form is None and assignment.takes_progress:
        own = None
        if coordinating:
            membership = permissions.membership_of(user)
            unit_id = membership.unit_id if membership is not None else None
            if coordinating_reports is not None:
                own = next((r.latest for r in coordinating_reports if r.unit.pk == unit_id), None)
            else:
                own = (
                    ProgressUpdate.objects.filter(
                        assignment=assignment, coordinating=True, unit_id=unit_id
                    )
                    .only("percent")
                    .first()
                )
        form = ProgressForm(
            assignment=assignment, coordinating=coordinating, own_percent=own and own.percent
        )
    return {
        "progress_form": form,
        "progress_closed": assignment.progress_closed_message,
        "reports_coordinating": coordinating,
    }


def _panel_context(
    request: HttpRequest, assignment: Assignment, requests=None, **forms
) -> dict[str, Any]:
    """The workflow panel of the lead unit: which actions the one rule allows now.

    `requests` are the assignment's extension requests when the page already fetched them.
    """
    is_lead = permissions.is_lead_member(request.user, assignment)
    allowed = assignment.allowed_actions(Actor.LEAD) if is_lead else []
    if requests is None:
        requests = assignment.extension_requests.filter(state=ExtensionRequest.State.PENDING)
    pending = next((r for r in requests if r.state == ExtensionRequest.State.PENDING), None)
    return {
        "is_lead": is_lead,
        "can_start": Action.START in allowed,
        "can_report": Action.REPORT_DONE in allowed,
        "can_extend": is_lead and pending is None and assignment.status != Status.DONE,
        "pending_extension": pending,
        "start_form": forms.get("start_form") or StartForm(assignment=assignment),
        "report_form": forms.get("report_form") or ReportDoneForm(assignment=assignment),
        "extension_form": forms.get("extension_form") or ExtensionForm(assignment=assignment),
        "leader": _leader_context(request, assignment),
    }


def _leader_context(request: HttpRequest, assignment: Assignment) -> dict[str, Any] | None:
    """The sign-off decisions the assigning body's leader may take here (None for others):
    confirm or refuse a completion report, undo their own recent confirmation, reopen."""
    user = request.user
    if not permissions.can_decide(user) or not permissions.is_assigner(user, assignment):
        return None
    allowed = assignment.allowed_actions(Actor.ASSIGNER)
    now = timezone.now()
    move = actions.latest_move(assignment) if assignment.status == Status.DONE else None
    can_undo = move is not None and actions.can_undo_confirm(assignment, user, at=now, move=move)
    return {
        "can_confirm": Action.CONFIRM in allowed,
        "below": assignment.percent < 100,
        "can_undo": can_undo,
        "undo_until": actions.undo_deadline(move) if can_undo else None,
        "can_reopen": Action.REOPEN in allowed,
        "quality_choices": QUALITY_CHOICES,
    }


def _conflict(current: Assignment) -> dict[str, Any]:
    """What the other person changed: the latest update, the status and percent now."""
    latest = (
        ProgressUpdate.objects.filter(assignment=current).select_related("author", "unit").first()
    )
    return {
        "assignment": current,
        "latest": latest,
        "who": _author_label(latest) if latest is not None else "",
        "pending": current.extension_requests.filter(state=ExtensionRequest.State.PENDING).first(),
    }


def _author_label(update: ProgressUpdate) -> str:
    """Who wrote an update, for the conflict note: the person; their unit when the person is
    gone (a deleted account) or the history was seeded; "Hệ thống" when neither is known."""
    author = update.author
    if author is not None:
        return author.get_full_name() or author.username
    if update.unit_id is not None:
        return update.unit.name
    return _("Hệ thống")


def _detail_response(
    request: HttpRequest,
    assignment: Assignment,
    partial: str | None,
    *,
    conflict: dict | None = None,
    done_message: str = "",
    refused: str = "",
    **forms,
) -> TemplateResponse:
    """The assignment page, or one of its fragments when htmx asks for it."""
    today = timezone.localdate()
    fragment = partial is not None and _fragment(request)
    live = not fragment or partial == "assignment-live"
    if live:
        # The page lists them; fetched first, they also answer can_log_progress.
        prefetch_related_objects([assignment], "coordinating_units")
    can_log = permissions.can_log_progress(request.user, assignment)
    context: dict[str, Any] = {
        "assignment": assignment,
        "today": today,
        "can_log": can_log,
        # Inspectors and admins read everything here and write nothing.
        "reads_only": permissions.sees_everything(request.user),
        "conflict": conflict,
        "done_message": done_message,
        "refused": refused,
    }
    if live:
        context.update(_live_context(assignment, today))
        from directives.cascade.views import page_context

        context.update(page_context(request.user, assignment, on=today))
        context["can_ask_explanation"] = (
            assignment.status != Status.DONE
            and permissions.can_request_explanation(request.user, assignment)
        )
        context["can_answer_explanation"] = permissions.can_answer_explanation(
            request.user, assignment
        )
        # Who changed what, from where: for leaders who see the assignment and for admins.
        if permissions.can_view_audit(request.user, assignment):
            context["audit"] = assignment_audit(assignment)
            context["assignment_model_name"] = str(Assignment._meta.verbose_name)
    # A refresh of the live region leaves the forms as they are in the page (hx-preserve).
    context["live_only"] = fragment and partial == "assignment-live"
    if not context["live_only"]:
        requests = context.get("extension_requests")
        context.update(_panel_context(request, assignment, requests, **forms))
    if not fragment and can_log:
        context.update(
            _progress_context(
                request.user,
                assignment,
                form=forms.get("progress_form"),
                coordinating_reports=context.get("coordinating_reports"),
            )
        )
    template = f"{DETAIL_TEMPLATE}#{partial}" if fragment else DETAIL_TEMPLATE
    return TemplateResponse(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def assignment_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    assignment = _visible(request, pk)
    return _detail_response(request, assignment, "assignment-live")


# ---- Progress --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def assignment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Log progress: a page of its own without JavaScript, a fragment on the assignment page and
    in the list's dialog with htmx. Members of the lead and coordinating units only."""
    assignment = _visible(request, pk)
    if not permissions.can_log_progress(request.user, assignment):
        raise PermissionDenied
    conflict = None
    saved = False
    form = None
    coordinating = not permissions.is_lead_member(request.user, assignment)
    # Work that takes no progress now is refused before the form is even read, so the answer
    # is the reason, not field errors; nothing is written (see TAKES_PROGRESS).
    if request.method == "POST" and assignment.takes_progress:
        form = ProgressForm(
            request.POST, request.FILES, assignment=assignment, coordinating=coordinating
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_progress_with_files(
                    assignment,
                    user=request.user,
                    files=[upload for upload, _kind in data["files"]],
                    note=data["note"],
                    percent=data["percent"],
                    difficulties=data["difficulties"],
                    proposals=data["proposals"],
                    expected_version=data["version"],
                )
            except actions.VersionConflict as error:
                conflict = _conflict(error.current)
                form.refresh_version(error.current.version)
            except ProgressClosed as error:
                # The status moved while the form was being filled in.
                assignment.status = error.status
                form = None
            except evidence.EvidenceError as error:
                form.add_error("files", str(error))
            except actions.PermissionDenied as error:
                raise PermissionDenied from error
            else:
                if not _fragment(request):
                    messages.success(request, _("Đã lưu cập nhật tiến độ."))
                    return HttpResponseRedirect(
                        reverse("assignment_detail", args=[assignment.pk]) + "#timeline"
                    )
                saved = True
                form = None
    response = TemplateResponse(
        request,
        _template(request, PROGRESS_TEMPLATE, "progress-form"),
        {
            "assignment": assignment,
            **_progress_context(request.user, assignment, form=form),
            "progress_conflict": conflict,
            "saved": saved,
            "today": timezone.localdate(),
        },
    )
    if saved or conflict:
        # A coordinating report leaves the assignment's version as it was.
        _changed(response, assignment, version=saved and not coordinating)
    return response


# ---- Workflow actions of the lead unit -------------------------------------------------------


def _workflow_post(request: HttpRequest, pk: int, form_name: str, form_class, perform, done):
    """Shared course of the lead unit's actions: scope, permission, form, action, answer."""
    assignment = _visible(request, pk)
    if not permissions.is_lead_member(request.user, assignment):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, assignment=assignment)
    conflict = None
    refused = ""
    if form.is_valid():
        try:
            perform(assignment, form.cleaned_data)
        except actions.VersionConflict as error:
            conflict = _conflict(error.current)
            form.refresh_version(error.current.version)
            assignment = error.current
        except evidence.EvidenceError as error:
            form.add_error("files", str(error))
        except TransitionError as error:
            # Shown at the top of the panel: the form it came from may no longer be offered.
            refused = str(error)
        except actions.PermissionDenied as error:
            raise PermissionDenied from error
        else:
            if not _fragment(request):
                messages.success(request, done)
                return HttpResponseRedirect(reverse("assignment_detail", args=[assignment.pk]))
            response = _detail_response(request, assignment, "workflow-panel", done_message=done)
            return _changed(response, assignment, version=True)
    response = _detail_response(
        request,
        assignment,
        "workflow-panel",
        conflict=conflict,
        refused=refused,
        **{form_name: form},
    )
    return _changed(response, assignment, version=False) if conflict else response


@require_POST
@vary_on_headers("HX-Request")
def assignment_start(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(assignment, data):
        actions.transition(
            assignment,
            Action.START,
            user=request.user,
            note="",
            expected_version=data["version"],
        )

    return _workflow_post(
        request, pk, "start_form", StartForm, perform, _("Đã chuyển sang “Đang thực hiện”.")
    )


@require_POST
@vary_on_headers("HX-Request")
def assignment_report_done(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(assignment, data):
        actions.transition_with_files(
            assignment,
            Action.REPORT_DONE,
            user=request.user,
            files=[upload for upload, _kind in data["files"]],
            note=data["note"],
            expected_version=data["version"],
        )

    return _workflow_post(
        request,
        pk,
        "report_form",
        ReportDoneForm,
        perform,
        _("Đã báo cáo hoàn thành; nhiệm vụ chờ lãnh đạo xác nhận."),
    )


@require_POST
@vary_on_headers("HX-Request")
def assignment_extension(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(assignment, data):
        resolved = data["new_deadline"]
        actions.request_extension(
            assignment,
            user=request.user,
            new_deadline=resolved.date,
            basis=resolved.basis,
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _workflow_post(
        request,
        pk,
        "extension_form",
        ExtensionForm,
        perform,
        _("Đã gửi đề nghị gia hạn; chờ lãnh đạo quyết định."),
    )


# ---- Evidence files --------------------------------------------------------------------------


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """An evidence file, to whoever may see its assignment, always as a download."""
    assignment = _visible(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, assignment=assignment)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Never rendered by the browser, whatever the file holds.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
