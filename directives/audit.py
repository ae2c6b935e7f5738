"""Read the audit trail: what changed, from which value to which, who, when and from where.

The trail itself is written by django-simple-history (see `directives.models.history`); this
module turns its rows into entries a person can read, for the assignment timeline and the
admin's read-only history pages. Entries are oldest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Assignment, ExtensionRequest
from directives.text import fold

# Bookkeeping that changes with every write, search text and tallies kept for queries: showing
# them would bury the real changes and speak the database's language, not the reader's. Any
# field a person cannot edit (`editable=False`) is left out too.
NOT_SHOWN = {
    "version",
    "last_update_at",
    "search_title",
    "search_text",
    "search_key",
    "extension_count",
    "created_at",
}

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
_ACTIONS = {"+": CREATED, "~": CHANGED, "-": DELETED}


@dataclass(frozen=True)
class AuditEntry:
    when: dt.datetime
    who: str  # username at the time; "" when the system wrote it (commands, seeding)
    from_where: str  # client address; "" outside a web request
    action: str  # CREATED, CHANGED or DELETED
    model: str  # what was changed, e.g. "phân công", "đề nghị gia hạn"
    object_id: int
    field: str  # e.g. "deadline"; "" for a deletion
    label: str  # the field's name for people, e.g. "thời hạn"
    before: str
    after: str
    reason: str = ""
    sample: bool = False  # written by the demo's sample history, not by a person

    @property
    def sentence(self) -> str:
        """The change as a reader says it: "Thời hạn: 31/12/2020 → 15/01/2021"."""
        if self.action == DELETED:
            return _("Đã xóa %(what)s") % {"what": self.model}
        label = self.label[:1].upper() + self.label[1:]
        if self.action == CREATED or not self.before:
            return f"{label}: {self.after or '—'}"
        return f"{label}: {self.before} → {self.after or '—'}"


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    history_model = model.history.model
    excluded = set(getattr(history_model, "_history_excluded_fields", ()) or ())
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in excluded
        and field.name not in NOT_SHOWN
        and field.editable
        and not field.primary_key
    ]


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    history_model = model.history.model
    return list(getattr(history_model, "_history_m2m_fields", ()) or ())


class _Formatter:
    """Turns stored values into text; related objects are looked up once each."""

    def __init__(self) -> None:
        self._labels: dict[tuple[type, object], str] = {}

    def related(self, model: type[models.Model], pk) -> str:
        key = (model, pk)
        if key not in self._labels:
            obj = model._default_manager.filter(pk=pk).first()
            # The object may since have been deleted; its id still says which one it was.
            self._labels[key] = str(obj) if obj is not None else f"#{pk}"
        return self._labels[key]

    def value(self, field: models.Field, raw) -> str:
        if raw is None or raw == "":
            return ""
        if field.is_relation:
            return self.related(field.related_model, raw)
        if field.choices:
            return str(dict(field.flatchoices).get(raw, raw))
        if isinstance(raw, bool):
            return _("Có") if raw else _("Không")
        if isinstance(raw, dt.datetime):
            return timezone.localtime(raw).strftime("%d/%m/%Y %H:%M")
        if isinstance(raw, dt.date):
            return raw.strftime("%d/%m/%Y")
        return str(raw)

    def m2m(self, record, field: models.ManyToManyField) -> str:
        through_rows = getattr(record, field.name).all()
        target = field.m2m_reverse_field_name()
        names = sorted(
            (
                self.related(field.related_model, getattr(row, f"{target}_id"))
                for row in through_rows
            ),
            key=fold,  # alphabetical as a Vietnamese reader expects, not by code point
        )
        return ", ".join(names)


def object_entries(model: type[models.Model], object_id) -> list[AuditEntry]:
    """Every recorded change of one object (also after it was deleted), oldest first."""
    records = list(
        model.history.filter(**{model._meta.pk.attname: object_id})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = _tracked_fields(model)
    m2m_fields = _m2m_fields(model)
    fmt = _Formatter()
    entries: list[AuditEntry] = []
    previous = None
    for record in records:
        action = _ACTIONS[record.history_type]
        common = {
            "when": record.history_date,
            "who": record.history_username
            or (record.history_user.get_username() if record.history_user else ""),
            "from_where": record.history_ip or "",
            "action": action,
            "model": str(model._meta.verbose_name),
            "object_id": object_id,
            "reason": record.history_change_reason or "",
        }
        if action == DELETED:
            entries.append(AuditEntry(field="", label="", before="", after="", **common))
            previous = record
            continue
        for field in fields:
            before = getattr(previous, field.attname) if previous is not None else None
            after = getattr(record, field.attname)
            if previous is not None and before == after:
                continue
            if previous is None and after in (None, ""):
                continue
            entries.append(
                AuditEntry(
                    field=field.name,
                    label=str(field.verbose_name),
                    before=fmt.value(field, before),
                    after=fmt.value(field, after),
                    **common,
                )
            )
        for field in m2m_fields:
            before = fmt.m2m(previous, field) if previous is not None else ""
            after = fmt.m2m(record, field)
            if before != after:
                entries.append(
                    AuditEntry(
                        field=field.name,
                        label=str(field.verbose_name),
                        before=before,
                        after=after,
                        **common,
                    )
                )
        previous = record
    return entries


def assignment_audit(assignment: Assignment | int) -> list[AuditEntry]:
    """The audit trail of an assignment for its timeline: its own changes (deadline, workflow,
    units, percent…), the extension requests and decisions and the requests for explanation
    and their answers on it, oldest first.

    Works for a deleted assignment too (pass its id). Who may see it: permissions.can_view_audit.
    """
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    entries = object_entries(Assignment, pk)
    request_ids = (
        ExtensionRequest.history.filter(assignment_id=pk)
        .values_list("id", flat=True)
        .distinct()
        .order_by()
    )
    for request_id in request_ids:
        entries.extend(object_entries(ExtensionRequest, request_id))
    from directives.models import ExplanationRequest

    explanation_ids = (
        ExplanationRequest.history.filter(assignment_id=pk)
        .values_list("id", flat=True)
        .distinct()
        .order_by()
    )
    for explanation_id in explanation_ids:
        entries.extend(object_entries(ExplanationRequest, explanation_id))
    entries.sort(key=lambda entry: entry.when)
    from dataclasses import replace

    from directives.models import ProgressUpdate

    if ProgressUpdate.objects.filter(assignment_id=pk, is_sample=True).exists():
        # The demo's history: what the system wrote is sample data, and says so.
        entries = [replace(e, sample=True) if not e.who else e for e in entries]
    return entries
