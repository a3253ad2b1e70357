from __future__ import annotations

from celery import shared_task

from apps.referrals.reminders import referral_reminders as _sweep


@shared_task(ignore_result=True)
def referral_reminders() -> dict[str, int]:
    return _sweep()
