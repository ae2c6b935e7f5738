"""Sessions end when an account is switched off.

Django already refuses an inactive user at the next request, but the session rows would stay
until they expire; deleting them makes "deactivated" mean "signed out everywhere, now", whichever
way the account was switched off (admin form, admin action, shell). A loose side effect of a
save, so a signal is the right tool here (style.md: signals only for side effects).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone


def end_sessions_of(user) -> int:
    """Delete every unexpired session signed in as `user`; returns how many ended."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@receiver(post_save, sender=get_user_model(), dispatch_uid="end_sessions_of_inactive_user")
def _end_sessions_when_deactivated(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)
