from __future__ import annotations

from celery import shared_task

from apps.marac.reminders import research_reminders as _sweep


@shared_task(ignore_result=True)
def research_reminders() -> dict[str, int]:
    return _sweep()
