"""Form fields shared by every place a deadline is set or extended (admin, extension form)."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.calendar import DeadlinePhraseError, ResolvedDeadline, resolve_deadline
from directives.widgets import DeadlineInput


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
        kwargs.setdefault("widget", DeadlineInput)
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


def id_out_of_range(model, value, to_field: str | None = None) -> bool:
    """True when `value` is a number the id column of `model` cannot hold.

    Django's model choice fields catch ids that are not numbers but pass 9223372036854775808 on
    to the database, where it raises OverflowError (SQLite) or "out of range" (PostgreSQL) and the
    page answers 500. Found by tests/test_hostile_input.py.
    """
    from django.db import connections, router

    field = model._meta.get_field(to_field) if to_field else model._meta.pk
    if not isinstance(field, models.IntegerField):
        return False
    try:
        number = int(str(value).strip())
    except ValueError:
        return False  # not a number at all: the field's own check reports it
    low, high = connections[router.db_for_read(model)].ops.integer_field_range(
        field.get_internal_type()
    )
    return not low <= number <= high


class _BoundedIdsMixin:
    """Refuse ids the database column cannot hold, before they reach a query."""

    def _out_of_range(self, value) -> bool:
        return id_out_of_range(self.queryset.model, value, self.to_field_name)


class BoundedModelChoiceField(_BoundedIdsMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and self._out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class BoundedModelMultipleChoiceField(_BoundedIdsMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple, set, frozenset)) else ():
            if self._out_of_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
