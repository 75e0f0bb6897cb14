"""Publish the outbox's unsent tasks now, oldest first, and say how many went and how many are left.

    manage.py outbox_relay

For operators after a Redis outage who do not want to wait for beat's relay (every
RIIA_OUTBOX_RELAY_SECONDS) or a worker's reconnection. Safe to run while beat and workers relay too:
each message is held by one relay at a time (riia.outbox)."""

from django.core.management.base import BaseCommand, CommandError

from riia.outbox import outbox_relay, outbox_unsent_count


class Command(BaseCommand):
    help = "Publish the outbox's unsent Celery tasks now (after a Redis outage)."

    def handle(self, *args, **options) -> None:
        sent = outbox_relay()
        left = outbox_unsent_count()
        self.stdout.write(f"Outbox: {sent} task(s) sent, {left} unsent.")
        if left:
            raise CommandError(f"{left} task(s) could not be sent: is Redis reachable? The relay will try again.")
