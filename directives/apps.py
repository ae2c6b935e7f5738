from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = _("Theo dõi nhiệm vụ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Trust (issue 7): deactivating a user ends their sessions.
        from directives import freshness, sessions  # noqa: F401

        # Scale (issue 8): cached dashboard regions are dropped whenever their data changes.
        freshness.connect()
        # API (issue 19): changes become webhook deliveries, written with the change itself.
        from directives.webhooks import events  # noqa: F401
