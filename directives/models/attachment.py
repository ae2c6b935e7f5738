"""Evidence files (tệp minh chứng) attached to a progress update.

Files live under MEDIA_ROOT, outside the static folders, under a random name: the user's file name
is kept only as text for display and for the download's Content-Disposition. They are served only by
a view that checks the user may see the assignment. Like progress updates, they are never edited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def evidence_path(instance: Attachment, filename: str) -> str:
    """A path the user cannot influence: assignment id, a random name, the sniffed extension."""
    return f"evidence/{instance.assignment_id}/{uuid.uuid4().hex}.{instance.extension}"


class StoredFile(models.Model):
    """What every stored file keeps beside the file itself: its name as the user gave it (text
    only), what its content says it is, its size and hash, who uploaded it and when."""

    name = models.CharField(_("tên tệp"), max_length=200)
    # Extension and type come from the file's content (directives.evidence), never from its name.
    extension = models.CharField(_("loại tệp"), max_length=10)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile):
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    update = models.ForeignKey(
        "directives.ProgressUpdate",
        verbose_name=_("báo cáo tiến độ"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
