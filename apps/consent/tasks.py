from __future__ import annotations

from celery import shared_task

from apps.consent.reminders import consent_reminders, dsa_sweep
from apps.consent.services import emergency_access_expire


@shared_task(ignore_result=True)
def emergency_access_sweep() -> int:
    return emergency_access_expire()


@shared_task(ignore_result=True)
def sharing_reminders() -> dict[str, int]:
    return {**consent_reminders(), **dsa_sweep()}
