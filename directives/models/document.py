"""Documents (văn bản): the conclusions and notices that directives come from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directives.text import search_key

from .searchable import SearchColumnsMixin, SearchColumnsQuerySet


class DocumentQuerySet(SearchColumnsQuerySet):
    def newest_first(self) -> DocumentQuerySet:
        return self.order_by("-issue_date", "-pk")


class Document(SearchColumnsMixin, models.Model):
    """One source document; its full text is kept so directives can always be read in context."""

    number = models.CharField(_("số/ký hiệu"), max_length=60, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    issuing_unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị giao nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        help_text=_("Lãnh đạo của đơn vị này xác nhận hoàn thành và quyết định gia hạn."),
    )
    signer = models.CharField(_("người ký / lãnh đạo chỉ đạo"), max_length=200, blank=True)
    issue_date = models.DateField(_("ngày ban hành"))
    source_text = models.TextField(_("toàn văn"), blank=True)
    # Fingerprint of the imported text: importing the same file twice finds this row.
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    # Folded copies for search (directives.search): the title, and everything searchable.
    search_title = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = DocumentQuerySet.as_manager()

    SEARCH_SOURCES = frozenset({"number", "subject", "issuer", "signer", "source_text"})

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issue_date", "-pk"]
        # Newest first, a page at a time, without sorting every document (search, selects).
        indexes = [models.Index(fields=["issue_date", "id"], name="document_issue_order")]

    def __str__(self) -> str:
        label = self.number or self.issue_date.strftime("%d/%m/%Y")
        return f"{label} — {self.subject}"

    def search_columns(self) -> dict[str, str]:
        return {
            "search_title": search_key(self.number, self.subject),
            # The full text too: a word of the body finds the document ("đoàn kết").
            "search_text": search_key(
                self.number, self.subject, self.issuer, self.signer, self.source_text
            ),
        }
