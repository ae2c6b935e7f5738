"""Data versions: tokens in the shared cache that change whenever the data a page shows does.

Why: a leader's dashboard or overview costs big queries and a large template, and leaders reload
them far more often than what they show changes. The rendered region is kept in the shared cache
under a key that contains the tokens of what it shows (`directives.leaders.views`), so the first
request after a write it can see computes it afresh and the others reuse it — never a stale
picture.

Scoped (issue 14): one token per *scope*, so a write expires only the pages that can show it —
not every leader's page, as a single global token did (measured at a million assignments under 2
writes per second: a province leader's dashboard fell from 0.35 to 0.185 of the baseline).

- ``doc:<id>``: the document's dashboard;
- ``unit:<id>``: what a leader of that unit sees (their overview): written by any change to an
  assignment led, coordinated or issued (as the document's issuing body) in the unit's subtree —
  a write renews the unit of each of those and every unit above it;
- ``all``: everything (admins, inspectors);
- ``reach``: which assignments exist, who leads, coordinates and handed them down — what a user
  may see (`permissions.visible_ids` keeps its lists under it): renewed when an assignment is
  created, deleted, moved to another lead unit or directive, handed down by another unit, or its
  coordinating units change; not by progress, deadlines or status, which leave it as it was;
- ``epoch``: part of every key — renewed by writes whose reach is not worth working out (a unit
  moved or renamed, a membership, a document's text, the scorecard formula, bulk queryset
  writes), which expire every page.

How a token is renewed: it is *deleted* (one query for any number of scopes, even on the
database cache); the next reader puts a new random token in place with `add` (two readers racing
both read the winner's). It is deleted at once (so the writer's own next read, inside its
transaction, misses) and again when the transaction commits (so a region a reader computed from
the data as it was before the commit, and kept under the token of the moment, is never reused).

If the cache cannot be reached, pages compute everything and writes go on (the failure is
logged). A cache that comes back with its old contents after missing renewals could then serve
an old region until the next write: flush it (`redis-cli FLUSHDB`) after such an outage.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

PREFIX = "tracker:data-version:"
EPOCH = "epoch"
ALL = "all"
REACH = "reach"
# The periodic reports' slots and obligations (the "reports due and not submitted" count).
PERIODIC = "periodic"
logger = logging.getLogger(__name__)
WARN_EVERY = 60  # seconds: an outage is logged once a minute per process, not once per write
_warned_at = 0.0


def _warn(what: str) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY:
        _warned_at = now
        logger.warning("cache unreachable: %s", what, exc_info=True)


def document_scope(document_id: int) -> str:
    return f"doc:{document_id}"


def unit_scope(unit_id: int) -> str:
    return f"unit:{unit_id}"


def data_version(*scopes: str) -> str | None:
    """The tokens of `scopes` (and the epoch) as one string, each created on first use; None
    when the cache cannot be reached — then nothing is reused (`leaders.regions.region_key`)."""
    keys = [PREFIX + scope for scope in (EPOCH, *scopes)]
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        if missing:
            found.update(cache.get_many(missing))
        if any(key not in found for key in keys):
            return None
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        _warn("the dashboard is computed without it")
        return None
    return "-".join(str(found[key]) for key in keys)


def _renew(scopes: Iterable[str]) -> None:
    try:
        cache.delete_many([PREFIX + scope for scope in scopes])
    except Exception:  # noqa: BLE001 - a cache outage must not refuse the write itself
        _warn("could not renew the data version")


class _Pending:
    """What the current transaction changed: renewed again when it commits (registered once per
    transaction, dropped with it on a rollback)."""

    def __init__(self) -> None:
        self.scopes: set[str] = set()

    def __call__(self) -> None:
        _renew(self.scopes)


def _pending() -> _Pending:
    connection = transaction.get_connection()
    for _ids, func, _robust in connection.run_on_commit:
        if isinstance(func, _Pending):
            return func
    pending = _Pending()
    transaction.on_commit(pending)
    return pending


def data_changed(*scopes: str) -> None:
    """Data of `scopes` changed (or is about to, in the current transaction); without scopes,
    anything may have: every page's token is renewed (the epoch).

    Renewed at once (each time: a read since the last write may have put a token back), and
    once more when the transaction commits.
    """
    wanted = set(scopes) if scopes else {EPOCH}
    if transaction.get_connection().in_atomic_block:
        _pending().scopes.update(wanted)
    _renew(wanted)  # in autocommit, the write is committed already


def assignment_scopes(assignment_ids: Iterable[int], placed: dict | None = None) -> set[str]:
    """The scopes a change to these assignments can show in, as stored: their documents, the
    units that lead, coordinate or issued them and every unit above those, and `all`. Two
    queries. `placed`, if given, receives each one's stored (lead unit, directive, assigning
    unit)."""
    from directives.models import Assignment, Unit

    ids = list(assignment_ids)
    scopes = {ALL}
    rows = Assignment.objects.filter(pk__in=ids).values_list(
        "pk",
        "lead_unit_id",
        "directive_id",
        "assigned_by_unit_id",
        "directive__document_id",
        "lead_unit__path",
        "directive__document__issuing_unit__path",
    )
    paths: set[str] = set()
    for pk, lead_unit_id, directive_id, assigned_by, document_id, lead_path, issuing_path in rows:
        if placed is not None:
            placed[pk] = (lead_unit_id, directive_id, assigned_by)
        scopes.add(document_scope(document_id))
        paths.update(p for p in (lead_path, issuing_path) if p)
    paths.update(
        Unit.objects.filter(coordinated_assignments__in=ids).values_list("path", flat=True)
    )
    for path in paths:
        scopes.update(unit_scope(int(part)) for part in path.split("/") if part)
    return scopes


def assignment_changed(assignment_id: int | None) -> set[str]:
    """Assignment `assignment_id` (or something recorded about it) changed; returns its scopes."""
    if assignment_id is None:
        data_changed()
        return {EPOCH}
    scopes = assignment_scopes([assignment_id])
    data_changed(*scopes)
    return scopes


def units_changed(unit_ids: Iterable[int]) -> None:
    """These units gained or lost something they coordinate: their subtrees' pages expire."""
    from directives.models import Unit

    scopes = {ALL}
    for path in Unit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True):
        scopes.update(unit_scope(int(part)) for part in path.split("/") if part)
    data_changed(*scopes)


