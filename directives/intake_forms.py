"""Forms of the review page "Nhập văn bản": the source, then everything the parser proposed.

Nothing is stored between the two steps: the source text travels in a signed, compressed hidden
field (django.core.signing), and every proposal is an ordinary form field the admin can change.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core import signing
from django.utils.translation import gettext_lazy as _

from directives import params
from directives.fields import DeadlineField
from directives.forms import PostedFormsFormSet
from directives.importers.conclusion import (
    MAX_TEXT_BYTES,
    DocumentParseError,
    ParsedDocument,
    check_size,
    parse_conclusion,
)
from directives.importers.files import ACCEPTED, read_upload
from directives.importers.proposals import DocumentProposal
from directives.importers.units import (
    ALIAS,
    DISTRICT,
    EXACT,
    FUZZY,
    PROVINCE,
    RELATIVE,
    UnitIndex,
    canon,
    kind_for,
)
from directives.models import Assignment, Unit, UnitKind
from directives.widgets import DateInput

SALT = "directives.intake.source"
SET_DURING_IMPORT = "ấn định khi nhập văn bản"


def sign_source(text: str) -> str:
    return signing.dumps({"text": text}, salt=SALT, compress=True)


def unsign_source(payload: str) -> str:
    """The source text of a review form; raises signing.BadSignature when tampered with."""
    return signing.loads(payload, salt=SALT)["text"]


class SourceForm(forms.Form):
    """Step 1: a pasted text or an uploaded file."""

    text = forms.CharField(
        label=_("Dán toàn văn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": MAX_TEXT_BYTES // 4}),
        help_text=_("Dán nội dung thông báo kết luận, hoặc chọn tệp bên dưới."),
    )
    file = forms.FileField(
        label=_("Hoặc tải tệp lên"),
        required=False,
        help_text=_("Tệp .txt (UTF-8), .docx hoặc .pdf có lớp chữ; tối đa 1 MB văn bản."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", "").strip(), cleaned.get("file")
        if self.errors:
            return cleaned
        if not text and upload is None:
            raise forms.ValidationError(_("Hãy dán toàn văn hoặc chọn một tệp."), code="empty")
        if text and upload is not None:
            raise forms.ValidationError(
                _("Chỉ dán văn bản hoặc chọn tệp, không cả hai."), code="both"
            )
        field = "text" if text else "file"
        try:
            if upload is not None:
                check_size(upload.size)  # before reading a large file into memory
                text = read_upload(upload.name, upload.read())
            cleaned["parsed"] = parse_conclusion(text)
        except DocumentParseError as error:
            self.add_error(field, str(error))
        return cleaned


class DocumentForm(forms.Form):
    number = forms.CharField(label=_("Số/ký hiệu"), max_length=60, required=False)
    subject = forms.CharField(label=_("Trích yếu"), max_length=500)
    issue_date = params.DateParamField(
        label=_("Ngày ban hành"),
        widget=DateInput(),
        help_text=_("dd/mm/yyyy"),
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    signer = forms.CharField(label=_("Người ký / lãnh đạo chỉ đạo"), max_length=200, required=False)
    issuing_unit = forms.ModelChoiceField(
        label=_("Đơn vị giao nhiệm vụ"),
        queryset=Unit.objects.active(),
        required=False,
        help_text=_("Lãnh đạo của đơn vị này xác nhận hoàn thành và quyết định gia hạn."),
    )


class DirectiveForm(forms.Form):
    include = forms.BooleanField(label=_("Nhập nhiệm vụ này"), required=False, initial=True)
    number = forms.CharField(label=_("Số thứ tự"), max_length=20)
    title = forms.CharField(label=_("Tên ngắn"), max_length=300)
    text = forms.CharField(label=_("Toàn văn nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 4}))


class BaseDirectiveFormSet(PostedFormsFormSet):
    def clean(self):
        if any(self.errors):
            return
        numbers = [
            f.cleaned_data["number"].strip() for f in self.forms if f.cleaned_data["include"]
        ]
        if not numbers:
            raise forms.ValidationError(_("Hãy giữ lại ít nhất một nhiệm vụ."))
        for form in self.forms:
            number = form.cleaned_data["number"].strip()
            if form.cleaned_data["include"] and numbers.count(number) > 1:
                form.add_error("number", _("Số thứ tự “%(n)s” bị trùng.") % {"n": number})


DirectiveFormSet = forms.formset_factory(DirectiveForm, formset=BaseDirectiveFormSet, extra=0)


# How sure a proposed unit is, in words (units.EXACT …); anything below exact is highlighted.
CONFIDENCE = {
    EXACT: _("khớp đúng tên"),
    ALIAS: _("khớp tên gọi khác"),
    RELATIVE: _("suy ra từ cơ quan ban hành"),
    FUZZY: _("khớp gần đúng, cần kiểm tra"),
}
LEVEL = {
    PROVINCE: _("cấp tỉnh"),
    DISTRICT: _("cấp huyện"),
    "commune": _("cấp xã"),
}


# The level word a same-level name takes, as written ("cùng cấp" of a district is "huyện").
SAME_LEVEL_WORD = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "thanh pho": "thành phố",
    "thi xa": "thị xã",
    "xa": "xã",
    "thi tran": "thị trấn",
}


class UnitAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete of units, with its search box named for screen readers
    (static/js/intake.js) and no "clear all" cross, which select2 puts inside its list."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs

    @property
    def media(self):
        return super().media + forms.Media(js=["js/intake.js"])


def unknown_choices(unknown: list[str]) -> list[tuple[str, str]]:
    return [(f"n:{i}", str(n)) for i, n in enumerate(unknown)]


def unit_choices(units: list[Unit], unknown: list[str]) -> list[tuple[str, str]]:
    """Known units ("u:<pk>"), then the names the text gave that no unit matches ("n:<i>")."""
    known = [(f"u:{u.pk}", u.name) for u in units]
    names = [
        (f"n:{i}", _("%(name)s (chưa có trong danh mục)") % {"name": n})
        for i, n in enumerate(unknown)
    ]
    return known + names


class AssignmentForm(forms.Form):
    directive = params.IntegerParamField(widget=forms.HiddenInput, max_value=10_000)
    include = forms.BooleanField(label=_("Tạo phân công"), required=False, initial=True)
    lead = forms.ChoiceField(label=_("Đơn vị chủ trì"), required=False)
    # The admin's own autocomplete (select2, shipped with Django): type to find a unit, Enter
    # to add it, Backspace to remove the last; it renders only the units chosen, not every unit.
    coordinating = forms.ModelMultipleChoiceField(
        label=_("Đơn vị phối hợp"),
        queryset=Unit.objects.active(),
        required=False,
        widget=UnitAutocomplete(
            Assignment._meta.get_field("coordinating_units"),
            admin.site,
            attrs={"data-width": "100%"},  # a select2 option; no inline style under the CSP
        ),
        help_text=_("Gõ vài chữ của tên đơn vị rồi Enter để thêm; chọn được nhiều đơn vị."),
    )
    coordinating_unknown = forms.MultipleChoiceField(
        label=_("Phối hợp: tên chưa có trong danh mục"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Xử lý các tên này ở mục “Tên đơn vị chưa có trong danh mục”."),
    )
    # Own help text: the shared one holds "<năm>", which the form templates render as a tag.
    deadline = DeadlineField(
        label=_("Thời hạn"),
        required=False,
        help_text=_(
            "Ngày dd/mm/yyyy hoặc một cụm như “trước Tết Nguyên đán 2022”, “trong quý II/2021”, "
            "“10 ngày làm việc kể từ 12/04/2021”; để trống nếu không hạn."
        ),
    )
    flag = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False)
    deadline_phrase = forms.CharField(widget=forms.HiddenInput, required=False)
    # What the parser was sure of, carried through the round trip so a page with errors still
    # shows it: the lead's confidence and the coordinating units matched below exact.
    confidence = forms.CharField(widget=forms.HiddenInput, required=False)
    doubtful_coordinating = forms.CharField(widget=forms.HiddenInput, required=False)
    other_deadlines = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, choices=(), unknown=(), start: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("— chọn đơn vị —")), *choices]
        # Only the names the text gave for this row: forty rows each listing every unknown name
        # would bury the page.
        mine = {str(v) for v in self["coordinating_unknown"].value() or []}
        self.fields["coordinating_unknown"].choices = [c for c in unknown if c[0] in mine]
        self.fields["deadline"].start = start

    def confidence_label(self) -> str:
        value = self["confidence"].value() or ""
        lead = str(self["lead"].value() or "")
        if lead.startswith("n:"):
            return str(_("chưa có trong danh mục"))
        return str(CONFIDENCE.get(value, ""))

    def doubtful(self) -> bool:
        """Anything below an exact match, or a name the tree lacks: highlighted on the page."""
        value = self["confidence"].value() or ""
        lead = str(self["lead"].value() or "")
        return (
            bool(value and value != EXACT)
            or lead.startswith("n:")
            or bool(self["doubtful_coordinating"].value())
            or bool(self["coordinating_unknown"].value())
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not cleaned.get("lead"):
            self.add_error(
                "lead", _("Hãy chọn đơn vị chủ trì, hoặc bỏ chọn “Tạo phân công” cho dòng này.")
            )
        return cleaned

    def deadline_and_basis(self) -> tuple[dt.date | None, str]:
        """The date and basis to store: a flagged phrase keeps its wording beside the date set."""
        resolved, flag = self.cleaned_data.get("deadline"), self.cleaned_data.get("flag", "")
        if resolved is None:
            return None, flag
        if flag:
            return resolved.date, f"{flag}, {SET_DURING_IMPORT}"
        return resolved.date, resolved.basis


AssignmentFormSet = forms.formset_factory(AssignmentForm, formset=PostedFormsFormSet, extra=0)


class UnknownUnitForm(forms.Form):
    MAP, CREATE, IGNORE = "map", "create", "ignore"

    name = forms.CharField(label=_("Tên trong văn bản"), max_length=200, widget=forms.HiddenInput)
    # The level of the tree the name needs ("huyện" in the name, or the issuer's level): a name is
    # never mapped to another level's unit.
    level = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    action = forms.ChoiceField(
        label=_("Xử lý"),
        choices=[
            (MAP, _("Là đơn vị đã có")),
            (CREATE, _("Tạo đơn vị mới")),
            (IGNORE, _("Bỏ qua")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn cách xử lý tên này.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Chọn đơn vị"),
        queryset=Unit.objects.active(),
        required=False,
        help_text=_("Khi chọn “Là đơn vị đã có”."),
    )
    save_alias = forms.BooleanField(
        label=_("Lưu tên này làm tên gọi khác của đơn vị"), required=False, initial=True
    )
    new_name = forms.CharField(
        label=_("Tên đơn vị mới"),
        max_length=200,
        required=False,
        help_text=_("Khi chọn “Tạo đơn vị mới”: tên đầy đủ, kèm tên địa phương."),
    )
    kind = forms.ChoiceField(
        label=_("Loại đơn vị mới"),
        choices=UnitKind.choices,
        initial=UnitKind.DEPARTMENT,
        help_text=_("Khi chọn “Tạo đơn vị mới”."),
    )
    parent = forms.ModelChoiceField(
        label=_("Đơn vị cấp trên"),
        queryset=Unit.objects.active(),
        required=False,
        help_text=_("Khi chọn “Tạo đơn vị mới”."),
    )

    def __init__(self, *args, can_create: bool = True, levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        level = self["level"].value() or ""
        if levels is not None and level in levels:
            # Only units of the level the name needs can be chosen.
            self.fields["unit"].queryset = Unit.objects.active().filter(pk__in=levels[level])
        if not can_create:
            self.fields["action"].choices = [
                c for c in self.fields["action"].choices if c[0] != self.CREATE
            ]

    def clean(self):
        cleaned = super().clean()
        action, name = cleaned.get("action"), cleaned.get("name", "")
        if action == self.MAP and cleaned.get("unit") is None:
            self.add_error("unit", _("Hãy chọn đơn vị mà tên này chỉ đến."))
        new_name = (cleaned.get("new_name") or "").strip() or name
        cleaned["new_name"] = new_name
        exists = action == self.CREATE and Unit.objects.filter(name__iexact=new_name).exists()
        if exists:
            self.add_error(
                "action",
                _("Đã có đơn vị tên “%(name)s”: hãy chọn “Là đơn vị đã có”.") % {"name": new_name},
            )
        return cleaned

    def level_label(self) -> str:
        return str(LEVEL.get(self["level"].value() or "", ""))


# At most the 500 names the view lists (views/intake.py), and only the forms posted: a forged
# TOTAL_FORMS made the confirm page build and render Django's ceiling of 2,000 forms.
UnknownUnitFormSet = forms.formset_factory(
    UnknownUnitForm, formset=PostedFormsFormSet, extra=0, max_num=500, absolute_max=500
)


def initial_data(proposal: DocumentProposal, units: list[Unit], index: UnitIndex) -> dict:
    """Initial values of every review form, from the parser's proposal."""
    doc = proposal.document
    unknown = proposal.unknown_names
    folded_unknown = [canon(n) for n in unknown]

    def ref(name: str) -> str:
        return f"n:{folded_unknown.index(canon(name))}" if name else ""

    assignments = []
    for key, item in enumerate(proposal.directives):
        for a in item.assignments:
            deadline = a.deadline
            doubtful = [
                f"{u.name} ({CONFIDENCE[a.confidence[u.pk]]})"
                for u in a.coordinating
                if a.confidence.get(u.pk, EXACT) != EXACT
            ]
            assignments.append(
                {
                    "directive": key,
                    "include": a.lead is not None or a.lead_unknown,
                    "lead": f"u:{a.lead.pk}"
                    if a.lead
                    else ref(a.lead_name if a.lead_unknown else ""),
                    "coordinating": [u.pk for u in a.coordinating],
                    "coordinating_unknown": [ref(n) for n in a.unknown_coordinating],
                    "deadline": deadline.basis if deadline and deadline.date else "",
                    "flag": deadline.basis if deadline and deadline.flagged else "",
                    "source": a.source,
                    "deadline_phrase": deadline.phrase if deadline else "",
                    "confidence": a.lead_confidence if a.lead else "",
                    "doubtful_coordinating": "; ".join(doubtful),
                    "other_deadlines": "; ".join(
                        f"{d.basis} — {d.date:%d/%m/%Y}" for d in a.other_deadlines if d.date
                    ),
                }
            )
    issuer_ref = proposal.issuer_unit
    by_pk = {u.pk: u for u in units}
    issuer = by_pk.get(issuer_ref.pk) if issuer_ref else None
    if issuer is None:
        issuer = next((u for u in units if canon(u.name) == canon(doc.issuer)), None)
    placement = proposal.placement or index.placement(None)
    unknown_rows = []
    for name, level in proposal.unknown_levels.items():
        level = level or placement.level
        parent = placement.parent_for(level)
        place = placement.place_name(level)
        if "cung cap" in canon(name):
            # "Hội đồng nhân dân cùng cấp" of a district: "Hội đồng nhân dân huyện Năm Căn".
            shown = SAME_LEVEL_WORD.get(" ".join(placement.same_level), "")
            name_shown = re.sub(r"(?i)cùng\s+cấp", shown, name) if shown else name
        else:
            name_shown = name
        suggested = (
            name_shown
            if not place or canon(place) in canon(name_shown)
            else f"{name_shown} {place}"
        )
        unknown_rows.append(
            {
                "name": name,
                "level": level,
                "new_name": suggested,
                "kind": kind_for(name, level),
                "parent": by_pk.get(parent.pk) if parent else None,
            }
        )
    return {
        "document": {
            "number": doc.number,
            "subject": doc.subject,
            "issue_date": doc.issue_date,
            "issuer": doc.issuer,
            "signer": doc.signer,
            "issuing_unit": issuer,
        },
        "directives": [
            {
                "include": True,
                "number": d.directive.number,
                "title": d.directive.title,
                "text": d.directive.text,
            }
            for d in proposal.directives
        ],
        "assignments": assignments,
        "unknown": unknown_rows,
    }


def unit_levels(index: UnitIndex) -> dict[str, list[int]]:
    """Each level of the tree → the pks of its units, so a name is mapped within its level."""
    levels: dict[str, list[int]] = {}
    for unit in index.units:
        levels.setdefault(unit.level, []).append(unit.pk)
    return levels


def rebuilt_document(source_text: str, document: dict, directives: list[dict]) -> ParsedDocument:
    """The reviewed document: the original text (and so its fingerprint) with corrected fields."""
    parsed = parse_conclusion(source_text)
    parsed.number = document["number"]
    parsed.subject = document["subject"]
    parsed.issue_date = document["issue_date"]
    parsed.issuer = document["issuer"]
    parsed.signer = document["signer"]
    originals = parsed.directives
    parsed.directives = []
    for key, data in enumerate(directives):
        if not data["include"]:
            continue
        item = originals[key]
        item.number = data["number"].strip()
        item.text = data["text"].strip()
        if data["title"].strip() != item.title:
            item.custom_title = data["title"].strip()
        parsed.directives.append(item)
    return parsed
