"""Celery tasks of governance: one service call, safe to run twice."""

from celery import shared_task


@shared_task
def meeting_actions_remind_overdue_task() -> int:
    """Beat: remind the owners of overdue actions, once each."""
    from governance.services_meetings import meeting_actions_remind_overdue

    return meeting_actions_remind_overdue()
