from __future__ import annotations

from celery import shared_task

from apps.notifications import services


@shared_task(ignore_result=True, acks_late=True)
def deliver_notifications(notification_ids: list[str]) -> int:
    """Deliver each notification once (a duplicate publish is a no-op)."""
    return sum(services.notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()


@shared_task(ignore_result=True)
def daily_digest() -> int:
    return services.digest_send()
