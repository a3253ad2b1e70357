from __future__ import annotations

from celery import shared_task

from apps.records import services


@shared_task(name="apps.records.tasks.sar_assemble", ignore_result=True, acks_late=True)
def sar_assemble_task(sar_id: str) -> str:
    return services.sar_assemble(sar_id=sar_id)


@shared_task(name="apps.records.tasks.sar_sweep", ignore_result=True)
def sar_sweep() -> int:
    return services.sar_sweep()


@shared_task(name="apps.records.tasks.retention_sweep", ignore_result=True)
def retention_sweep() -> int:
    return services.retention_sweep()
