"""Every refusal of the API as JSON: `{"detail": …, "code": …, "errors": {field: [messages]}}`.

Bad input is a 400 naming the field; a stale version is a 409 with the current version; a write
the workflow refuses now is a 409 with the reason; never a 500 for anything a client sends.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from directives import actions, evidence, params
from directives.models import ProgressClosed, TransitionError


class FieldErrors(exceptions.APIException):
    """A Django form's errors, field by field (the same forms the pages use)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("Dữ liệu gửi lên không hợp lệ."))
        self.errors = errors


def form_errors(form) -> FieldErrors:
    errors = {
        (name if name != "__all__" else "non_field_errors"): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
    return FieldErrors(errors)


def body(detail: str, code: str, errors: dict | None = None, **extra) -> dict:
    data = {"detail": detail, "code": code, **extra}
    if errors:
        data["errors"] = errors
    return data


def exception_handler(exc, context):
    if isinstance(exc, FieldErrors):
        return Response(body(str(exc.detail), "invalid", exc.errors), status=400)
    if isinstance(exc, actions.VersionConflict):
        return Response(
            body(str(exc), "version_conflict", current_version=exc.current.version), status=409
        )
    if isinstance(exc, ProgressClosed | TransitionError):
        return Response(body(str(exc), "refused"), status=409)
    if isinstance(exc, evidence.EvidenceError):
        return Response(body(str(exc), "invalid", {"files": [str(exc)]}), status=400)
    if isinstance(exc, params.ParamError | params.BadParameter):
        return Response(body(str(exc), "invalid"), status=400)
    if isinstance(exc, actions.PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Không tìm thấy, hoặc bạn không được xem."))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("Bạn không được thực hiện thao tác này."))
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = body(_("Dữ liệu gửi lên không hợp lệ."), "invalid", errors)
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = body(str(detail), getattr(detail, "code", "error"))
    return response