# --- the signals ---------------------------------------------------------------------------
def _on_write(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in: nothing any page counts
    data_changed()


def _before_assignment_write(sender, instance, raw=False, **kwargs) -> None:
    """The pages that show the assignment where it is now: moved to another lead unit or
    document, it must leave those too (post_save only sees where it goes)."""
    instance._data_placed = None
    if raw or instance.pk is None:
        return
    placed: dict = {}
    instance._data_scopes = assignment_scopes([instance.pk], placed)
    instance._data_placed = placed.get(instance.pk)
    data_changed(*instance._data_scopes)


def _on_assignment_write(sender, instance, created=False, **kwargs) -> None:
    # Kept on the instance: the progress update or deadline change saved with it next (which
    # holds this same object) reuses them instead of reading them again.
    placed = getattr(instance, "_data_placed", None)
    where = (instance.lead_unit_id, instance.directive_id, instance.assigned_by_unit_id)
    if not created and placed == where:
        return  # where it was is where it is: renewed before the write
    instance._data_scopes = assignment_changed(instance.pk)
    data_changed(REACH)  # new, moved or handed down by another unit: who may see it changed


def _on_assignment_deleted(sender, instance, **kwargs) -> None:
    # pre_delete: the row (and its coordinations) can still be read for its scopes.
    assignment_changed(instance.pk)
    data_changed(REACH)


def _on_record_write(sender, instance, **kwargs) -> None:
    """A progress update, deadline change, request… of one assignment."""
    assignment = instance._state.fields_cache.get("assignment")
    scopes = getattr(assignment, "_data_scopes", None)
    if scopes is not None and assignment.pk == instance.assignment_id:
        data_changed(*scopes)
    else:
        assignment_changed(getattr(instance, "assignment_id", None))


def _on_coordination(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    from directives.models import Assignment

    if not action.startswith("pre_"):
        return
    data_changed(REACH)
    if reverse or not isinstance(instance, Assignment):
        data_changed()  # from the unit's side: whatever it coordinates
        return
    assignment_changed(instance.pk)  # the current coordinators (before the change)
    if pk_set:
        units_changed(pk_set)  # and those added or removed


def _on_periodic_write(sender, **kwargs) -> None:
    """A slot or an obligation of the periodic reports (a new slot made in bulk says so itself:
    `periodic.slots`)."""
    data_changed(PERIODIC)


def connect() -> None:
    """Watch the models the dashboards, the overview and their lists show (AppConfig.ready)."""
    from django.contrib.auth import get_user_model

    from directives import models

    records = [
        models.ProgressUpdate,
        models.DeadlineChange,
        models.ExtensionRequest,
        models.ExplanationRequest,
        models.Reminder,
    ]
    everything = [
        models.ScorecardFormula,
        models.Directive,
        models.Document,
        models.Unit,
        models.Membership,
        get_user_model(),
    ]
    pre_save.connect(
        _before_assignment_write, sender=models.Assignment, dispatch_uid="fresh-a-before"
    )
    post_save.connect(_on_assignment_write, sender=models.Assignment, dispatch_uid="fresh-a-save")
    pre_delete.connect(
        _on_assignment_deleted, sender=models.Assignment, dispatch_uid="fresh-a-delete"
    )
    for model in records:
        uid = f"freshness-{model._meta.label_lower}"
        post_save.connect(_on_record_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_record_write, sender=model, dispatch_uid=f"{uid}-delete")
    for model in everything:
        uid = f"freshness-{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
    # A finished period's scorecard stored for the first time holds what pages counted live;
    # recounted (deleted, then stored again) it may differ.
    post_delete.connect(_on_write, sender=models.ScoredPeriod, dispatch_uid="freshness-scored")
    for model in (models.ReportSubmission, models.ReportingObligation):
        uid = f"freshness-{model._meta.label_lower}"
        post_save.connect(_on_periodic_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_periodic_write, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_coordination,
        sender=models.Assignment.coordinating_units.through,
        dispatch_uid="freshness-coordinating",
    )
