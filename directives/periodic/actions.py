"""Every write to a periodic report: submit, accept, return — one rule, one trail.

Each write locks the slot, checks the version the user saw (no lost update, as with
assignments), checks who may act and whether the state allows it (SUBMISSION_TRANSITIONS), and
appends a ReportSubmissionEvent. Files are checked like evidence (directives.evidence) before
anything is written and removed again if the transaction fails.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import evidence
from directives.actions import PermissionDenied
from directives.models import (
    SUBMISSION_TRANSITIONS,
    ReportSubmission,
    ReportSubmissionEvent,
    ReportSubmissionFile,
)
from directives.periodic import permissions
from directives.webhooks import events as webhook_events

MAX_TEXT = 50_000
MAX_REASON = 2_000


class SubmissionError(ValueError):
    """The write is refused; the message is for the user. Nothing was written."""


class SubmissionConflict(SubmissionError):
    """Someone else changed the report since the form was opened."""

    def __init__(self, current: ReportSubmission):
        super().__init__(_("Báo cáo đã được người khác cập nhật trong lúc bạn đang nhập."))
        self.current = current


def _lock(submission: ReportSubmission, expected_version: int | None) -> ReportSubmission:
    current = (
        ReportSubmission.objects.select_for_update()
        .select_related("obligation")
        .get(pk=submission.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise SubmissionConflict(current)
    return current


def _check_state(current: ReportSubmission, action: str) -> None:
    allowed, _after = SUBMISSION_TRANSITIONS[action]
    if current.state not in allowed:
        raise SubmissionError(
            _("Báo cáo đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")
            % {"state": current.get_state_display()}
        )


def clean_figures(submission: ReportSubmission, raw: dict[str, str]) -> dict[str, str]:
    """The obligation's figures as numbers written as text ("1250", "12.5"); blank ones left out.

    Vietnamese writes "1.250" for a thousand and "12,5" for a decimal: dots are read as
    thousands separators and a comma as the decimal mark.
    """
    figures = {}
    for name in submission.obligation.figure_names():
        value = (raw.get(name) or "").strip()
        if not value:
            continue
        normal = value.replace(" ", "").replace(".", "").replace(",", ".")
        try:
            number = Decimal(normal)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise SubmissionError(
                _("Số liệu “%(name)s” phải là một số (ví dụ 1.250 hoặc 12,5).") % {"name": name}
            )
        figures[name] = format(number.normalize(), "f")
    return figures


def submit(
    submission: ReportSubmission,
    *,
    user,
    text: str,
    figures: dict[str, str] | None = None,
    files=(),
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    trusted: bool = False,
) -> ReportSubmission:
    """The reporting unit sends its report (first time, or again after a return).

    Needs a text or at least one file. `trusted` is for callers without a web user (demo data).
    """
    at = at or timezone.now()
    if not trusted and not permissions.can_submit(user, submission):
        raise PermissionDenied
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise SubmissionError(_("Nội dung báo cáo dài quá %(n)d ký tự.") % {"n": MAX_TEXT})
    if not text and not files:
        raise SubmissionError(_("Cần ghi nội dung báo cáo hoặc đính kèm tệp báo cáo."))
    if len(files) > evidence.MAX_FILES:
        raise SubmissionError(_("Chỉ được đính kèm tối đa %(n)d tệp.") % {"n": evidence.MAX_FILES})
    try:
        checked = [(upload, evidence.check_upload(upload)) for upload in files]
    except evidence.EvidenceError as error:
        raise SubmissionError(str(error)) from None
    clean = clean_figures(submission, figures or {})
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _lock(submission, expected_version)
            _check_state(current, "submit")
            event = ReportSubmissionEvent.objects.create(
                submission=current, action="submit", actor=user, at=at, note=text, figures=clean
            )
            for upload, kind in checked:
                stored_file = ReportSubmissionFile(
                    submission=current,
                    event=event,
                    name=evidence.check_name(upload.name),
                    extension=kind.extension,
                    content_type=kind.content_type,
                    size=upload.size,
                    sha256=evidence.sha256_of(upload),
                    uploaded_by=user,
                    uploaded_at=at,
                )
                stored_file.file.save(upload.name, upload, save=False)
                stored.append(stored_file.file.name)
                stored_file.save()
            current.state = SUBMISSION_TRANSITIONS["submit"][1]
            current.text = text
            current.figures = clean
            current.submitted_at = at
            current.submitted_by = user
            current.return_reason = ""
            current.version += 1
            current.save()
            # Written in this transaction, sent after its commit (issue 19's other events).
            webhook_events.report_submitted(current, event, files=len(stored))
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    _refresh(submission, current)
    return current


def review(
    submission: ReportSubmission,
    *,
    user,
    decision: str,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    trusted: bool = False,
) -> ReportSubmission:
    """The receiving unit accepts the report ("accept") or returns it with a reason ("return")."""
    at = at or timezone.now()
    if decision not in ("accept", "return"):
        raise SubmissionError(_("Hãy chọn tiếp nhận hoặc trả lại."))
    if not trusted and not permissions.can_review(user, submission):
        raise PermissionDenied
    reason = (reason or "").strip()
    if decision == "return" and not reason:
        raise SubmissionError(_("Cần nêu lý do trả lại báo cáo."))
    if len(reason) > MAX_REASON:
        raise SubmissionError(_("Lý do dài quá %(n)d ký tự.") % {"n": MAX_REASON})
    with transaction.atomic():
        current = _lock(submission, expected_version)
        _check_state(current, decision)
        ReportSubmissionEvent.objects.create(
            submission=current, action=decision, actor=user, at=at, note=reason
        )
        current.state = SUBMISSION_TRANSITIONS[decision][1]
        current.decided_at = at
        current.decided_by = user
        current.return_reason = reason if decision == "return" else ""
        current.version += 1
        current.save()
    _refresh(submission, current)
    return current


def _refresh(target: ReportSubmission, source: ReportSubmission) -> None:
    for field in (
        "state",
        "version",
        "text",
        "figures",
        "submitted_at",
        "submitted_by_id",
        "decided_at",
        "decided_by_id",
        "return_reason",
    ):
        setattr(target, field, getattr(source, field))
