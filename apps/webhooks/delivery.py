"""Sending deliveries (the worker's side of the outbox).

``publish`` runs after the emitting transaction commits and never fails it; ``sweep``
(beat) republishes rows still due; ``send`` (the task) claims one row with
``SELECT … FOR UPDATE SKIP LOCKED`` and holds it while it POSTs, so two copies of the task
never send the same row twice; it records the answer and, on failure, when to try again
(``apps.core.outbox.backoff``), giving up after ``WEBHOOK_MAX_ATTEMPTS`` tries."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core import outbox
from apps.core.exceptions import ServiceError
from apps.webhooks.models import (
    RESPONSE_EXCERPT_LENGTH,
    RETRYABLE,
    DeliveryStatus,
    WebhookDelivery,
)
from apps.webhooks.safety import check_url
from apps.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    body_of,
    signature_header,
)

log = logging.getLogger(__name__)
USER_AGENT = "Wraparound-Webhooks/1"
READ_AT_MOST = 2048


def backoff(attempts: int) -> timedelta:
    """Wait after ``attempts`` tries: base (30 s) doubling, at most 6 hours."""
    return outbox.backoff(attempts, base_seconds=int(settings.WEBHOOK_RETRY_BASE_SECONDS),
                          cap_seconds=6 * 3600)


def publish(ids: list[UUID]) -> int:
    from apps.webhooks.tasks import deliver_webhook

    return outbox.publish_each(deliver_webhook, ids, what="webhook delivery")


def sweep(*, batch: int = 200) -> int:
    """Beat: republish deliveries whose next try has come (publish lost, or a retry due)."""
    return outbox.sweep_due(WebhookDelivery.objects.filter(status__in=RETRYABLE),
                            attempts_field="publishes", next_field="next_attempt_at",
                            batch=batch, wait=backoff, publish=publish)


def _excerpt(response: requests.Response) -> str:
    try:
        raw = response.raw.read(READ_AT_MOST, decode_content=True) or b""
    except Exception:  # a body we cannot read is not worth a failure of its own
        raw = b""
    text = raw.decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:RESPONSE_EXCERPT_LENGTH]


def _post(*, url: str, body: str, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status, response excerpt, error) of one POST; never raises."""
    try:
        url = check_url(url)
    except ServiceError as refused:
        return None, "", f"Not sent: {refused.message}"[:200]
    try:
        with requests.post(url, data=body.encode(), headers=headers, stream=True,
                           allow_redirects=False,
                           timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS)) as response:
            return response.status_code, _excerpt(response), ""
    except requests.Timeout:
        return None, "", "No answer in time."
    except requests.RequestException as exc:
        return None, "", f"Could not connect ({type(exc).__name__})."


def send(*, delivery_id: UUID | str) -> str:
    """Try one delivery now (the task). Returns its status; a row that is not waiting to be
    sent (already sent, given up, or being sent by another worker) is left alone."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("endpoint")
                    .filter(pk=delivery_id, status__in=RETRYABLE).first())
        if delivery is None:
            return ""
        endpoint = delivery.endpoint
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        if not endpoint.active:
            status, excerpt, error = None, "", "Not sent: the webhook is turned off."
            delivery.attempts = max(delivery.attempts, int(settings.WEBHOOK_MAX_ATTEMPTS))
        else:
            body = body_of(delivery.payload)
            status, excerpt, error = _post(url=endpoint.url, body=body, headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                EVENT_HEADER: delivery.event,
                DELIVERY_HEADER: str(delivery.event_id),
                SIGNATURE_HEADER: signature_header(secret=endpoint.secret, body=body),
            })
        delivery.response_status, delivery.response_excerpt = status, excerpt
        delivery.last_error = error or ("" if status is None or 200 <= status < 300
                                        else f"The receiver answered {status}.")
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = (
                DeliveryStatus.SENT, timezone.now(), None)
        elif delivery.attempts >= int(settings.WEBHOOK_MAX_ATTEMPTS):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.GIVEN_UP, None
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save()
        # ids, event name and outcome only: never the payload
        log.info("webhook delivery %s (%s, try %s): %s %s", delivery.pk, delivery.event,
                 delivery.attempts, delivery.status, status or error)
        return delivery.status
