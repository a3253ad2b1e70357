"""The notification outbox and the once-only reminder ledger.

A ``Notification`` row is written in the same transaction as the change it tells about, then
published to Celery on commit. Titles never carry personal data (references and agency names).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import UUIDModel


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    PUBLISHED = "published", "Published"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    DEAD = "dead", "Dead"


class Notification(UUIDModel):
    # Indexed by notification_recipient, whose first column it is.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False)
    # The agency in whose work the recipient hears of it: listed, counted and emailed only
    # while they act for (are a member of) it. Null only on rows from before it was recorded
    # that the backfill (migration 0004) could not place: those are shown for no agency.
    # Indexed as the second column of notification_recipient and notification_unread.
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="+", db_index=False)
    kind = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.UUIDField()
    title = models.CharField(max_length=200, help_text="No personal data.")
    url = models.CharField(max_length=300, help_text="A path, e.g. /referrals/<uuid>/.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "agency", "-created_at", "-id"],
                         name="notification_recipient"),
            models.Index(fields=["recipient", "agency"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["next_attempt_at"],
                         condition=Q(state__in=["pending", "published", "failed"]),
                         name="notification_undelivered"),
        ]

    def __str__(self) -> str:
        return self.title


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Email me each notification straight away"
    DIGEST = "digest", "Email me a daily digest"
    OFF = "off", "Do not email me"


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="notification_preference")
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices,
                                  default=EmailMode.IMMEDIATE)
    digest_sent_at = models.DateTimeField(null=True, blank=True)


class Reminder(models.Model):
    """One row per (kind, target, stage) ever sent: the unique key makes each send once-only."""

    kind = models.CharField(max_length=40)
    target_id = models.UUIDField()
    stage = models.CharField(max_length=20)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The uuid first: a sweep probes this index once per open target, and comparing
            # uuids is cheaper than comparing text under a collation (a third faster).
            models.UniqueConstraint(fields=["target_id", "stage", "kind"],
                                    name="reminder_once_per_stage"),
        ]
