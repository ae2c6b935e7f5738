"""Periodic reports (báo cáo định kỳ): the obligation to report, one slot per unit and period,
the slot's trail and its files.

Like an assignment, a submission's status has two parts (domain.md §3): the workflow state is
stored and moved only by directives.periodic.actions (open → submitted → accepted, or returned →
submitted again); what users read — chưa đến kỳ, chưa nộp, nộp đúng hạn, nộp muộn, bị trả lại,
đã tiếp nhận — is derived from the state and the dates, as of any day.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.periodic import periods as P

from .attachment import StoredFile
from .unit import UnitKind


class Frequency(models.TextChoices):
    MONTHLY = P.MONTHLY, _("Hằng tháng")
    QUARTERLY = P.QUARTERLY, _("Hằng quý")
    HALF_YEARLY = P.HALF_YEARLY, _("6 tháng")
    YEARLY = P.YEARLY, _("Hằng năm")
    ONCE = P.ONCE, _("Một lần")


def template_path(instance: ReportingObligation, filename: str) -> str:
    """A path the user cannot influence (the file's own name is kept as text)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"periodic/templates/{uuid.uuid4().hex}.{extension}"


class ReportingObligation(models.Model):
    """Chế độ báo cáo: who reports what to whom, how often, with which cut-off and due date."""

    document = models.ForeignKey(
        "directives.Document",
        verbose_name=_("văn bản"),
        on_delete=models.PROTECT,
        related_name="reporting_obligations",
    )
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporting_obligations",
        help_text=_("Để trống khi chế độ báo cáo thuộc cả văn bản."),
    )
    title = models.CharField(_("tên báo cáo"), max_length=300)
    content = models.TextField(_("nội dung yêu cầu"), blank=True)
    frequency = models.CharField(_("kỳ báo cáo"), max_length=20, choices=Frequency.choices)
    cutoff_rule = models.CharField(
        _("ngày chốt số liệu"),
        max_length=200,
        blank=True,
        help_text=_("Quy tắc lịch, ví dụ “ngày 14 của tháng cuối kỳ”; để trống: ngày cuối kỳ."),
    )
    due_rule = models.CharField(
        _("hạn gửi báo cáo"),
        max_length=200,
        help_text=_(
            "Quy tắc lịch, ví dụ “ngày 15 của tháng cuối kỳ”, “trước ngày 20/12 hằng năm”, "
            "“5 ngày làm việc sau kỳ”, “ngày làm việc cuối cùng của kỳ”, “ngày 20/12/2020” "
            "(báo cáo một lần); thêm “, lùi về ngày làm việc trước” nếu hạn rơi vào ngày nghỉ."
        ),
    )
    units = models.ManyToManyField(
        "directives.Unit",
        verbose_name=_("đơn vị báo cáo (chọn từng đơn vị)"),
        blank=True,
        related_name="+",
    )
    units_under = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("mọi đơn vị thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cùng với “loại đơn vị”: mọi đơn vị loại đó nằm dưới đơn vị này."),
    )
    units_kind = models.CharField(
        _("loại đơn vị"),
        max_length=20,
        blank=True,
        choices=UnitKind.choices,
    )
    receiving_unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị nhận báo cáo"),
        on_delete=models.PROTECT,
        related_name="received_obligations",
    )
    figures = models.TextField(
        _("số liệu cần báo cáo"),
        blank=True,
        help_text=_("Mỗi dòng một chỉ tiêu số, ví dụ “Số đảng viên được quán triệt (người)”."),
    )
    template_file = models.FileField(
        _("đề cương / mẫu báo cáo"), upload_to=template_path, blank=True, max_length=255
    )
    template_name = models.CharField(_("tên tệp mẫu"), max_length=200, blank=True)
    starts_on = models.DateField(_("áp dụng từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        ordering = ["document", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="obligation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    # --- rules ---------------------------------------------------------------------------------
    def due(self) -> P.Rule:
        return P.parse_rule(self.due_rule)

    def cutoff(self) -> P.Rule | None:
        return P.parse_rule(self.cutoff_rule) if self.cutoff_rule.strip() else None

    def dates_for(self, period: P.Period) -> tuple[dt.date, dt.date]:
        """(data cut-off, due date) of `period`."""
        due = self.due().resolve(period)
        cutoff_rule = self.cutoff()
        # Without a rule, the data are counted to the period's end (or to the due date, when a
        # report is due before its period ends).
        cutoff = cutoff_rule.resolve(period) if cutoff_rule is not None else min(period.end, due)
        return cutoff, due

    def period_for(self, day: dt.date) -> P.Period:
        return P.period_of(self.frequency, day, once_start=self.starts_on)

    def periods(self, first: dt.date, last: dt.date) -> list[P.Period]:
        """The obligation's periods that overlap [first, last] and its own span."""
        first = max(first, self.starts_on)
        if self.ends_on:
            last = min(last, self.ends_on)
        if first > last:
            return []
        if self.frequency == P.ONCE:
            return [P.period_of(P.ONCE, self.starts_on, once_start=self.starts_on)]
        return P.periods_between(self.frequency, first, last)

    def figure_names(self) -> list[str]:
        return [line.strip() for line in self.figures.splitlines() if line.strip()]

    def reporting_units(self):
        """The units that must report: the chosen ones and every active unit of the kind under
        the node (the node itself excluded)."""
        from directives.models.unit import Unit

        chosen = Q(pk__in=self.units.values("pk")) if self.pk else Q(pk__in=[])
        query = chosen
        if self.units_under_id and self.units_kind:
            query |= Q(
                path__startswith=self.units_under.path, kind=self.units_kind, active=True
            ) & ~Q(pk=self.units_under_id)
        return Unit.objects.filter(query).order_by("path")

    def clean(self) -> None:
        errors = {}
        for field in ("due_rule", "cutoff_rule"):
            text = getattr(self, field)
            if field == "cutoff_rule" and not text.strip():
                continue
            try:
                rule = P.parse_rule(text)
                if self.frequency:
                    P.check_rule_fits(rule, self.frequency)
            except P.RuleError as error:
                errors[field] = str(error)
        if (
            self.directive_id
            and self.document_id
            and self.directive.document_id != self.document_id
        ):
            errors["directive"] = _("Nhiệm vụ không thuộc văn bản đã chọn.")
        if bool(self.units_under_id) != bool(self.units_kind):
            errors["units_kind"] = _("Chọn cả “mọi đơn vị thuộc” và “loại đơn vị”, hoặc bỏ cả hai.")
        if errors:
            raise ValidationError(errors)


class SubmissionState(models.TextChoices):
    """The stored workflow state; what users read is ReportStatus."""

    OPEN = "open", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class ReportStatus(models.TextChoices):
    """What a slot shows as of a day (QCVN 125:2021 "trạng thái báo cáo", our wording)."""

    NOT_YET = "not_yet", _("Chưa đến kỳ")
    NOT_SUBMITTED = "not_submitted", _("Chưa nộp")
    ON_TIME = "on_time", _("Nộp đúng hạn")
    LATE = "late", _("Nộp muộn")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


# Which stored state may move to which, by which action.
SUBMISSION_TRANSITIONS = {
    "submit": ({SubmissionState.OPEN, SubmissionState.RETURNED}, SubmissionState.SUBMITTED),
    "accept": ({SubmissionState.SUBMITTED}, SubmissionState.ACCEPTED),
    "return": ({SubmissionState.SUBMITTED}, SubmissionState.RETURNED),
}


def local_date(moment: dt.datetime | None) -> dt.date | None:
    """The local (Vietnam) day of `moment`; the zone is looked up once, not per row."""
    if moment is None:
        return None
    return moment.astimezone(_local_zone()).date()


@lru_cache(maxsize=1)
def _local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def status_of(state: str, submitted_on, due_date, period_start, on: dt.date) -> str:
    """The status users read (ReportStatus) from a slot's stored values, as of `on`."""
    if state == SubmissionState.ACCEPTED:
        return ReportStatus.ACCEPTED
    if state == SubmissionState.RETURNED:
        return ReportStatus.RETURNED
    if state == SubmissionState.SUBMITTED:
        late = submitted_on is not None and submitted_on > due_date
        return ReportStatus.LATE if late else ReportStatus.ON_TIME
    if on < period_start:
        return ReportStatus.NOT_YET
    return ReportStatus.NOT_SUBMITTED


def days_late_of(state: str, submitted_on, due_date, on: dt.date) -> int:
    """Days past the due date: of the submission when there is one, else of `on`."""
    day = submitted_on if state in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED) else None
    return max(0, ((day or on) - due_date).days)


class ReportSubmissionQuerySet(models.QuerySet):
    def unsubmitted_due(self, on: dt.date):
        """Slots whose due date has come and that hold no report the receiver has (open or
        returned): "báo cáo định kỳ chưa nộp"."""
        return self.filter(
            state__in=[SubmissionState.OPEN, SubmissionState.RETURNED], due_date__lte=on
        )


class ReportSubmission(models.Model):
    """One unit's report for one period of one obligation (created ahead, then filled in)."""

    obligation = models.ForeignKey(
        ReportingObligation,
        verbose_name=_("chế độ báo cáo"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="report_submissions",
    )
    period_key = models.CharField(_("kỳ"), max_length=12)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    cutoff_date = models.DateField(_("ngày chốt số liệu"))
    due_date = models.DateField(_("hạn gửi"))
    state = models.CharField(
        _("trạng thái xử lý"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.OPEN,
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    text = models.TextField(_("nội dung báo cáo"), blank=True)
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm xử lý"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    objects = ReportSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo định kỳ của đơn vị")
        verbose_name_plural = _("báo cáo định kỳ của đơn vị")
        ordering = ["obligation", "period_start", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "period_key", "unit"], name="one_submission_per_period"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(submitted_at__isnull=False),
                name="submission_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["obligation", "period_key"]),
            models.Index(fields=["unit", "due_date"]),
            models.Index(fields=["state", "due_date"]),
            # The calendar's month of due dates (6,000 of 70,000 slots in the load data).
            models.Index(fields=["due_date", "obligation"], name="submission_due_obligation"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} — {self.period.label} — {self.unit}"

    @property
    def period(self) -> P.Period:
        if self.period_key == "ONCE":
            return P.Period(self.period_start, self.period_end, P.ONCE, "ONCE")
        return P.period_from_key(self.obligation.frequency, self.period_key)

    @property
    def submitted_on(self) -> dt.date | None:
        return local_date(self.submitted_at)

    def late(self) -> bool:
        """Submitted after the due date (the latest submission counts)."""
        return self.submitted_on is not None and self.submitted_on > self.due_date

    def status(self, on: dt.date) -> str:
        """The status a user reads as of `on` (see ReportStatus)."""
        return status_of(self.state, self.submitted_on, self.due_date, self.period_start, on)

    def days_late(self, on: dt.date) -> int:
        """Days past the due date: of the submission when there is one, else of `on`."""
        return days_late_of(self.state, self.submitted_on, self.due_date, on)


class ReportSubmissionEvent(models.Model):
    """The trail of a slot: each submission (with the text as sent), acceptance and return.
    Append-only, like progress updates."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Nộp báo cáo")
        ACCEPT = "accept", _("Tiếp nhận")
        RETURN = "return", _("Trả lại")

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    note = models.TextField(_("nội dung / lý do"), blank=True)
    figures = models.JSONField(_("số liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử báo cáo định kỳ")
        verbose_name_plural = _("lịch sử báo cáo định kỳ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            from directives.models.progress import AppendOnlyError

            raise AppendOnlyError("Report submission events are append-only.")
        super().save(*args, **kwargs)


def submission_file_path(instance: ReportSubmissionFile, filename: str) -> str:
    return f"periodic/{instance.submission_id}/{uuid.uuid4().hex}.{instance.extension}"


class ReportSubmissionFile(StoredFile):
    """A file sent with a submission; checked and stored like evidence (directives.evidence)."""

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    event = models.ForeignKey(
        ReportSubmissionEvent,
        verbose_name=_("lần nộp"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("tệp"), upload_to=submission_file_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("tệp báo cáo định kỳ")
        verbose_name_plural = _("tệp báo cáo định kỳ")
