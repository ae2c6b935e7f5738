"""Forms of the decisions leaders take from the dashboard (the writes go through actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives import params
from directives.models import Action

DECISIONS = {
    Action.CONFIRM: _("Xác nhận hoàn thành"),
    Action.REFUSE: _("Từ chối xác nhận"),
    Action.SUSPEND: _("Tạm hoãn"),
    Action.RESUME: _("Tiếp tục thực hiện"),
    Action.UNDO_CONFIRM: _("Hủy xác nhận hoàn thành"),
    Action.REOPEN: _("Mở lại nhiệm vụ"),
}


class DecisionForm(forms.Form):
    """Carries the dashboard's filters back, so the answer is the same view, updated."""

    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class TransitionForm(DecisionForm):
    action = forms.ChoiceField(choices=list(DECISIONS.items()))
    note = forms.CharField(label=_("Lý do"), required=False, max_length=2000)
    version = params.IntegerParamField(required=False, min_value=1, widget=forms.HiddenInput)
    # The second step of a confirmation below 100 %: the percent the leader was shown (a button
    # of the dashboard's second step, or a checkbox on the assignment page).
    confirm_below = params.IntegerParamField(required=False, min_value=0, max_value=100)
    # "assignment": answer with the assignment page rather than the dashboard.
    back_to = forms.ChoiceField(choices=[("", ""), ("assignment", "")], required=False)

    def clean(self):
        cleaned = super().clean()
        action, note = cleaned.get("action"), (cleaned.get("note") or "").strip()
        if action == Action.REOPEN and not note:
            self.add_error("note", _("Cần nêu lý do mở lại nhiệm vụ."))
        if action == Action.REFUSE and not note:
            self.add_error("note", _("Cần nêu lý do từ chối để đơn vị biết việc phải làm lại."))
        if action == Action.SUSPEND and not note:
            self.add_error("note", _("Cần nêu lý do tạm hoãn."))
        cleaned["note"] = note
        return cleaned


class UrgeForm(DecisionForm):
    message = forms.CharField(
        label=_("Nội dung đôn đốc"),
        max_length=2000,
        error_messages={"required": _("Cần nhập nội dung đôn đốc.")},
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Cần nhập nội dung đôn đốc."))
        return message


class ExtensionDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Đồng ý gia hạn")), ("refuse", _("Không đồng ý"))]
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        cleaned["note"] = (cleaned.get("note") or "").strip()
        if cleaned.get("decision") == "refuse" and not cleaned["note"]:
            self.add_error("note", _("Cần nêu lý do không đồng ý gia hạn."))
        return cleaned
