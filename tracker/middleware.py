"""Project middleware: response headers Django has no setting for."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def permissions_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """Add a Permissions-Policy header switching off browser features the app never uses."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response

    return middleware


# The admin's date hierarchy ("?issue_date__year=2021&issue_date__month=2") builds a datetime
# from these; Django catches a ValueError there but not the OverflowError of a year like 10**30,
# which answered 500 on every changelist with a date hierarchy (ours and django-axes').
# Years as the app's calendar knows them (directives.calendar); the hierarchy's links reach one
# year either side, so year 1 or 9999 would fail while the page is drawn.
_DATE_PARTS = {"year": (1901, 2099), "month": (1, 12), "day": (1, 31)}


def parameters(get_response: Callable[[HttpRequest], HttpResponse]):
    """Refuse (400) what no page can take, before any view reads it:

    - a NUL character in a URL parameter: PostgreSQL refuses it in any text it is sent, so a
      search term or an admin filter holding one answered 500 there (posted forms refuse it
      field by field, with their own message);
    - an admin date-hierarchy parameter that is not a plain number in range.
    """
    from directives import params

    def middleware(request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise params.BadParameter(_("Tham số chứa ký tự không hợp lệ."))
        if request.path.startswith("/admin/"):
            for key in request.GET:
                part = key.rpartition("__")[2]
                if "__" in key and part in _DATE_PARTS:
                    low, high = _DATE_PARTS[part]
                    params.int_param(request.GET, key, minimum=low, maximum=high)
        return get_response(request)

    return middleware
