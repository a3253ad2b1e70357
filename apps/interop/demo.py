"""Demo: every Northbridge service is published in the open ORUK directory (/oruk/services),
with capacity; Safe Haven's admin has two services from a neighbouring directory to review
at /services/import/."""

from __future__ import annotations

from django.utils import timezone

from apps.agencies.models import Service
from apps.agencies.service_services import service_update
from apps.interop.oruk import importer
from apps.interop.oruk.import_services import oruk_stage

WAITING_DAYS = {"IDVA service": 2, "Refuge": 21, "Perpetrator programme": 28,
                "Drug and alcohol treatment": 7, "Supported tenancies": 14}

NEIGHBOURING_FEED = [
    {"id": "5b0c4f1e-2a7d-4c55-9c39-6f1d2e8a9b01", "name": "Safe Haven helpline",
     "status": "active", "description": "A confidential helpline, weekdays 9am to 5pm.",
     "service_areas": [{"id": "5b0c4f1e-2a7d-4c55-9c39-6f1d2e8a9b02", "name": "Northbridge"}]},
    {"id": "5b0c4f1e-2a7d-4c55-9c39-6f1d2e8a9b03", "name": "Court support",
     "status": "active", "description": "Support at the magistrates' court on hearing days.",
     "service_areas": [{"id": "5b0c4f1e-2a7d-4c55-9c39-6f1d2e8a9b04", "name": "Eastgate"}]},
]


def load_demo(context) -> None:
    safe_haven = context.agencies["Safe Haven"]
    admin = context.actor("admin.safehaven")
    now = timezone.now()
    for service in Service.objects.filter(active=True).select_related("agency"):
        if service.agency_id == safe_haven.pk:
            service_update(actor=admin, service=service, data={
                "published": True, "waiting_time_days": WAITING_DAYS.get(service.name)})
        else:
            Service.objects.filter(pk=service.pk).update(
                published=True, waiting_time_days=WAITING_DAYS.get(service.name),
                capacity_updated_at=now)
    feed = importer.mapped(NEIGHBOURING_FEED)
    oruk_stage(actor=admin, agency=safe_haven, source="Northbridge Family Information Service",
               feed=feed)
