"""python manage.py deliver_webhooks — send every webhook delivery whose time has come.

The safety net under the scheduled retries: what a killed worker left pending is sent again
(receivers de-duplicate by the delivery id). `manage.py run_schedule` runs it every minute.
"""

from django.core.management.base import BaseCommand

from directives.webhooks.tasks import deliver_due


class Command(BaseCommand):
    help = "Gửi các webhook đã đến lượt (kể cả lần gửi bị bỏ dở)."

    def handle(self, *args, **options) -> None:
        sent = deliver_due.call()
        self.stdout.write(f"Webhook đã gửi: {sent}.")
