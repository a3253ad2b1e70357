from __future__ import annotations

from celery import shared_task

from apps.webhooks import delivery


@shared_task(name="apps.webhooks.tasks.deliver_webhook", ignore_result=True, acks_late=True)
def deliver_webhook(delivery_id: str) -> str:
    return delivery.send(delivery_id=delivery_id)


@shared_task(name="apps.webhooks.tasks.delivery_sweep", ignore_result=True)
def delivery_sweep() -> int:
    return delivery.sweep()
