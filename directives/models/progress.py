"""Progress updates (báo cáo tiến độ): the append-only history of an assignment.

Every change of percent and workflow status is one row here, with its time; the current values
on the assignment are the latest of these, kept for speed. Rows are never edited or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.text import search_key

from .assignment import Status
from .searchable import SearchColumnsMixin, SearchColumnsQuerySet


class AppendOnlyError(Exception):
    pass


class ProgressUpdateQuerySet(SearchColumnsQuerySet):
    def update(self, **kwargs):  # noqa: D102 - history is append-only
        raise AppendOnlyError("Progress updates are append-only.")

    def delete(self):
        raise AppendOnlyError("Progress updates are append-only.")


class ProgressUpdate(SearchColumnsMixin, models.Model):
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    note = models.TextField(_("nội dung"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    status_before = models.CharField(
        _("trạng thái trước"), max_length=20, choices=Status.choices, blank=True
    )
    status_after = models.CharField(
        _("trạng thái sau"), max_length=20, choices=Status.choices, blank=True
    )
    # On a "report done" row the day reported; on a confirmation (or an undone one) the
    # completion date, which is that same day. The as-of picture reads it (Assignment.as_of).
    done_on = models.DateField(_("ngày báo cáo hoàn thành"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("dữ liệu mẫu"), default=False, help_text=_("Dữ liệu minh họa của bản demo.")
    )
    # A coordinating unit's report of its own part (domain.md §3, "Progress has an owner"): its
    # percent is of that part, so it never moves the assignment's percent or "last updated",
    # and the as-of history, the stale list and the exports read only the other rows.
    coordinating = models.BooleanField(
        _("báo cáo của đơn vị phối hợp"),
        default=False,
        help_text=_("Phần việc của đơn vị phối hợp; không tính vào tiến độ của nhiệm vụ."),
    )

    # The leader's evaluation at sign-off (issue 17), on the confirmation row only: quality 1–5
    # and an optional comment ("đạt yêu cầu", "cần bổ sung"…). Written with the confirmation, in
    # the same transaction as its audit record, and never edited (the row is append-only).
    quality = models.PositiveSmallIntegerField(
        _("đánh giá chất lượng (1–5)"), null=True, blank=True
    )
    quality_comment = models.CharField(_("nhận xét"), max_length=500, blank=True)

    # Folded note, difficulties and proposals for search (directives.search); written once,
    # with the row (save and bulk_create both fill it).
    search_text = models.TextField(editable=False, blank=True)

    objects = ProgressUpdateQuerySet.as_manager()

    SEARCH_SOURCES = frozenset({"note", "difficulties", "proposals"})

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["assignment", "created_at"]),
            # "Coordinating units that never reported" (the dashboards, the overview, their
            # lists) asks, for each coordinating link, whether that unit reported on that
            # assignment by a date: without this index PostgreSQL read all five million
            # reports at a million assignments to find the coordinating ones (1 s of a national
            # overview's 2.7 s silent count); with it, the coordinating reports alone.
            models.Index(
                fields=["assignment", "unit", "created_at"],
                condition=models.Q(coordinating=True),
                name="progress_coordinating",
            ),
            # What moved after a date (the whole tree's overview of a past date reads only the
            # assignments recorded since): a range of this index, its ids read from it alone.
            models.Index(fields=["created_at", "assignment"], name="progress_created_assignment"),
            # The lead unit's latest report of each assignment (its "last update", the order
            # of "awaiting sign-off", its note): one step back in this index, read from it
            # alone. With only the index above, each of a national overview's 45,600 awaiting
            # rows fetched its reports to skip the coordinating ones (0.39 → 0.25 s a page).
            models.Index(
                fields=["assignment", "created_at", "id"],
                condition=models.Q(coordinating=False),
                name="progress_lead_latest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="progress_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(quality__isnull=True)
                | (models.Q(quality__gte=1, quality__lte=5) & models.Q(status_after=Status.DONE)),
                name="progress_quality_1_5_on_signoff",
                violation_error_message=_("Đánh giá chất lượng từ 1 đến 5, chỉ khi xác nhận."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y} — {self.note[:60]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Progress updates are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Progress updates are append-only.")

    def search_columns(self) -> dict[str, str]:
        return {"search_text": search_key(self.note, self.difficulties, self.proposals)}

    @property
    def changes_workflow(self) -> bool:
        return bool(self.status_after) and self.status_after != self.status_before


class DeadlineChange(models.Model):
    """One change of an assignment's deadline: the first setting, an extension, an admin edit."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Giao thời hạn")
        EXTENSION = "extension", _("Gia hạn")
        EDIT = "edit", _("Điều chỉnh")

    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    old_deadline = models.DateField(_("thời hạn cũ"), null=True, blank=True)
    new_deadline = models.DateField(_("thời hạn mới"), null=True, blank=True)
    new_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thay đổi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("thay đổi thời hạn")
        verbose_name_plural = _("lịch sử thời hạn")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.old_deadline} → {self.new_deadline}"
