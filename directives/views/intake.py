"""The review page "Nhập văn bản": a conclusion's text → reviewed document and assignments.

Step 1 takes a pasted text or a file; step 2 shows the document's fields, its directives and the
proposed assignments as forms; confirming creates everything in one transaction. Nothing is
written before the confirmation and nothing is kept on the server between the steps: the source
text travels signed in the form. Reached through the Django admin (staff only, via admin_view).
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from directives import actions, params
from directives.fields import known_events
from directives.importers.conclusion import DocumentParseError
from directives.importers.proposals import propose
from directives.importers.units import UnitIndex, canon
from directives.intake_forms import (
    AssignmentFormSet,
    DirectiveFormSet,
    DocumentForm,
    SourceForm,
    UnknownUnitForm,
    UnknownUnitFormSet,
    initial_data,
    rebuilt_document,
    sign_source,
    unit_choices,
    unit_levels,
    unknown_choices,
    unsign_source,
)
from directives.models import Document, Unit
from directives.periodic import intake_review

TEMPLATE = "directives/intake/document_import.html"
REQUIRED = ("directives.add_document", "directives.add_directive", "directives.add_assignment")


@require_http_methods(["GET", "POST"])
def document_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perms(REQUIRED):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request)
    if request.method == "POST":
        source = SourceForm(request.POST, request.FILES)
        if source.is_valid():
            return _review(request, source.cleaned_data["parsed"])
    else:
        source = SourceForm()
    return TemplateResponse(request, TEMPLATE, {"step": "source", "source_form": source})


def _units() -> list[Unit]:
    return list(Unit.objects.active().order_by("path"))


def _forms(
    request: HttpRequest,
    units: list[Unit],
    unknown: list[str],
    index: UnitIndex,
    *,
    data=None,
    initial=None,
):
    can_create = request.user.has_perm("directives.add_unit")
    choices = unit_choices(units, unknown)
    initial = initial or {}
    document = DocumentForm(data, prefix="doc", initial=initial.get("document"))
    start = None
    if data is not None and document.is_valid():
        start = document.cleaned_data["issue_date"]
    elif initial:
        start = initial["document"]["issue_date"]
    return {
        "document_form": document,
        "directive_formset": DirectiveFormSet(
            data, prefix="dir", initial=initial.get("directives")
        ),
        "assignment_formset": AssignmentFormSet(
            data,
            prefix="asg",
            initial=initial.get("assignments"),
            form_kwargs={"choices": choices, "unknown": unknown_choices(unknown), "start": start},
        ),
        "unknown_formset": UnknownUnitFormSet(
            data,
            prefix="unk",
            initial=initial.get("unknown"),
            form_kwargs={"can_create": can_create, "levels": unit_levels(index)},
        ),
        # Reporting obligations the text asks for (issue 18): created only if left ticked.
        "obligation_formset": intake_review.formset(data, initial.get("obligations")),
    }


def _context(request, forms: dict, payload: str, unknown: list[str], **extra) -> dict:
    assignment_forms = list(forms["assignment_formset"])
    directives = []
    for key, form in enumerate(forms["directive_formset"]):
        rows = [f for f in assignment_forms if _directive_key(f) == key]
        directives.append({"form": form, "assignments": rows})
    return {
        "step": "review",
        "payload": payload,
        "directives": directives,
        "unknown_names": unknown,
        "can_change_units": request.user.has_perm("directives.change_unit"),
        "summary": _summary(forms, assignment_forms),
        "media": forms["assignment_formset"].media,
        **forms,
        **extra,
    }


def _summary(forms: dict, assignment_forms: list) -> dict:
    """What confirming will create, from the values the page holds (the proposals, or what the
    admin sent back): shown above the confirm button."""
    directive_forms = list(forms["directive_formset"])
    kept = {
        i for i, f in enumerate(directive_forms) if f["include"].value() not in (False, "", None)
    }
    rows = [
        f
        for f in assignment_forms
        if f["include"].value() not in (False, "", None) and _directive_key(f) in kept
    ]
    unknown = list(forms["unknown_formset"])

    def decided(action: str) -> list[str]:
        return [str(f["name"].value()) for f in unknown if f["action"].value() == action]

    return {
        "directives": len(kept),
        "assignments": len(rows),
        "doubtful": sum(1 for f in rows if f.doubtful()),
        "without_deadline": sum(1 for f in rows if not f["deadline"].value()),
        "create": [
            str(f["new_name"].value() or f["name"].value())
            for f in unknown
            if f["action"].value() == UnknownUnitForm.CREATE
        ],
        "map": decided(UnknownUnitForm.MAP),
        "ignore": decided(UnknownUnitForm.IGNORE),
        "undecided": [str(f["name"].value()) for f in unknown if not f["action"].value()],
        "obligations": sum(
            1
            for f in forms["obligation_formset"]
            if f["include"].value() not in (False, "", None) and _directive_key(f) in kept
        ),
    }


def _directive_key(form) -> int | None:
    value = form["directive"].value()  # the initial 0 of an unbound form, or posted text
    try:
        return params.parse_int("" if value is None else value, maximum=10_000)
    except params.ParamError:
        return None


def _review(request: HttpRequest, parsed) -> TemplateResponse:
    units = _units()
    index = UnitIndex.from_units(units)
    proposal = propose(parsed, index, events=known_events())
    unknown = proposal.unknown_names
    initial = initial_data(proposal, units, index)
    initial["obligations"] = intake_review.initial(proposal, index)
    forms = _forms(request, units, unknown, index, initial=initial)
    duplicate = Document.objects.filter(source_sha256=parsed.sha256).first()
    payload = sign_source(parsed.source_text)
    return TemplateResponse(
        request, TEMPLATE, _context(request, forms, payload, unknown, duplicate=duplicate)
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    try:
        source_text = unsign_source(request.POST.get("payload", ""))
    except signing.BadSignature:
        messages.error(request, _("Phiên nhập văn bản không hợp lệ; hãy bắt đầu lại."))
        return redirect("admin:directives_document_import")
    unknown = _posted_unknown_names(request)
    units = _units()
    forms = _forms(request, units, unknown, UnitIndex.from_units(units), data=request.POST)
    valid = all(f.is_valid() for f in forms.values())
    errors: list[str] = []
    if valid:
        try:
            document, count = _create(request, source_text, forms, units)
        except (_RowError, actions.DuplicateDocument, DocumentParseError) as error:
            errors.append(str(error))
        else:
            messages.success(
                request,
                _("Đã tạo văn bản “%(doc)s” với %(d)d nhiệm vụ và %(a)d phân công.")
                % {"doc": document, "d": document.directives.count(), "a": count},
            )
            return redirect(reverse("admin:directives_document_change", args=[document.pk]))
    context = _context(
        request, forms, request.POST.get("payload", ""), unknown, confirm_errors=errors
    )
    return TemplateResponse(request, TEMPLATE, context, status=400)


def _posted_unknown_names(request: HttpRequest) -> list[str]:
    """The unknown names travel as the hidden name fields of the unknown-unit formset."""
    try:
        total = min(params.parse_int(request.POST.get("unk-TOTAL_FORMS") or "0"), 500)
    except params.ParamError:
        total = 0
    return [request.POST.get(f"unk-{i}-name", "") for i in range(total)]


class _RowError(Exception):
    """A reviewed row that cannot be created; the transaction is rolled back."""


def _create(request, source_text: str, forms: dict, units: list[Unit]):
    by_pk = {u.pk: u for u in units}
    user = request.user
    with transaction.atomic():
        resolved = _resolve_unknown(forms["unknown_formset"], user)
        directive_data = [f.cleaned_data for f in forms["directive_formset"]]
        parsed = rebuilt_document(source_text, forms["document_form"].cleaned_data, directive_data)

        def unit_of(value: str) -> Unit | None:
            kind, _sep, ident = value.partition(":")
            try:
                number = params.parse_int(ident, maximum=params.MAX_ID)
            except params.ParamError:
                return None
            if kind == "u":
                return by_pk.get(number)
            if kind == "n" and number < len(resolved):
                return resolved[number]
            return None

        rows = []
        for form in forms["assignment_formset"]:
            data = form.cleaned_data
            key = data["directive"]
            if key >= len(directive_data):
                # The hidden field points past the reviewed directives: a tampered form.
                raise _RowError(_("Phiên nhập văn bản không hợp lệ; hãy bắt đầu lại."))
            if not data["include"] or not directive_data[key]["include"]:
                continue
            lead = unit_of(data["lead"])
            if lead is None:
                raise _RowError(
                    _(
                        "Nhiệm vụ %(n)s: đơn vị chủ trì “%(name)s” đã bị bỏ qua; hãy chọn một "
                        "đơn vị hoặc bỏ chọn dòng đó."
                    )
                    % {
                        "n": directive_data[key]["number"],
                        "name": dict(form.fields["lead"].choices).get(data["lead"], ""),
                    }
                )
            named = [by_pk.get(u.pk) for u in data["coordinating"]]
            named += [unit_of(value) for value in data["coordinating_unknown"]]
            coordinating = {u for u in named if u and u != lead}
            deadline, basis = form.deadline_and_basis()
            rows.append(
                {
                    "number": directive_data[key]["number"].strip(),
                    "lead_unit": lead,
                    "coordinating_units": sorted(coordinating, key=lambda u: u.path),
                    "deadline": deadline,
                    "basis": basis,
                }
            )
        document = actions.import_reviewed(
            parsed,
            assignments=rows,
            issuing_unit=forms["document_form"].cleaned_data["issuing_unit"],
            user=user,
        )
        by_number = {d.number: d for d in document.directives.all()}
        intake_review.create(
            forms["obligation_formset"],
            document=document,
            directives=[
                by_number.get(d["number"].strip()) if d["include"] else None for d in directive_data
            ],
            errors_as=_RowError,
        )
    return document, len(rows)


def _resolve_unknown(formset, user) -> list[Unit | None]:
    """Each unknown name → the unit it maps to, a unit created for it, or None (ignored)."""
    resolved: list[Unit | None] = []
    for form in formset:
        data = form.cleaned_data
        name = data["name"].strip()
        if data["action"] == UnknownUnitForm.CREATE:
            if not user.has_perm("directives.add_unit"):
                raise PermissionDenied
            unit = Unit(name=data["new_name"], kind=data["kind"], parent=data["parent"])
            unit.full_clean()
            unit.save()
            resolved.append(unit)
        elif data["action"] == UnknownUnitForm.MAP:
            unit = data["unit"]
            if data["save_alias"] and user.has_perm("directives.change_unit"):
                known = {canon(n) for n in [unit.name, unit.short_name, *unit.alias_list()]}
                if canon(name) not in known:
                    unit.aliases = "\n".join([*unit.alias_list(), name])
                    unit.save()
            resolved.append(unit)
        else:
            resolved.append(None)
    return resolved
