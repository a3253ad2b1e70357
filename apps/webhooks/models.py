"""Webhook endpoints (registered by an agency admin for their agency) and their deliveries.

A ``WebhookDelivery`` row is written in the same transaction as the domain event it reports:
it is the outbox. The row is published to the worker on commit, and a beat sweep republishes
rows whose publish was lost (broker down) or whose last try failed, with backoff."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.core.models import TimestampedModel

URL_MAX_LENGTH = 500
DESCRIPTION_MAX_LENGTH = 200
RESPONSE_EXCERPT_LENGTH = 200


class WebhookEndpoint(TimestampedModel):
    """An HTTPS address that receives the agency's chosen events, signed with ``secret``.

    The secret is kept as entered into the HMAC (it must be, to sign): it is shown once, on
    creation and rotation, never in a page, an API answer or a log after that."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="webhook_endpoints")
    url = models.URLField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    events = ArrayField(models.CharField(max_length=40), default=list)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "-created_at", "-id"],
                                name="webhookendpoint_agency")]

    def __str__(self) -> str:
        return self.description or self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: will try again"
    GIVEN_UP = "given_up", "Failed: given up"


RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class WebhookDelivery(TimestampedModel):
    """One event for one endpoint. ``event_id`` is the same on every try (and for every
    endpoint told of the same event): receivers de-duplicate on it."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(default=uuid.uuid4)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)  # HTTP tries
    publishes = models.PositiveIntegerField(default=0)  # republished by the sweep
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=RESPONSE_EXCERPT_LENGTH, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="webhookdelivery_once_per_endpoint")]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"],
                         name="webhookdelivery_log"),
            models.Index(fields=["next_attempt_at"], name="webhookdelivery_due",
                         condition=Q(status__in=["pending", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"

    @property
    def may_resend(self) -> bool:
        return self.status in (DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP)
