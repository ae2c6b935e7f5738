"""Search: the header's results-as-you-type and the full results page — one view, two fragments.

The header's box asks for the `search-dropdown` fragment (a few hits per kind); the results page
swaps its `search-results` region when the filters change. Without JavaScript the header's form
submits here and the full page answers.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from directives import params, permissions, search
from directives.text import shorten

DROPDOWN_LIMIT = 3  # hits per kind under the header's box
OVERVIEW_LIMIT = 5  # hits per kind on the page, all kinds
PAGE_LIMIT = 20  # hits per page, one kind
DOCUMENT_CHOICES = 100  # newest documents offered in the filter; any visible one is accepted


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "maxlength": search.MAX_QUERY_LENGTH, "autocomplete": "off"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Loại kết quả"),
        required=False,
        choices=[("", _("Tất cả các loại")), *search.Kind.choices],
        widget=forms.Select(attrs={"class": "search-filter"}),
    )
    document = params.IdChoiceField(
        label=_("Văn bản"),
        required=False,
        queryset=None,
        empty_label=_("Tất cả văn bản"),
        widget=forms.Select(attrs={"class": "search-filter"}),
    )
    page = params.IntegerParamField(required=False, min_value=1, max_value=500)

    def __init__(self, *args, user, offer: bool = True, **kwargs):
        """`offer`: fill the document select (the full page). The htmx fragments show no
        select, so they skip the newest visible documents — 1.4 s for a province's leader at
        a million; a chosen document is still checked to be visible."""
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        try:
            selected = params.parse_int(
                self.data.get("document") or "", minimum=1, maximum=params.MAX_ID
            )
        except params.ParamError:
            selected = None  # the field reports it and the search ignores it
        # The documents the user sees, listed when that is short (the search lists them anyway
        # and reuses the list): otherwise a province's leader's newest 100 cost a visibility
        # check on each of the newest documents until 100 pass (0.46 s at a million).
        listed = (
            permissions.visible_ids(user, at_most=search.LISTED_ASSIGNMENTS)
            if offer or selected is not None
            else None
        )
        field.queryset = permissions.visible_documents(user, listed)
        offered = list(field.queryset.newest_first()[:DOCUMENT_CHOICES]) if offer else []
        if offer and selected is not None and all(d.pk != selected for d in offered):
            # A visible document older than the list (reached by a link) is offered too.
            offered += list(field.queryset.filter(pk=selected))
        field.widget.choices = [("", field.empty_label)] + [
            (d.pk, shorten(str(d), 90)) for d in offered
        ]


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def search_results(request: HttpRequest) -> TemplateResponse:
    fragment = bool(request.htmx and not request.htmx.history_restore_request)
    form = SearchForm(request.GET, user=request.user, offer=not fragment)
    form.is_valid()  # invalid filters are shown with their error and left out of the search
    data = form.cleaned_data
    q, kind, document = data.get("q") or "", data.get("kind") or "", data.get("document")
    dropdown = bool(fragment and request.htmx.target == "search-dropdown")
    if dropdown:
        results = search.search(request.user, q, limit=DROPDOWN_LIMIT)
    elif kind:
        results = search.search(
            request.user,
            q,
            [kind],
            PAGE_LIMIT,
            document=document,
            page=data.get("page") or 1,
            explain_scope=True,
        )
    else:
        results = search.search(
            request.user, q, limit=OVERVIEW_LIMIT, document=document, explain_scope=True
        )
    template = "directives/search/search.html"
    if fragment:
        template += "#search-dropdown" if dropdown else "#search-results"
    page = (data.get("page") or 1) if kind else 1
    return TemplateResponse(
        request,
        template,
        {
            "form": form,
            "results": results,
            "kind": kind,
            "page": page,
            "has_next": bool(kind and results.groups and results.groups[0].has_more),
            # The results region replaces the hint under the box too (out of band), so the
            # hint never promises a match the user's scope has just not found.
            "hint_out_of_band": bool(fragment and not dropdown),
        },
    )
