"""Forms of the application. Each write form carries the assignment's version (hidden) so a save
made on stale data is refused instead of silently overwriting someone else's work."""

from __future__ import annotations

import re

from django import forms
from django.forms.formsets import ManagementForm
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from directives import evidence, params
from directives.fields import DeadlineField
from directives.models import Standing, Status

# ---- Staff: list filters, progress, workflow -------------------------------------------------


def _html_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python: ` name="value"`, ` name` for True, False left
    out."""
    return "".join(
        f" {name}" if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class ManyOptionsSelect(forms.Select):
    """Django's select, with the HTML of its templates (select.html, select_option.html) written
    in Python rather than one template include per option: the directive filter lists every
    directive the unit has — a thousand options at national size, which rendered through the
    templates cost more than the rest of the page. The option chosen is Django's rule
    (`ChoiceWidget.optgroups`): the first whose value equals the field's; choices in groups
    take Django's own path."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)
        if self.allow_multiple_selected or any(
            isinstance(label, (list, tuple)) for _value, label in choices
        ):
            return super().render(name, value, attrs, renderer)
        values = self.format_value(value)
        parts = [
            format_html('<select name="{}"', name),
            _html_attrs(self.build_attrs(self.attrs, attrs)),
            ">",
        ]
        chosen = False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in values
            chosen |= selected
            parts += [
                format_html('\n  <option value="{}"', option_value),
                " selected" if selected else "",
                ">",
                conditional_escape(label),
                "</option>\n",  # select_option.html ends with a newline
            ]
        parts.append("\n</select>")  # the renderer strips the template's last newline
        return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


