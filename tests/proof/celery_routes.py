"""Routing this process's task messages to a test's own queue, and undoing it.

Celery builds its router once, from ``task_routes`` as they were at the first message sent, and keeps
it: changing ``celery_app.conf.task_routes`` afterwards changes nothing by itself (a test that ran
before would decide where the next test's messages go). So the router is rebuilt on the way in and out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from riia.celery import app as celery_app


def router_reset() -> None:
    """Make the next message read ``task_routes`` again."""
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


@contextmanager
def recomputes_routed_to(queue: str) -> Iterator[None]:
    """Within the block, recompute tasks are sent (not run eagerly) to ``queue``."""
    routes, eager = celery_app.conf.task_routes, celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {"datareturns.tasks.benchmarks_recompute_*": {"queue": queue}}
    router_reset()
    try:
        yield
    finally:
        celery_app.conf.task_routes, celery_app.conf.task_always_eager = routes, eager
        router_reset()
