"""The API's endpoints. Each one is a thin door onto what the pages already do:

- scoping: `Assignment.objects.visible_to(user)` and `directives.permissions`, through the same
  helpers the pages use (`staff._visible`, `leaders._decidable_assignment`, …): 404 for what the
  user may not see, 403 for what they may see but not do;
- input: the pages' own forms (ProgressForm, ExtensionForm, TransitionForm, …), so a rule of
  what is valid lives in one place; their errors come back as 400 JSON naming the field;
- writes: `directives.actions`, with the version the client read (409 when it is stale);
- lists: keyset pagination on the id (`after` = the last id of the previous page), so a page
  costs the same at any depth.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from directives import actions, permissions
from directives.api import schema  # noqa: F401 - registers the auth schemes
from directives.api import serializers as s
from directives.api.errors import FieldErrors, form_errors
from directives.decision_forms import (
    DECISIONS,
    ExtensionDecisionForm,
    TransitionForm,
    UrgeForm,
)
from directives.fields import DeadlineField
from directives.forms import (
    AssignmentFilterForm,
    ExtensionForm,
    ProgressForm,
    ReportDoneForm,
    StartForm,
)
from directives.leaders import views as leaders
from directives.leaders.dashboard import Dashboard
from directives.leaders.reporting import build_report
from directives.models import Action, ApiToken, ApiWrite, Assignment, ProgressClosed
from directives.views import staff

LONG_TEXT = (
    "search_title",
    "search_text",
    "directive__text",
    "directive__search_title",
    "directive__search_text",
    "lead_unit__aliases",
    "lead_unit__search_text",
)
ERRORS = {
    400: OpenApiResponse(description="Bad input: `errors` names each field"),
    401: OpenApiResponse(description="No or bad token"),
    403: OpenApiResponse(description="Not allowed (or a read-only token)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
    429: OpenApiResponse(description="Rate limit: see Retry-After"),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(
        description="Stale `version` (`current_version` given) or refused by the workflow"
    ),
}


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _page(request, queryset, serializer_class, *, after: int | None, limit: int, context=None):
    """One keyset page: rows with id > `after`, in id order, and the link to the next page."""
    if after:
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        query = request.query_params.copy()
        query["after"] = str(rows[-1].pk)
        next_url = request.build_absolute_uri(request.path + "?" + query.urlencode())
    data = serializer_class(rows, many=True, context=context or {}).data
    return Response({"results": data, "next": next_url})


def _form_data(request) -> QueryDict | dict:
    """The body as a form reads it: a multipart/urlencoded body as it is, a JSON object with
    each value as text (a nested value is refused, naming its field)."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise FieldErrors({"non_field_errors": [_("Nội dung phải là một đối tượng JSON.")]})
    flat = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list | dict):
            raise FieldErrors({str(key): [_("Giá trị phải là chữ hoặc số.")]})
        if value is None:
            continue
        flat[str(key)] = "on" if value is True else ("" if value is False else str(value))
    return flat


