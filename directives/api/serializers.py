"""What the API returns (and, for the schema, what it accepts). Input is checked by the same
Django forms the pages use (directives/forms.py, decision_forms.py); the request serializers
here only describe those forms to the OpenAPI schema."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from directives import params
from directives.models import (
    Assignment,
    Directive,
    Document,
    ExtensionRequest,
    Standing,
    Status,
    Unit,
)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "parent", "active"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "number", "subject", "issuer", "issuing_unit", "signer", "issue_date"]


class DirectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "document", "parent", "number", "position", "title", "text"]


class AssignmentSerializer(serializers.ModelSerializer):
    directive_title = serializers.CharField(source="directive.title", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    standing = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "directive",
            "directive_title",
            "lead_unit",
            "lead_unit_name",
            "contact_person",
            "expected_result",
            "deadline",
            "deadline_basis",
            "original_deadline",
            "extension_count",
            "status",
            "redo",
            "percent",
            "completed_on",
            "reported_done_on",
            "standing",
            "version",
            "last_update_at",
        ]

    def get_standing(self, obj) -> str:
        return getattr(obj, "standing_value", "") or ""


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    author = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField(allow_null=True)
    status_before = serializers.CharField(allow_blank=True)
    status_after = serializers.CharField(allow_blank=True)
    coordinating = serializers.BooleanField()
    new_deadline = serializers.DateField(allow_null=True)
    state = serializers.CharField(allow_blank=True)
    extension_id = serializers.IntegerField(allow_null=True)
    files = FileSerializer(many=True)
    # On a confirmation: the leader's evaluation 1–5 and comment (issue 17).
    quality = serializers.IntegerField(allow_null=True)
    quality_comment = serializers.CharField(allow_blank=True)


def timeline_entry(entry, assignment_pk: int) -> dict:
    """One entry of the assignment page's timeline (directives.views.staff._timeline) as data."""
    item = entry.item
    row = {
        "at": entry.at,
        "kind": entry.kind,
        "author": "",
        "unit": "",
        "text": "",
        "percent": None,
        "status_before": "",
        "status_after": "",
        "coordinating": False,
        "new_deadline": None,
        "state": "",
        "extension_id": None,
        "files": [],
        "quality": None,
        "quality_comment": "",
    }
    if isinstance(item, ExtensionRequest):
        decision = entry.kind == "decision"
        who = item.decided_by if decision else item.requested_by
        row.update(
            author=who.get_username() if who else "",
            text=item.decision_note if decision else item.reason,
            new_deadline=item.new_deadline,
            state=item.state,
            extension_id=item.pk,
        )
    elif entry.kind == "reminder":
        row.update(
            author=item.sent_by.get_username() if item.sent_by else "",
            text=item.message,
            state=item.kind,
        )
    elif entry.kind in ("explanation", "explained"):
        # A request for explanation (issue 17) and its answer; the reply-by day as the deadline.
        answered = entry.kind == "explained"
        who = item.answered_by if answered else item.asked_by
        row.update(
            author=who.get_username() if who else "",
            text=item.answer if answered else item.question,
            new_deadline=item.reply_by,
            state="answered" if item.answered_at else "open",
            files=[
                {
                    "id": f.pk,
                    "name": f.name,
                    "size": f.size,
                    "content_type": f.content_type,
                    "url": reverse("explanation_file", args=[item.pk, f.pk]),
                }
                for f in (item.files.all() if answered else [])
            ],
        )
    else:
        row.update(
            author=item.author.get_username() if item.author else "",
            unit=str(item.unit) if item.unit else "",
            text=item.note,
            quality=item.quality,
            quality_comment=item.quality_comment,
            percent=item.percent,
            status_before=item.status_before,
            status_after=item.status_after,
            coordinating=item.coordinating,
            files=[
                {
                    "id": f.pk,
                    "name": f.name,
                    "size": f.size,
                    "content_type": f.content_type,
                    "url": reverse("attachment_download", args=[assignment_pk, f.pk]),
                }
                for f in getattr(item, "files", [])
            ],
        )
    return row


class AssignmentDetailSerializer(AssignmentSerializer):
    coordinating_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "coordinating_units", "timeline"]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj) -> list:
        return [timeline_entry(e, obj.pk) for e in self.context.get("timeline", [])]


# --- query parameters and request bodies (documentation of the forms that check them) ---------


class AssignmentQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, help_text="Tìm trong danh sách")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    standing = serializers.ChoiceField(choices=Standing.choices, required=False)
    directive = serializers.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    role = serializers.ChoiceField(choices=["lead", "coordinating"], required=False)
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=params.MAX_ID, help_text="Lead unit id"
    )
    after = serializers.IntegerField(
        required=False, min_value=0, max_value=params.MAX_ID, help_text="Keyset cursor"
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class PageQuery(serializers.Serializer):
    after = serializers.IntegerField(
        required=False, min_value=0, max_value=params.MAX_ID, help_text="Keyset cursor"
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)


class DirectiveQuery(PageQuery):
    document = serializers.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)


class CalendarQuery(serializers.Serializer):
    phrase = serializers.CharField(max_length=200)
    start = serializers.DateField(required=False, help_text="YYYY-MM-DD or DD/MM/YYYY")


class DashboardQuery(serializers.Serializer):
    doc = serializers.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    on = serializers.CharField(required=False, help_text="As-of date, DD/MM/YYYY or YYYY-MM-DD")
    directive = serializers.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)


class ResolvedSerializer(serializers.Serializer):
    date = serializers.DateField()
    basis = serializers.CharField()
    text = serializers.CharField()


class CountsRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rate = serializers.FloatField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    """The overview (“Tổng quan”): totals by reporting group and list, and per directive."""

    document = serializers.IntegerField(allow_null=True)
    on = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rate = serializers.FloatField(allow_null=True)
    directives = CountsRowSerializer(many=True)


class ProgressBody(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=5000)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    difficulties = serializers.CharField(required=False, max_length=5000)
    proposals = serializers.CharField(required=False, max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class StartBody(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class ReportDoneBody(StartBody):
    note = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class ExtensionBody(StartBody):
    new_deadline = serializers.CharField(help_text="A date or a phrase: “trước Tết Tân Sửu”")
    reason = serializers.CharField(max_length=5000)


class DecisionBody(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["confirm", "refuse", "suspend", "resume", "undo_confirm", "reopen"]
    )
    version = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(required=False, max_length=2000)
    confirm_below = serializers.IntegerField(required=False, min_value=0, max_value=100)
    quality = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="Required to confirm: 1–5"
    )
    quality_comment = serializers.CharField(required=False, max_length=500)


class UrgeBody(serializers.Serializer):
    message = serializers.CharField(max_length=2000)


class ExtensionDecisionBody(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    note = serializers.CharField(required=False, max_length=2000)


class WriteResult(serializers.Serializer):
    assignment = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    entry = serializers.IntegerField(allow_null=True, help_text="The new history row's id")


def page_of(serializer_class) -> serializers.Serializer:
    """The schema of one keyset page of `serializer_class` rows."""
    return inline_serializer(
        name=f"{serializer_class.__name__.removesuffix('Serializer')}Page",
        fields={
            "results": serializer_class(many=True),
            "next": serializers.URLField(allow_null=True),
        },
    )
