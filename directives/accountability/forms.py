"""Forms of requests for explanation and of the scorecard's period (writes go through actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives import params
from directives.fields import DeadlineField
from directives.forms import EvidenceFilesField


class ExplanationRequestForm(forms.Form):
    question = forms.CharField(
        label=_("Nội dung yêu cầu giải trình"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy nêu nội dung cần đơn vị giải trình.")},
    )
    reply_by = DeadlineField(
        label=_("Hạn giải trình"),
        error_messages={"required": _("Hãy nhập hạn giải trình.")},
    )

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError(_("Hãy nêu nội dung cần đơn vị giải trình."))
        return question


class ExplanationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung giải trình"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Hãy nhập nội dung giải trình.")},
    )
    files = EvidenceFilesField(
        label=_("Tệp kèm theo"),
        help_text=_("Tối đa 5 tệp PDF, Word, Excel, JPG hoặc PNG; mỗi tệp không quá 10 MB."),
    )
    version = params.IntegerParamField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Hãy nhập nội dung giải trình."))
        return answer