class ApiView(APIView):
    """Logs every write that succeeded, with the token's name, for the audit trail."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS") and 200 <= response.status_code < 300:
            token = request.auth if isinstance(request.auth, ApiToken) else None
            user = request.user if request.user.is_authenticated else None
            ApiWrite.objects.create(
                user=user,
                username=user.get_username() if user else "",
                token=token,
                token_name=token.name if token else _("(phiên đăng nhập)"),
                method=request.method,
                path=request.path[:300],
                status=response.status_code,
                assignment_id=kwargs.get("pk") if "assignment" in request.path else None,
            )
        return response


# --- reads ----------------------------------------------------------------------------------


class DocumentList(ApiView):
    @extend_schema(
        operation_id="documents_list",
        parameters=[s.PageQuery],
        responses={200: s.page_of(s.DocumentSerializer), **ERRORS},
    )
    def get(self, request):
        """Documents with at least one assignment you may see."""
        query = _query(s.PageQuery, request)
        documents = permissions.visible_documents(request.user).defer("source_text")
        return _page(
            request, documents, s.DocumentSerializer, after=query.get("after"), limit=query["limit"]
        )


class DocumentDetail(ApiView):
    @extend_schema(responses={200: s.DocumentSerializer, **ERRORS})
    def get(self, request, pk: int):
        document = permissions.visible_documents(request.user).defer("source_text").filter(pk=pk)
        return Response(s.DocumentSerializer(_one(document)).data)


def _one(queryset):
    from django.http import Http404

    found = queryset.first()
    if found is None:
        raise Http404
    return found


class DirectiveList(ApiView):
    @extend_schema(
        operation_id="directives_list",
        parameters=[s.DirectiveQuery],
        responses={200: s.page_of(s.DirectiveSerializer), **ERRORS},
    )
    def get(self, request):
        """Directives with at least one assignment you may see (optionally of one document)."""
        query = _query(s.DirectiveQuery, request)
        directives = permissions.visible_directives(request.user).defer(
            "search_title", "search_text"
        )
        if query.get("document"):
            directives = directives.filter(document_id=query["document"])
        return _page(
            request,
            directives,
            s.DirectiveSerializer,
            after=query.get("after"),
            limit=query["limit"],
        )


class DirectiveDetail(ApiView):
    @extend_schema(responses={200: s.DirectiveSerializer, **ERRORS})
    def get(self, request, pk: int):
        directives = permissions.visible_directives(request.user).filter(pk=pk)
        return Response(s.DirectiveSerializer(_one(directives)).data)


class AssignmentList(ApiView):
    @extend_schema(
        operation_id="assignments_list",
        parameters=[s.AssignmentQuery],
        responses={200: s.page_of(s.AssignmentSerializer), **ERRORS},
    )
    def get(self, request):
        """Assignments you may see, with the filters of “Việc của đơn vị” (same meaning: the
        page's filter code), plus `unit` (the lead unit); keyset pages by id."""
        query = _query(s.AssignmentQuery, request)
        today = timezone.localdate()
        visible = Assignment.objects.visible_to(request.user)
        lead_scope = permissions.lead_scope_filter(request.user)
        form = AssignmentFilterForm(
            request.query_params,
            # Only the asked-for directive, checked to be visible: no select to fill here.
            directive_choices=staff._directive_choices(
                visible, request.query_params.get("directive", ""), newest=0
            ),
            show_role=lead_scope is not None,
        )
        if not form.is_valid():
            raise form_errors(form)
        rows = staff.filter_assignments(visible, form.filters(), lead_scope=lead_scope, today=today)
        if query.get("unit"):
            rows = rows.filter(lead_unit_id=query["unit"])
        rows = rows.select_related("directive", "lead_unit").defer(*LONG_TEXT)
        return _page(
            request, rows, s.AssignmentSerializer, after=query.get("after"), limit=query["limit"]
        )


class AssignmentDetail(ApiView):
    @extend_schema(responses={200: s.AssignmentDetailSerializer, **ERRORS})
    def get(self, request, pk: int):
        """One assignment with its timeline (newest first), as on its page."""
        assignment = staff._visible(request, pk)
        standing = (
            Assignment.objects.filter(pk=pk)
            .with_standing(on=timezone.localdate())
            .values_list("standing_value", flat=True)
            .first()
        )
        assignment.standing_value = standing
        timeline, _requests = staff._timeline(assignment)
        return Response(
            s.AssignmentDetailSerializer(assignment, context={"timeline": timeline}).data
        )


class UnitList(ApiView):
    @extend_schema(
        operation_id="units_list",
        parameters=[s.PageQuery],
        responses={200: s.page_of(s.UnitSerializer), **ERRORS},
    )
    def get(self, request):
        """The units (the organisation chart is not confidential)."""
        query = _query(s.PageQuery, request)
        units = permissions.visible_units(request.user).defer("aliases", "search_text")
        return _page(
            request, units, s.UnitSerializer, after=query.get("after"), limit=query["limit"]
        )


class CalendarForm(forms.Form):
    phrase = DeadlineField(required=True)


class CalendarResolve(ApiView):
    @extend_schema(parameters=[s.CalendarQuery], responses={200: s.ResolvedSerializer, **ERRORS})
    def get(self, request):
        """Read a deadline phrase (“trước Tết Nguyên đán 2021”) as the deadline fields do."""
        form = CalendarForm(request.query_params)
        if not form.is_valid():
            raise form_errors(form)
        resolved = form.cleaned_data["phrase"]
        return Response({"date": resolved.date, "basis": resolved.basis, "text": str(resolved)})


class DashboardCounts(ApiView):
    @extend_schema(parameters=[s.DashboardQuery], responses={200: s.DashboardSerializer, **ERRORS})
    def get(self, request):
        """The dashboard's counts by reporting group and list, as of a date (today by default)."""
        if not permissions.can_view_dashboard(request.user):
            raise actions.PermissionDenied(_("Chỉ lãnh đạo, kiểm tra và quản trị xem số liệu."))
        data = request.query_params.copy()
        if not data.get("on"):
            data["on"] = timezone.localdate().isoformat()
        report = build_report(request.user, data)
        errors = {name: [str(m) for m in msgs] for name, msgs in report.form.errors.items()}
        if report.on_error:
            errors["on"] = [report.on_error]
        if errors:
            raise FieldErrors(errors)
        dashboard = Dashboard(report) if report.has_figures else None
        totals = dashboard.totals if dashboard is not None else None
        rate = totals.rate if totals is not None else None

        def row(r) -> dict:
            r_rate = r.counts.rate
            return {
                "id": r.key,
                "label": r.label,
                "counts": dict(r.counts.values),
                "rate": float(r_rate) if r_rate is not None else None,
            }

        return Response(
            {
                "document": report.document.pk if report.document else None,
                "on": report.on,
                "counts": dict(totals.values) if totals is not None else {},
                "rate": float(rate) if rate is not None else None,
                "directives": [row(r) for r in dashboard.directive_rows] if dashboard else [],
            }
        )


# --- writes ---------------------------------------------------------------------------------


def _result(
    assignment: Assignment, entry, code=status.HTTP_200_OK, *, fresh: bool = False
) -> Response:
    """The answer to a write: the assignment's version, status and percent now. `fresh`: the
    action has just saved them onto `assignment` (a lead unit's progress), so they are not
    read again."""
    if not fresh:
        assignment.refresh_from_db(fields=["version", "status", "percent"])
    return Response(
        {
            "assignment": assignment.pk,
            "version": assignment.version,
            "status": assignment.status,
            "percent": assignment.percent,
            "entry": getattr(entry, "pk", None),
        },
        status=code,
    )


def _checked(form_class, request, **kwargs):
    form = form_class(_form_data(request), request.FILES, prefix="", **kwargs)
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


class AssignmentProgress(ApiView):
    @extend_schema(
        request={"multipart/form-data": s.ProgressBody, "application/json": s.ProgressBody},
        responses={201: s.WriteResult, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        """Log progress (with up to five evidence files, multipart). A coordinating unit's
        report is kept as its own part and does not move the assignment's percent."""
        assignment = staff._visible(request, pk)
        if not permissions.can_log_progress(request.user, assignment):
            raise actions.PermissionDenied(_("Bạn không được cập nhật tiến độ nhiệm vụ này."))
        if not assignment.takes_progress:
            raise ProgressClosed(assignment.status)
        coordinating = not permissions.is_lead_member(request.user, assignment)
        data = _checked(ProgressForm, request, assignment=assignment, coordinating=coordinating)
        update = actions.record_progress_with_files(
            assignment,
            user=request.user,
            files=[upload for upload, _kind in data["files"]],
            note=data["note"],
            percent=data["percent"],
            difficulties=data["difficulties"],
            proposals=data["proposals"],
            expected_version=data["version"],
        )
        # A lead unit's update saved the assignment and copied it back (actions._refresh); a
        # coordinating one wrote nothing on it, so its answer reads the assignment again.
        return _result(assignment, update, status.HTTP_201_CREATED, fresh=not update.coordinating)


def _lead_assignment(request, pk: int) -> Assignment:
    assignment = staff._visible(request, pk)
    if not permissions.is_lead_member(request.user, assignment):
        raise actions.PermissionDenied(_("Chỉ đơn vị chủ trì được thực hiện thao tác này."))
    return assignment


class AssignmentStart(ApiView):
    @extend_schema(request=s.StartBody, responses={200: s.WriteResult, **WRITE_ERRORS})
    def post(self, request, pk: int):
        """The lead unit starts the work (chưa thực hiện → đang thực hiện)."""
        assignment = _lead_assignment(request, pk)
        data = _checked(StartForm, request, assignment=assignment)
        entry = actions.transition(
            assignment, Action.START, user=request.user, note="", expected_version=data["version"]
        )
        return _result(assignment, entry)


class AssignmentReportDone(ApiView):
    @extend_schema(
        request={"multipart/form-data": s.ReportDoneBody, "application/json": s.ReportDoneBody},
        responses={200: s.WriteResult, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        """The lead unit reports completion (with evidence files); a leader then signs off."""
        assignment = _lead_assignment(request, pk)
        data = _checked(ReportDoneForm, request, assignment=assignment)
        entry = actions.transition_with_files(
            assignment,
            Action.REPORT_DONE,
            user=request.user,
            files=[upload for upload, _kind in data["files"]],
            note=data["note"],
            expected_version=data["version"],
        )
        return _result(assignment, entry)


class AssignmentExtension(ApiView):
    @extend_schema(request=s.ExtensionBody, responses={201: s.WriteResult, **WRITE_ERRORS})
    def post(self, request, pk: int):
        """The lead unit asks for a later deadline (a date or a phrase), with a reason."""
        assignment = _lead_assignment(request, pk)
        data = _checked(ExtensionForm, request, assignment=assignment)
        resolved = data["new_deadline"]
        extension = actions.request_extension(
            assignment,
            user=request.user,
            new_deadline=resolved.date,
            basis=resolved.basis,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return _result(assignment, extension, status.HTTP_201_CREATED)


class AssignmentDecision(ApiView):
    @extend_schema(request=s.DecisionBody, responses={200: s.WriteResult, **WRITE_ERRORS})
    def post(self, request, pk: int):
        """The assigning body's leaders: confirm or refuse completion, suspend, resume, undo a
        confirmation, reopen. Confirming below 100 % needs `confirm_below` (the percent);
        confirming needs the evaluation `quality` (1–5), with an optional `quality_comment`."""
        assignment = leaders._decidable_assignment(request, pk)
        form = TransitionForm(_form_data(request))
        if not form.is_valid():
            raise form_errors(form)
        data = form.cleaned_data
        entry = actions.transition(
            assignment,
            data["action"],
            user=request.user,
            note=data["note"] or str(DECISIONS[data["action"]]),
            expected_version=data["version"],
            confirm_below=data["confirm_below"] is not None,
            quality=data["quality"],
            quality_comment=data["quality_comment"],
        )
        return _result(assignment, entry)


class AssignmentUrge(ApiView):
    @extend_schema(request=s.UrgeBody, responses={201: s.WriteResult, **WRITE_ERRORS})
    def post(self, request, pk: int):
        """The assigning body's leaders urge (đôn đốc) the lead unit; it is notified."""
        assignment = leaders._decidable_assignment(request, pk)
        form = UrgeForm(_form_data(request))
        if not form.is_valid():
            raise form_errors(form)
        reminder = actions.urge(assignment, user=request.user, message=form.cleaned_data["message"])
        return _result(assignment, reminder, status.HTTP_201_CREATED)


class ExtensionDecision(ApiView):
    @extend_schema(request=s.ExtensionDecisionBody, responses={200: s.WriteResult, **WRITE_ERRORS})
    def post(self, request, pk: int):
        """The assigning body's leaders approve (the deadline moves) or refuse an extension."""
        extension = leaders._decidable_extension(request, pk)
        form = ExtensionDecisionForm(_form_data(request))
        if not form.is_valid():
            raise form_errors(form)
        decided = actions.decide_extension(
            extension,
            user=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
        return _result(extension.assignment, decided)
