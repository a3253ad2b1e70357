"""Writes to the services directory: an agency admin maintains their own agency's entries."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Need, Role, Service
from apps.audit.services import access_record
from apps.core.exceptions import NotPermitted, ServiceError

EDITABLE = ("name", "description", "eligibility", "referral_criteria", "needs", "area",
            "response_target_hours", "accepting_referrals", "capacity_note", "active",
            "published", "waiting_time_days", "contact_phone", "contact_email",
            "contact_hours")
# A change to any of these stamps ``capacity_updated_at`` (published in the ORUK directory).
CAPACITY = ("accepting_referrals", "capacity_note", "waiting_time_days")


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.AGENCY_ADMIN:
        raise NotPermitted("Only your agency's admins can change its services.")


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"Unknown field: {sorted(unknown)[0]}.")
    if "name" in data and not str(data["name"]).strip():
        raise ServiceError("Enter the service's name.", field="name")
    if "needs" in data and not set(data["needs"]) <= set(Need.values):
        raise ServiceError("Choose needs from the list.", field="needs")
    hours = data.get("response_target_hours")
    if hours is not None and (not isinstance(hours, int) or hours < 1):
        raise ServiceError("Enter a response target of at least 1 working hour.",
                           field="response_target_hours")
    days = data.get("waiting_time_days")
    if days is not None and (not isinstance(days, int) or days < 0):
        raise ServiceError("Enter the waiting time as a whole number of days, 0 or more.",
                           field="waiting_time_days")
    return data


def service_create(*, actor: Actor, data: dict[str, Any]) -> Service:
    _require_admin(actor)
    data = _validate(dict(data))
    try:
        with transaction.atomic():
            service = Service.objects.create(agency_id=actor.agency_id,
                                             capacity_updated_at=timezone.now(), **data)
            access_record(actor=actor, object_type="service", object_id=service.pk,
                          action="create")
    except IntegrityError as exc:
        raise ServiceError("Your agency already has a service with that name.",
                           field="name") from exc
    return service


def service_update(*, actor: Actor, service: Service, data: dict[str, Any]) -> Service:
    _require_admin(actor)
    data = _validate(dict(data))
    try:
        with transaction.atomic():
            service = Service.objects.select_for_update().get(pk=service.pk)
            if service.agency_id != actor.agency_id:
                raise NotPermitted("You can only change your own agency's services.")
            if any(name in data and data[name] != getattr(service, name) for name in CAPACITY):
                service.capacity_updated_at = timezone.now()
            for name, value in data.items():
                setattr(service, name, value)
            service.save()
            access_record(actor=actor, object_type="service", object_id=service.pk,
                          action="update")
    except IntegrityError as exc:
        raise ServiceError("Your agency already has a service with that name.",
                           field="name") from exc
    return service
