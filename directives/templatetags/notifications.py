"""The notification bell in the header: rendered with the page, then refreshed by htmx."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("directives/notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    from directives.views.notifications import unread_count

    user = context.get("user")
    if user is None:
        return {"unread": 0}
    # Loaded with the user (tracker.auth.ShellBackend); counted here for a user from elsewhere.
    unread = getattr(user, "unread_notifications", None)
    return {"unread": unread_count(user) if unread is None else unread}
