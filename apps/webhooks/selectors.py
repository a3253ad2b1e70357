"""Reads of webhook endpoints and deliveries: only the acting agency's, only for its admins
(everyone else sees none, so a detail answers 404)."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.webhooks.policy import may_manage_webhooks


def endpoint_list(*, actor: Actor | None) -> QuerySet[WebhookEndpoint]:
    if not may_manage_webhooks(actor=actor):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(agency_id=actor.agency_id)


def endpoint_get(*, actor: Actor | None, endpoint_id: UUID | str) -> WebhookEndpoint:
    try:
        endpoint = endpoint_list(actor=actor).filter(pk=endpoint_id).first()
    except ValidationError:
        endpoint = None
    if endpoint is None:
        raise Http404("No such webhook")
    return endpoint


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries (the endpoint came from ``endpoint_get``: already scoped)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint)


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: UUID | str) -> WebhookDelivery:
    try:
        delivery = delivery_list(endpoint=endpoint).filter(pk=delivery_id).first()
    except ValidationError:
        delivery = None
    if delivery is None:
        raise Http404("No such delivery")
    return delivery


def endpoints_subscribed(*, agency_ids: list, event: str) -> list[tuple[UUID, UUID]]:
    """(endpoint id, agency id) of the active endpoints of these agencies that chose the
    event (system read for ``webhook_emit``; one query)."""
    return list(WebhookEndpoint.objects.filter(
        agency_id__in=agency_ids, active=True, events__contains=[event]).values_list(
        "pk", "agency_id"))
