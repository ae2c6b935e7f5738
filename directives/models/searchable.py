"""Folded search columns, kept beside the text they are made of (see directives.search).

A model lists the fields its columns are made of; `save()` and `bulk_create()` refresh them, so
every write path — forms, actions, the admin, the seed and bulk loaders — leaves them right.
"""

from __future__ import annotations

from django.db import models


class SearchColumnsMixin:
    """Refreshes `search_columns()` on save; `update_fields` saves gain the columns they affect."""

    # Fields the search columns are derived from.
    SEARCH_SOURCES: frozenset[str] = frozenset()

    def search_columns(self) -> dict[str, str]:  # pragma: no cover - every model overrides it
        raise NotImplementedError

    def set_search_columns(self) -> None:
        for name, value in self.search_columns().items():
            setattr(self, name, value)

    def save(self, *args, **kwargs) -> None:
        self.set_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.SEARCH_SOURCES.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.search_columns()}
        super().save(*args, **kwargs)


class SearchColumnsQuerySet(models.QuerySet):
    """`bulk_create` and `bulk_update` skip `save()`, so they fill the search columns here."""

    def bulk_create(self, objs, *args, **kwargs):
        from directives.freshness import data_changed

        objs = list(objs)
        for obj in objs:
            obj.set_search_columns()
        data_changed()  # bulk writes send no signals
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        from directives.freshness import data_changed

        objs = list(objs)
        data_changed()  # bulk writes send no signals
        if self.model.SEARCH_SOURCES.intersection(fields):
            for obj in objs:
                obj.set_search_columns()
            fields = (
                [*fields, *(c for c in objs[0].search_columns() if c not in fields)]
                if objs
                else fields
            )
        return super().bulk_update(objs, fields, *args, **kwargs)
