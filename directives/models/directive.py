"""Directives (nhiệm vụ): the numbered items of a document, optionally split into parts."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from directives.text import search_key

from .searchable import SearchColumnsMixin, SearchColumnsQuerySet


class Directive(SearchColumnsMixin, models.Model):
    document = models.ForeignKey(
        "directives.Document",
        verbose_name=_("văn bản"),
        on_delete=models.CASCADE,
        related_name="directives",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cha"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
    )
    number = models.CharField(_("số thứ tự"), max_length=20)
    position = models.PositiveIntegerField(_("thứ tự sắp xếp"), default=0)
    title = models.CharField(_("tên ngắn"), max_length=300)
    text = models.TextField(_("toàn văn nhiệm vụ"))
    # Folded copies (directives.text.search_key) for searching as people type: number and
    # title, and number, title and text.
    search_title = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = SearchColumnsQuerySet.as_manager()

    SEARCH_SOURCES = frozenset({"number", "title", "text"})

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["document", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="directive_number_unique_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Save; a directive moved to another document takes its assignments' counts along
        (`DocumentTally`), in the same transaction."""
        update_fields = kwargs.get("update_fields")
        if self.pk is None or (
            update_fields is not None and not {"document", "document_id"} & set(update_fields)
        ):
            super().save(*args, **kwargs)
            return
        from directives import aggregates

        with transaction.atomic():
            before = (
                Directive.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("document_id", flat=True)
                .first()
            )
            super().save(*args, **kwargs)
            if before is not None:
                aggregates.directive_moved(self.pk, before, self.document_id)

    def search_columns(self) -> dict[str, str]:
        return {
            "search_title": search_key(self.number, self.title),
            "search_text": search_key(self.number, self.title, self.text),
        }
