"""Forms of the periodic report pages: a unit's submission and the receiver's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives import evidence
from directives.params import IntegerParamField
from directives.periodic.actions import MAX_REASON, MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to evidence.MAX_FILES files; each is checked by the action (content, name, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung báo cáo"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    files = MultipleFileField(
        label=_("Tệp báo cáo (PDF, Word, Excel, JPG, PNG; tối đa 5 tệp, mỗi tệp 10 MB)")
    )
    version = IntegerParamField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, figure_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_names = list(figure_names)
        for index, name in enumerate(self.figure_names):
            self.fields[f"figure_{index}"] = forms.CharField(
                label=name, required=False, max_length=40
            )

    def figures(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"figure_{index}", "")
            for index, name in enumerate(self.figure_names)
        }

    def figure_fields(self):
        return [self[f"figure_{index}"] for index in range(len(self.figure_names))]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("accept", _("Tiếp nhận")), ("return", _("Trả lại"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do trả lại / ghi chú"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = IntegerParamField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Cần nêu lý do trả lại báo cáo."))
        return data
