"""The Celery app. Configuration lives in Django settings under the CELERY_ prefix."""

import logging
import os
import threading

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riia.settings")

app = Celery("riia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class OutboxRelayOnConnect(bootsteps.StartStopStep):
    """Each time the worker's consumer connects to the broker (at start, and again after the broker
    was lost and came back) relay the outbox once, in a thread of its own so that consuming starts at
    once: the tasks that requests committed while Redis was down go out without waiting for beat."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def start(self, consumer) -> None:
        threading.Thread(target=_relay_once, name="outbox-relay", daemon=True).start()


def _relay_once() -> None:
    from django.db import connection

    from riia.outbox import outbox_relay

    try:
        outbox_relay()
    except Exception:  # noqa: BLE001 - beat's relay tries again; a worker must not stop for this
        logging.getLogger("riia.outbox").exception("Outbox: the relay at broker connection failed")
    finally:
        connection.close()


app.steps["consumer"].add(OutboxRelayOnConnect)
