"""The data version: one token in the shared cache that changes whenever the tracked data does.

Why: a leader's dashboard region costs one big query and a large template, and leaders reload it
far more often than the document it shows changes. The rendered region is kept in the shared
cache under a key that contains this token (`directives.leaders.views`), so the first request
after any write computes it afresh and the others reuse it — never a stale picture.

How it stays right: every write to a model a cached page may show calls `data_changed()` —
`post_save`, `post_delete` and `m2m_changed` signals for ORM saves (the admin, the actions), and
the querysets' bulk paths, which send no signals, call it themselves. It puts a new random token
in place at once (so the writer's own next read, inside its transaction, misses) and again when
the transaction commits (so a reader who cached what it read between the first change and the
commit is not reused). Random tokens rather than a counter: two writers incrementing at once could
both write the same number and lose one change; two random tokens never collide. The cache must
be shared by every app server (Redis or the database cache; see the README's deployment part).

If the cache cannot be reached, pages compute everything and writes go on (the failure is
logged). A cache that comes back with its old contents after missing renewals could then serve
an old region until the next write: flush it (`redis-cli FLUSHDB`) after such an outage.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "tracker:data-version"
logger = logging.getLogger(__name__)
WARN_EVERY = 60  # seconds: an outage is logged once a minute per process, not once per write
_warned_at = 0.0


def _warn(what: str) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY:
        _warned_at = now
        logger.warning("cache unreachable: %s", what, exc_info=True)


def data_version() -> str | None:
    """The current token (created on first use), or None when the cache cannot be reached —
    then nothing is reused (see `cached_region`)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        _warn("the dashboard is computed without it")
        return None
    return version


def _renew() -> None:
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not refuse the write itself
        _warn("could not renew the data version")


def _renew_on_commit() -> None:
    _renew()


def data_changed() -> None:
    """Tracked data changed (or is about to, in the current transaction).

    The token is renewed at once on every change, and once more when the transaction commits
    (registered once per transaction: a write saves several rows).
    """
    _renew()
    connection = transaction.get_connection()
    if not any(func is _renew_on_commit for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_renew_on_commit)


def _on_write(sender, **kwargs) -> None:
    data_changed()


def connect() -> None:
    """Watch the models the dashboard and its lists show (called from AppConfig.ready)."""
    from django.contrib.auth import get_user_model

    from directives import models

    watched = [
        models.Assignment,
        models.ProgressUpdate,
        models.DeadlineChange,
        models.ExtensionRequest,
        models.ExplanationRequest,
        models.ScorecardFormula,
        models.Reminder,
        models.Directive,
        models.Document,
        models.Unit,
        models.Membership,
        get_user_model(),
    ]
    for model in watched:
        uid = f"freshness-{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _on_write,
        sender=models.Assignment.coordinating_units.through,
        dispatch_uid="freshness-coordinating",
    )
