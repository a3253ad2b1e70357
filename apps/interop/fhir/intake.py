"""A ServiceRequest POSTed by an integrator, read into the arguments of ``referral_create``.

Structure and types are checked by ``fhir.resources`` (R4B models); bound codes by
``codes``; the case and the service come from the caller's own selectors. No business rule
lives here: whether this actor may refer this case to that service is ``referral_create``'s
answer (through ``apps.cases.policy``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.http import Http404
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from apps.agencies.actor import Actor
from apps.agencies.models import Service
from apps.agencies.service_selectors import service_get
from apps.cases.models import Case
from apps.cases.selectors import case_get
from apps.core.exceptions import ServiceError
from apps.core.limits import TEXT_MAX_LENGTH
from apps.interop.fhir import codes


@dataclass(frozen=True)
class DraftReferral:
    case: Case
    service: Service
    reason: str
    urgency: str
    shared_information: str | None


def _uuid_from(identifier: dict[str, Any] | None) -> UUID | None:
    if not isinstance(identifier, dict):
        return None
    value = str(identifier.get("value", ""))
    if value.startswith("urn:uuid:"):
        value = value[len("urn:uuid:"):]
    try:
        return UUID(value)
    except ValueError:
        return None


def _typed(references: list[dict[str, Any]], kind: str) -> UUID | None:
    for reference in references:
        if isinstance(reference, dict) and reference.get("type") == kind:
            return _uuid_from(reference.get("identifier"))
    return None


def _text(value: str, field: str) -> str:
    if len(value) > TEXT_MAX_LENGTH:
        raise ServiceError(f"{field} must be {TEXT_MAX_LENGTH:,} characters or fewer.",
                           field=field)
    return value


def _structure(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("resourceType") != "ServiceRequest":
        raise ServiceError("Send one ServiceRequest resource.", field="resourceType")
    try:
        ServiceRequest.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "ServiceRequest"
        raise ServiceError(f"{where}: {first.get('msg', 'invalid')}", field=where) from error
    return body


def _codes(body: dict[str, Any]) -> str:
    if body.get("status") != "draft":
        raise ServiceError("A new ServiceRequest is created as a draft: send status "
                           "\"draft\" (submit it through the REST API).", field="status")
    if body.get("intent") not in codes.REQUEST_INTENT:
        raise ServiceError("intent must be a code from the request-intent value set.",
                           field="intent")
    priority = body.get("priority", "routine")
    if priority not in codes.REQUEST_PRIORITY:
        raise ServiceError("priority must be routine, urgent, asap or stat.", field="priority")
    return codes.URGENCY[priority]


def read_service_request(*, actor: Actor, body: Any) -> DraftReferral:
    """``ServiceError`` (400) for anything missing or invalid, naming the element."""
    body = _structure(body)
    urgency = _codes(body)
    case_id = _typed(body.get("supportingInfo") or [], "EpisodeOfCare")
    if case_id is None:
        raise ServiceError("Name the case in supportingInfo: {\"type\": \"EpisodeOfCare\", "
                           "\"identifier\": {\"value\": \"urn:uuid:<case id>\"}}.",
                           field="supportingInfo")
    service_id = _typed(body.get("performer") or [], "HealthcareService")
    if service_id is None:
        raise ServiceError("Name the service in performer: {\"type\": \"HealthcareService\", "
                           "\"identifier\": {\"value\": \"urn:uuid:<service id>\"}}.",
                           field="performer")
    try:
        case = case_get(actor=actor, case_id=case_id)
    except Http404 as exc:
        raise ServiceError("No case with that id.", field="supportingInfo") from exc
    try:
        service = service_get(actor=actor, service_id=service_id)
    except Http404 as exc:
        raise ServiceError("No service with that id.", field="performer") from exc
    reason = " ".join(str(c.get("text", "")) for c in body.get("reasonCode") or []
                      if isinstance(c, dict)).strip()
    notes = [str(n.get("text", "")) for n in body.get("note") or [] if isinstance(n, dict)]
    return DraftReferral(case=case, service=service, reason=_text(reason, "reasonCode"),
                         urgency=urgency,
                         shared_information=_text("\n\n".join(notes), "note")
                         if notes else None)
