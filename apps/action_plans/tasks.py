from __future__ import annotations

from celery import shared_task

from apps.action_plans.reminders import action_reminders as _sweep


@shared_task(ignore_result=True)
def action_reminders() -> dict[str, int]:
    return _sweep()
