"""The split form: one part of an assignment for a unit below the lead unit or a named member."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.cascade.actions import members_of, targets_below
from directives.fields import BoundedModelMultipleChoiceField, DeadlineField


class SplitForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Giao cho"),
        error_messages={
            "required": _("Chọn đơn vị cấp dưới hoặc cán bộ được giao."),
            "invalid_choice": _("Đơn vị hoặc cán bộ được chọn không thuộc đơn vị chủ trì."),
        },
    )
    expected_result = forms.CharField(
        label=_("Phần việc, kết quả cần đạt"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy nêu phần việc, kết quả cần đạt.")},
    )
    deadline = DeadlineField(label=_("Thời hạn"), required=False)
    coordinating_units = BoundedModelMultipleChoiceField(
        label=_("Đơn vị phối hợp"), queryset=None, required=False
    )

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        units = list(targets_below(parent).only("pk", "name", "path"))
        self.units_by_id = {u.pk: u for u in units}
        members = list(members_of(parent))
        self.users_by_id = {m.user_id: m.user for m in members}
        base = parent.lead_unit.depth + 1
        self.fields["target"].choices = [
            ("", "—"),
            (
                _("Đơn vị cấp dưới"),
                [(f"unit:{u.pk}", "— " * (u.depth - base) + u.name) for u in units],
            ),
            (
                _("Cán bộ của %(unit)s") % {"unit": parent.lead_unit.name},
                [(f"user:{m.user_id}", m.user.get_full_name() or m.user.username) for m in members],
            ),
        ]
        self.fields["coordinating_units"].queryset = targets_below(parent)
        if parent.deadline is not None:
            self.fields["deadline"].required = True
            self.fields["deadline"].error_messages["required"] = _(
                "Hãy nêu thời hạn cho phần việc."
            )
            self.fields["deadline"].help_text = _(
                "Không sau thời hạn của nhiệm vụ cấp trên (%(date)s). Ngày dd/mm/yyyy hoặc một "
                "cụm như “trước Tết Nguyên đán 2021”."
            ) % {"date": parent.deadline.strftime("%d/%m/%Y")}

    def clean_deadline(self):
        resolved = self.cleaned_data["deadline"]
        limit = self.parent.deadline
        if resolved is not None and limit is not None and resolved.date > limit:
            raise forms.ValidationError(
                _(
                    "Thời hạn phần việc (%(new)s) không được sau thời hạn của nhiệm vụ cấp trên "
                    "(%(parent)s)."
                )
                % {"new": resolved.date.strftime("%d/%m/%Y"), "parent": limit.strftime("%d/%m/%Y")},
                code="after_parent",
            )
        return resolved

    def clean_target(self):
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        found = (
            self.units_by_id.get(int(pk))
            if kind == "unit"
            else self.users_by_id.get(int(pk))
            if kind == "user"
            else None
        )
        if found is None:  # the choices hold every valid value; this is only a guard
            raise forms.ValidationError(self.fields["target"].error_messages["invalid_choice"])
        return (kind, found)
