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


# The leader's evaluation at sign-off (issue 17): quality on a 1–5 scale.
QUALITY_CHOICES = [
    (5, _("5 — Xuất sắc")),
    (4, _("4 — Tốt")),
    (3, _("3 — Đạt yêu cầu")),
    (2, _("2 — Cần bổ sung")),
    (1, _("1 — Không đạt")),
]


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
    # Required when confirming (clean): the evaluation is recorded with the confirmation.
    quality = forms.TypedChoiceField(
        label=_("Đánh giá chất lượng (1–5)"),
        choices=[("", "")] + [(str(v), label) for v, label in QUALITY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Đánh giá chất lượng phải từ 1 đến 5.")},
    )
    quality_comment = forms.CharField(
        label=_("Nhận xét"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("Nhận xét tối đa 500 ký tự.")},
    )

    def clean(self):
        cleaned = super().clean()
        action, note = cleaned.get("action"), (cleaned.get("note") or "").strip()
        if (
            action == Action.CONFIRM
            and cleaned.get("quality") is None
            and not self.has_error("quality")
        ):
            self.add_error("quality", _("Hãy đánh giá chất lượng (1–5) khi xác nhận hoàn thành."))
        if action != Action.CONFIRM:
            cleaned["quality"], cleaned["quality_comment"] = None, ""
        cleaned["quality_comment"] = (cleaned.get("quality_comment") or "").strip()
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
