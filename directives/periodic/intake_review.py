"""The intake review page's part for reporting obligations (issue 18, item 4): what the parser
proposed, as a formset the admin checks, edits or leaves out before anything is created.

The proposals travel in the page like the assignments do: each row names its directive by the
position of that directive in the review (a hidden key), and the confirm step creates only the
rows left ticked, in the same transaction as the document.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directives import params
from directives.forms import PostedFormsFormSet
from directives.models import Unit
from directives.models.reporting import Frequency
from directives.periodic import intake

PREFIX = "obl"


class UnitsField(forms.ModelMultipleChoiceField):
    """Units by id, ids read as ASCII digits within the id column (Django's own passes 10**30 on
    to the database)."""

    def _check_values(self, value):
        for item in value:
            try:
                params.parse_int(str(item), minimum=1, maximum=params.MAX_ID)
            except params.ParamError:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:20]},
                ) from None
        return super()._check_values(value)


class ObligationForm(forms.Form):
    include = forms.BooleanField(label=_("Tạo chế độ báo cáo này"), required=False)
    directive = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10_000)
    phrase = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    title = forms.CharField(label=_("Tên báo cáo"), max_length=300)
    frequency = forms.ChoiceField(label=_("Tần suất"), choices=Frequency.choices)
    due_rule = forms.CharField(label=_("Hạn nộp mỗi kỳ"), max_length=200)
    receiving_unit = params.IdChoiceField(
        label=_("Đơn vị nhận báo cáo"), queryset=Unit.objects.none(), required=False
    )
    units = UnitsField(label=_("Đơn vị phải báo cáo"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Unit.objects.active().order_by("path")
        self.fields["receiving_unit"].queryset = active
        self.fields["units"].queryset = active
        self.fields["units"].widget.attrs["size"] = 6

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("include"):
            return cleaned
        if not cleaned.get("receiving_unit"):
            self.add_error("receiving_unit", _("Hãy chọn đơn vị nhận báo cáo."))
        if not cleaned.get("units"):
            self.add_error("units", _("Hãy chọn ít nhất một đơn vị phải báo cáo."))
        return cleaned


# A forged TOTAL_FORMS builds only the forms posted, never more than the 200 allowed.
ObligationFormSet = forms.formset_factory(
    ObligationForm, formset=PostedFormsFormSet, extra=0, max_num=200, absolute_max=200
)


def initial(proposal, index) -> list[dict]:
    """The review's initial rows: every reporting phrase the parser found, ticked."""
    keys = {id(item.directive): key for key, item in enumerate(proposal.directives)}
    rows = []
    for directive, found, leads in intake.propose_for(proposal):
        receiver = index.match_name(found.receiving_name) if found.receiving_name else None
        rows.append(
            {
                "include": True,
                "directive": keys[id(directive)],
                "phrase": found.phrase,
                "title": found.title[:300] or gettext("Báo cáo kết quả thực hiện"),
                "frequency": found.frequency,
                "due_rule": found.due_rule,
                "receiving_unit": receiver.pk if receiver else None,
                "units": [u.pk for u in leads],
            }
        )
    return rows


def formset(data=None, initial_rows=None) -> ObligationFormSet:
    """The bound formset of a confirm, or the review's; a confirm that carries no obligation rows
    (a page from before this part existed, a hand-made request) simply has none."""
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = {f"{PREFIX}-TOTAL_FORMS": "0", f"{PREFIX}-INITIAL_FORMS": "0"}
    return ObligationFormSet(data, prefix=PREFIX, initial=initial_rows)


def create(formset_, *, document, directives: list, errors_as) -> int:
    """Create the ticked obligations of a valid formset for `document`; `directives` are the
    created directives by review key. A rule the model refuses raises `errors_as(message)`."""
    created = 0
    for form in formset_:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        key = data["directive"]
        if key >= len(directives):
            raise errors_as(gettext("Phiên nhập văn bản không hợp lệ; hãy bắt đầu lại."))
        if directives[key] is None:
            continue  # its directive was left out: so is the report it asked for
        found = intake.ProposedObligation(
            frequency=data["frequency"],
            due_rule=data["due_rule"].strip(),
            phrase=data["phrase"],
            title=data["title"].strip(),
        )
        try:
            intake.create_from_proposal(
                found,
                document=document,
                directive=directives[key],
                units=list(data["units"]),
                receiving_unit=data["receiving_unit"],
            )
        except ValidationError as error:
            messages = [m for values in error.message_dict.values() for m in values]
            raise errors_as(
                gettext("Chế độ báo cáo “%(title)s”: %(error)s")
                % {"title": found.title, "error": " ".join(messages)}
            ) from error
        created += 1
    return created
