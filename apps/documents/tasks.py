from __future__ import annotations

from celery import shared_task

from apps.documents import services


@shared_task(name="apps.documents.tasks.scan_document", ignore_result=True, acks_late=True)
def scan_document(document_id: str) -> str:
    return services.document_scan(document_id=document_id)


@shared_task(name="apps.documents.tasks.scan_sweep", ignore_result=True)
def scan_sweep() -> int:
    return services.scan_sweep()
