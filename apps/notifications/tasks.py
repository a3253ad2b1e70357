from __future__ import annotations

from celery import shared_task

from apps.notifications import services


@shared_task(ignore_result=True, acks_late=True)
def deliver_notifications(notification_ids: list[str]) -> int:
    """Deliver the batch once, over one mail connection (a duplicate publish is a no-op)."""
    return services.notifications_deliver(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()


@shared_task(ignore_result=True)
def daily_digest() -> int:
    return services.digest_send()
