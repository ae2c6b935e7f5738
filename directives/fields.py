"""Form fields shared by every place a deadline is set or extended (admin, extension form)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.calendar import DeadlinePhraseError, ResolvedDeadline, resolve_deadline


def known_events() -> dict[str, object]:
    """The events admins keep, by name, for phrases like "trước Đại hội XIII"."""
    from directives.models import Event

    return dict(Event.objects.values_list("name", "date"))


class DeadlineField(forms.Field):
    """A deadline typed as a date (dd/mm/yyyy) or a phrase ("trước Tết Nguyên đán 2021",
    "5 ngày làm việc kể từ 08/02/2021", "trong quý I/2021"); cleans to a ResolvedDeadline."""

    default_error_messages = {
        "invalid": _(
            "Không hiểu thời hạn “%(value)s”. Nhập ngày dd/mm/yyyy hoặc một cụm như "
            "“trước Tết Nguyên đán 2021”, “trong quý I/2021”."
        ),
    }

    def __init__(self, *args, start=None, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Ngày dd/mm/yyyy, hoặc: trước Tết Nguyên đán 2021, trước Tết Dương lịch 2021, "
                "trước Đại hội XIII (tên sự kiện đã khai báo), trong tháng 12/2020, "
                "trong quý I/2021, 5 ngày làm việc kể từ 08/02/2021."
            ),
        )
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
        self.start = start

    max_length = 200

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length)}

    def to_python(self, value) -> ResolvedDeadline | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(
                _("Thời hạn quá dài (tối đa %(n)d ký tự).") % {"n": self.max_length},
                code="max_length",
            )
        try:
            return resolve_deadline(
                text, start=self.start or timezone.localdate(), events=known_events()
            )
        except DeadlinePhraseError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
