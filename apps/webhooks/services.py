"""Writes of webhooks: endpoints (an agency admin's), and ``webhook_emit``, which the apps
that own an event call inside the transaction that makes it happen (the outbox: the delivery
rows commit or roll back with the event; they are published after commit)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.audit.services import access_record
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.webhooks import delivery as outbox
from apps.webhooks.events import TEST_EVENT, Event
from apps.webhooks.models import (
    DESCRIPTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from apps.webhooks.policy import require_manage_webhooks
from apps.webhooks.safety import check_url
from apps.webhooks.selectors import endpoints_subscribed
from apps.webhooks.signing import new_secret


def _clean(*, url: str | None = None, events: Iterable[str] | None = None,
           description: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if url is not None:
        url = (url or "").strip()
        if len(url) > URL_MAX_LENGTH:
            raise ServiceError(f"Web address must be {URL_MAX_LENGTH} characters or fewer.",
                               field="url")
        values["url"] = check_url(url)
    if events is not None:
        chosen = list(dict.fromkeys(events))
        unknown = [e for e in chosen if e not in Event.values]
        if unknown:
            raise ServiceError(f"Unknown event: {unknown[0][:40]}", field="events")
        if not chosen:
            raise ServiceError("Choose at least one event.", field="events")
        values["events"] = chosen
    if description is not None:
        description = description.strip()
        if len(description) > DESCRIPTION_MAX_LENGTH:
            raise ServiceError(f"Description must be {DESCRIPTION_MAX_LENGTH} characters or "
                               "fewer.", field="description")
        values["description"] = description
    return values


def _audit(*, actor: Actor, endpoint: WebhookEndpoint, action: str) -> None:
    access_record(actor=actor, object_type="webhook_endpoint", object_id=endpoint.pk,
                  action=action)


def endpoint_create(*, actor: Actor, url: str, events: Iterable[str],
                    description: str = "") -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the acting agency. Returns it and its secret, which is shown
    this once."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor)
    values = _clean(url=url, events=events, description=description)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(agency_id=actor.agency_id, secret=secret,
                                                  created_by=actor.user, **values)
        _audit(actor=actor, endpoint=endpoint, action="create")
    return endpoint, secret


def _locked(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    require_manage_webhooks(actor=actor, agency_id=locked.agency_id)
    return locked


def endpoint_update(*, actor: Actor, endpoint: WebhookEndpoint, url: str | None = None,
                    events: Iterable[str] | None = None, description: str | None = None,
                    active: bool | None = None) -> WebhookEndpoint:
    """Change the address, the events, the description, or turn it off (or on again)."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor, agency_id=endpoint.agency_id)
    values = _clean(url=url, events=events, description=description)
    if active is not None:
        values["active"] = bool(active)
    with transaction.atomic():
        endpoint = _locked(actor=actor, endpoint=endpoint)
        for name, value in values.items():
            setattr(endpoint, name, value)
        endpoint.save()
        _audit(actor=actor, endpoint=endpoint, action="update")
    return endpoint


def endpoint_rotate_secret(*, actor: Actor,
                           endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new secret, shown this once; deliveries from now on are signed with it."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor, agency_id=endpoint.agency_id)
    secret = new_secret()
    with transaction.atomic():
        endpoint = _locked(actor=actor, endpoint=endpoint)
        endpoint.secret = secret
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
        _audit(actor=actor, endpoint=endpoint, action="rotate_secret")
    return endpoint, secret


def endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its delivery log."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor, agency_id=endpoint.agency_id)
    with transaction.atomic():
        endpoint = _locked(actor=actor, endpoint=endpoint)
        _audit(actor=actor, endpoint=endpoint, action="delete")
        endpoint.delete()


def endpoint_send_test(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a ``webhook.test`` event to this endpoint (whatever events it chose)."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor, agency_id=endpoint.agency_id)
    with transaction.atomic():
        endpoint = _locked(actor=actor, endpoint=endpoint)
        if not endpoint.active:
            raise TransitionNotAllowed("Turn the webhook on before sending a test event.")
        event_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=TEST_EVENT, event_id=event_id,
            payload=_payload(event=TEST_EVENT, event_id=event_id, agency_id=endpoint.agency_id,
                             data={"endpoint": str(endpoint.pk)}),
            next_attempt_at=timezone.now() + outbox.backoff(1))
        _audit(actor=actor, endpoint=endpoint, action="send_test")
        transaction.on_commit(lambda: outbox.publish([delivery.pk]))
    return delivery


def delivery_resend(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed (or given up) delivery again: same event id, tries counted afresh."""
    actor_require_writer(actor=actor)
    require_manage_webhooks(actor=actor, agency_id=delivery.endpoint.agency_id)
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(of=("self",))
                    .select_related("endpoint").get(pk=delivery.pk))
        if not delivery.may_resend:
            raise TransitionNotAllowed(
                f"Only a failed delivery can be sent again; this one is "
                f"{delivery.get_status_display().lower()}.")
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now() + outbox.backoff(1)
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        access_record(actor=actor, object_type="webhook_delivery", object_id=delivery.pk,
                      action="resend")
        transaction.on_commit(lambda: outbox.publish([delivery.pk]))
    return delivery


# Emitting events --------------------------------------------------------------------------


def _payload(*, event: str, event_id: UUID, agency_id: UUID, data: Mapping[str, Any]) -> dict:
    """Ids and event names only: no personal data, ever."""
    return {"id": str(event_id), "event": event, "created_at": timezone.now().isoformat(),
            "agency": str(agency_id), "data": {k: str(v) for k, v in data.items()}}


def webhook_emit(*, event: str, agency_ids: Iterable, data: Mapping[str, Any]) -> list[UUID]:
    """Write one delivery per subscribed endpoint of these agencies, in the caller's
    transaction, and publish them after it commits. ``data`` holds ids only (values are sent
    as strings). One query when no endpoint listens; one more INSERT when some do."""
    return webhook_emit_many(event=event, items=[(agency_id, data) for agency_id in
                                                 dict.fromkeys(agency_ids)])


def webhook_emit_many(*, event: str,
                      items: Iterable[tuple[Any, Mapping[str, Any]]]) -> list[UUID]:
    """``webhook_emit`` for many (agency id, data) pairs at once (a reminder sweep): one
    SELECT for the endpoints and one INSERT, however many."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    items = list(items)
    if not items:
        return []
    by_agency: dict[Any, list[UUID]] = {}
    for endpoint_id, agency_id in endpoints_subscribed(
            agency_ids=list({agency_id for agency_id, _ in items}), event=event):
        by_agency.setdefault(agency_id, []).append(endpoint_id)
    if not by_agency:
        return []
    next_at = timezone.now() + outbox.backoff(1)
    rows = []
    for agency_id, data in items:
        event_id = uuid.uuid4()
        payload = _payload(event=event, event_id=event_id, agency_id=agency_id, data=data)
        rows += [WebhookDelivery(endpoint_id=endpoint_id, event=event, event_id=event_id,
                                 payload=payload, next_attempt_at=next_at)
                 for endpoint_id in by_agency.get(agency_id, ())]
    created = WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: outbox.publish(ids))
    return ids
