"""In-app notifications: the bell in the header and the page that lists them, read or unread.

Every query starts from `permissions.own_notifications(request.user)`: nobody sees or marks
anyone else's. Marking is a POST; with htmx the list fragment comes back with an HX-Trigger
("notifications-changed") that makes the bell refresh itself, without htmx the page reloads.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from directives import actions, params, permissions

LIST_TEMPLATE = "directives/notifications/list.html"
PER_PAGE = 30
SHOW_CHOICES = ("all", "unread")
# htmx stops polling when a response has this status.
HTMX_STOP_POLLING = 286


def unread_count(user) -> int:
    return permissions.own_notifications(user).filter(read_at__isnull=True).count()


def _show(value: str | None) -> str:
    return value if value in SHOW_CHOICES else "all"


def _list_response(request: HttpRequest, *, show: str, page: int) -> TemplateResponse:
    notifications = permissions.own_notifications(request.user).select_related("reminder")
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    page_obj = Paginator(notifications, PER_PAGE).get_page(page)
    template = LIST_TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#notification-list"
    return TemplateResponse(
        request,
        template,
        {
            "page_obj": page_obj,
            "show": show,
            "unread": unread_count(request.user),
        },
    )


@require_GET
@vary_on_headers("HX-Request")
def notification_list(request: HttpRequest) -> TemplateResponse:
    return _list_response(
        request, show=_show(request.GET.get("show")), page=_page(request, request.GET)
    )


def _page(request: HttpRequest, data) -> int:
    return params.lenient_int(request, data, "page", default=1, minimum=1, maximum=params.MAX_PAGE)


def _after_marking(request: HttpRequest) -> HttpResponse:
    show = _show(request.POST.get("show"))
    page = _page(request, request.POST)
    if request.htmx:
        response = _list_response(request, show=show, page=page)
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect(f"{reverse('notification_list')}?{urlencode({'show': show, 'page': page})}")


@require_POST
@vary_on_headers("HX-Request")
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notifications read (read=1) or unread (read=0)."""
    notification = get_object_or_404(permissions.own_notifications(request.user), pk=pk)
    read = request.POST.get("read", "1")
    if read not in ("0", "1"):
        return HttpResponseBadRequest("read must be 0 or 1")
    actions.mark_notifications(request.user, ids=[notification.pk], read=read == "1")
    return _after_marking(request)


@require_POST
@vary_on_headers("HX-Request")
def notification_read_all(request: HttpRequest) -> HttpResponse:
    actions.mark_notifications(request.user, read=True)
    return _after_marking(request)


@login_not_required  # an expired session must stop the polling, not swap a login page in
@require_GET
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count, polled by htmx every minute from every page.

    A resource of its own (the count), not a fragment of the list page. Polling is not activity:
    each poll refreshing the session would push the idle timeout back for ever, so the
    session is left unsaved here.
    """
    if not request.user.is_authenticated:
        if request.htmx:
            response = HttpResponse(status=HTMX_STOP_POLLING)
            response["HX-Reswap"] = "none"
            return response
        return redirect_to_login(request.get_full_path())
    response = TemplateResponse(
        request,
        "directives/notifications/_bell.html",
        {"unread": unread_count(request.user)},
    )
    response.render()
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True, no_cache=True)
    # SessionMiddleware leaves a request without a session alone (no save, no new cookie).
    del request.session
    return response
