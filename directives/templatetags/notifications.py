"""The notification bell in the header: rendered with the page, then refreshed by htmx."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("directives/notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    from directives.views.notifications import unread_count

    user = context.get("user")
    return {"unread": unread_count(user) if user is not None else 0}
