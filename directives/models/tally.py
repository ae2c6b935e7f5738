"""Maintained counts of assignments (bảng đếm duy trì sẵn), so dashboards cost the same at any size.

One row counts the assignments with one workflow status, one current deadline and one "done late"
flag whose lead unit lies in the subtree of `unit`: every assignment is counted once for its lead
unit and once for each unit above it. A dashboard for any scope therefore reads only the rows of
that one unit — a few thousand at most, bounded by the number of distinct deadlines rather than by
the number of assignments — and any reporting group as of any date follows from them (deadline
before the date and not done → overdue, and so on).

The rows are kept by `directives.aggregates`, called from the model layer in the same transaction
as the write; `python manage.py check_aggregates` recounts them from scratch.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .assignment import Status


class _Tally(models.Model):
    """A count of assignments by their tally key (`directives.aggregates.key_for`)."""

    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    # Done after the (current) deadline, or awaiting sign-off and reported after it (or on an
    # unknown day); always false for other work and without a deadline.
    late = models.BooleanField(_("hoàn thành quá hạn"), default=False)
    count = models.IntegerField(_("số phân công"), default=0)

    class Meta:
        abstract = True


class AssignmentTally(_Tally):
    unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị (cả cây đơn vị con)"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the composite index below starts with it
    )

    class Meta:
        verbose_name = _("bảng đếm phân công")
        verbose_name_plural = _("bảng đếm phân công")
        indexes = [models.Index(fields=["unit", "status", "deadline"], name="tally_unit_status_dl")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status} {self.deadline} {self.late}: {self.count}"


class DocumentTally(_Tally):
    """The same counts per document: top-level assignments of one document by status, current
    deadline and "done late" flag (the key of `AssignmentTally`).

    Why a table of its own: the leaders' overview adds up every document of a scope by
    document (its per-document and per-issuing-body rows, its headline), and the issuing body,
    kind and issue date that filter it are the document's. Keyed by document and lead unit
    together the rows would be as many as the assignments (651,000 pairs at a million), so the
    lead unit stays in `AssignmentTally` and the two are read side by side
    (`directives.leaders.overview`). Kept by `directives.aggregates` in the same writes.
    """

    document = models.ForeignKey(
        "directives.Document",
        verbose_name=_("văn bản"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the composite index below starts with it
    )

    class Meta:
        verbose_name = _("bảng đếm phân công theo văn bản")
        verbose_name_plural = _("bảng đếm phân công theo văn bản")
        indexes = [
            models.Index(fields=["document", "status", "deadline"], name="doctally_doc_status_dl")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.status} {self.deadline} {self.late}: {self.count}"
