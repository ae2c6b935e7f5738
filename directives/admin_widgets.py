"""Admin hardening against garbage ids in relation fields (found by tests/test_hostile_input.py).

- When a submitted form is invalid, Django's autocomplete widgets look the submitted ids up to
  show them again; an id that is not a number ("1e9") then raises ValueError and the admin
  answers 500 instead of showing the form's error.
- An id larger than the column holds reaches the database and fails there; the bounded form
  fields of directives.fields refuse it as an invalid choice.
"""

from __future__ import annotations

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError

from directives.fields import (
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    id_out_of_range,
)


class _ValidIdsOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field = getattr(remote, "field_name", None)  # many-to-many relations have none
        target = remote.model._meta.get_field(to_field) if to_field else remote.model._meta.pk
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue  # the field's own validation reports it next to the field
            if id_out_of_range(remote.model, item, to_field):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class AutocompleteSelect(_ValidIdsOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidIdsOnly, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """ModelAdmin/inline mixin: the widgets above wherever `autocomplete_fields` applies, and
    bounded choice fields for every relation."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