class AssignmentFilterForm(forms.Form):
    """The filters of "Việc của đơn vị"; every value is optional and bad values are ignored."""

    ROLE_LEAD = "lead"
    ROLE_COORDINATING = "coordinating"

    q = forms.CharField(
        label=_("Tìm trong danh sách"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên nhiệm vụ, đơn vị, kết quả…")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(Status.choices),
        widget=ManyOptionsSelect,
    )
    standing = forms.ChoiceField(
        label=_("Tình trạng thời hạn"),
        required=False,
        choices=[("", _("Tất cả"))] + list(Standing.choices),
        widget=ManyOptionsSelect,
    )
    directive = forms.TypedChoiceField(
        label=_("Nhiệm vụ"),
        required=False,
        coerce=params.to_int,
        empty_value=None,
        widget=ManyOptionsSelect,
    )
    role = forms.ChoiceField(
        label=_("Vai trò của đơn vị"),
        required=False,
        choices=[
            ("", _("Chủ trì và phối hợp")),
            (ROLE_LEAD, _("Chủ trì")),
            (ROLE_COORDINATING, _("Phối hợp")),
        ],
        widget=ManyOptionsSelect,
    )

    def __init__(self, *args, directive_choices=(), show_role: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directive"].choices = [("", _("Tất cả")), *directive_choices]
        if not show_role:
            del self.fields["role"]

    def filters(self) -> dict:
        """The valid filter values; an invalid one is dropped rather than failing the page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class VersionedForm(forms.Form):
    version = params.IntegerParamField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        if assignment is not None:
            self.fields["version"].initial = assignment.version
        # Unique ids per form, so several forms can live on one page.
        self.fields["version"].widget.attrs["data-assignment-version"] = (
            assignment.pk if assignment is not None else ""
        )

    def refresh_version(self, version: int) -> None:
        """After a conflict: keep what the user typed, but let the next save be made knowingly."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Up to five evidence files, each checked by its content (directives.evidence)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs["accept"] = evidence.ACCEPT_ATTRIBUTE

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > evidence.MAX_FILES:
            raise forms.ValidationError(
                _("Chỉ được đính kèm tối đa %(n)d tệp.") % {"n": evidence.MAX_FILES},
                code="max_files",
            )
        errors = []
        checked = []
        for upload in uploads:
            try:
                checked.append((upload, evidence.check_upload(upload)))
            except evidence.EvidenceError as error:
                errors.append(forms.ValidationError(str(error), code="invalid_file"))
        if errors:
            raise forms.ValidationError(errors)
        return checked


class ProgressForm(VersionedForm):
    prefix = "progress"

    note = forms.CharField(
        label=_("Nội dung cập nhật"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy nhập nội dung cập nhật tiến độ.")},
    )
    percent = params.IntegerParamField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Hãy nhập tiến độ từ 0 đến 100."),
            "invalid": _("Tiến độ phải là một số nguyên từ 0 đến 100."),
            "min_value": _("Tiến độ phải từ 0 đến 100."),
            "max_value": _("Tiến độ phải từ 0 đến 100."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = EvidenceFilesField(
        label=_("Tệp minh chứng"),
        help_text=_("Tối đa 5 tệp PDF, Word, Excel, JPG hoặc PNG; mỗi tệp không quá 10 MB."),
    )

    def __init__(
        self, *args, assignment=None, coordinating: bool = False, own_percent=None, **kwargs
    ):
        super().__init__(*args, assignment=assignment, **kwargs)
        if coordinating:
            # A coordinating unit reports the percent of its own part, starting from its last.
            self.fields["percent"].label = _("Tiến độ phần việc của đơn vị (%)")
            self.fields["percent"].initial = own_percent or 0
        elif assignment is not None:
            self.fields["percent"].initial = assignment.percent


class StartForm(VersionedForm):
    prefix = "start"


class ReportDoneForm(VersionedForm):
    prefix = "report"

    note = forms.CharField(
        label=_("Kết quả đã hoàn thành"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy nêu kết quả đã hoàn thành trước khi báo cáo.")},
    )
    files = EvidenceFilesField(
        label=_("Tệp minh chứng"),
        help_text=_("Tối đa 5 tệp PDF, Word, Excel, JPG hoặc PNG; mỗi tệp không quá 10 MB."),
    )


class ExtensionForm(VersionedForm):
    prefix = "extension"

    new_deadline = DeadlineField(
        label=_("Thời hạn đề nghị"),
        error_messages={"required": _("Hãy nhập thời hạn mới.")},
    )
    reason = forms.CharField(
        label=_("Lý do đề nghị gia hạn"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy nêu lý do đề nghị gia hạn.")},
    )

    def clean_new_deadline(self):
        resolved = self.cleaned_data["new_deadline"]
        current = self.assignment.deadline if self.assignment is not None else None
        if resolved is not None and current is not None and resolved.date <= current:
            raise forms.ValidationError(
                _("Thời hạn đề nghị (%(new)s) phải sau thời hạn hiện tại (%(current)s).")
                % {
                    "new": resolved.date.strftime("%d/%m/%Y"),
                    "current": current.strftime("%d/%m/%Y"),
                },
                code="not_later",
            )
        return resolved


# ---- Formsets ---------------------------------------------------------------------------------

_FORM_INDEX = re.compile(r"([0-9]+)-")


class PostedFormsFormSet(forms.BaseFormSet):
    """A bound formset of the forms whose fields were posted, not of as many as TOTAL_FORMS says.

    Every form of these pages posts at least one field (a hidden name, a title), so a count
    larger than the forms sent is forged or broken. Django would build that many forms, up to
    `absolute_max`, and the page would render them all empty: the intake's 500 unknown-name
    forms took 11 s. Here only the posted ones are built and shown, with an error saying the
    count did not match; the management form then carries the true count, so sending the page
    again works and nothing the user entered is lost.
    """

    def _posted_count(self) -> int:
        if not hasattr(self, "_posted"):
            start = f"{self.prefix}-"
            indexes = (
                _FORM_INDEX.match(key, len(start)) for key in self.data if key.startswith(start)
            )
            self._posted = max((int(m.group(1)) + 1 for m in indexes if m), default=0)
        return self._posted

    def _declared_count(self) -> int | None:
        try:
            return forms.IntegerField().clean(self.data.get(f"{self.prefix}-TOTAL_FORMS"))
        except forms.ValidationError:
            return None  # Django's management form says what is wrong

    def _overstated(self) -> bool:
        declared = self._declared_count()
        return self.is_bound and declared is not None and declared > self._posted_count()

    @cached_property
    def management_form(self):
        if not self._overstated():
            return super().management_form
        data = self.data.copy()
        data[f"{self.prefix}-TOTAL_FORMS"] = str(self._posted_count())
        form = ManagementForm(
            data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
        )
        form.full_clean()
        return form

    def full_clean(self) -> None:
        super().full_clean()
        if self._overstated():
            self._non_form_errors.append(
                forms.ValidationError(
                    _(
                        "Trang gửi lên ít dòng hơn số dòng đã khai; %(posted)s dòng gửi lên được "
                        "hiện lại dưới đây, hãy kiểm tra rồi gửi lại."
                    ),
                    code="forged_count",
                    params={"posted": self._posted_count()},
                )
            )
