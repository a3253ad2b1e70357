"""Services read from another Open Referral UK feed, waiting for an agency admin's review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimestampedModel


class StagedState(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a later import"


class StagedService(TimestampedModel):
    """One service of an ORUK feed as read, for the importing agency to review.

    Nothing reaches the directory until an agency admin applies it. ``service`` is the local
    entry with the same ORUK id (None for a new one); ``local_edits`` records that the entry
    was changed here since it was last imported, so applying needs an explicit overwrite."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="staged_services")
    oruk_id = models.CharField(max_length=100)
    source = models.CharField(max_length=500, help_text="The file name or URL it came from.")
    values = models.JSONField(help_text="The Wraparound fields mapped from the feed.")
    fingerprint = models.CharField(max_length=64)
    remote_last_modified = models.CharField(max_length=40, blank=True)
    service = models.ForeignKey("agencies.Service", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    local_edits = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=StagedState.choices,
                             default=StagedState.PENDING)
    staged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["values__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "oruk_id"], condition=Q(state="pending"),
                                    name="stagedservice_one_pending_per_oruk_id"),
        ]
        indexes = [models.Index(fields=["agency", "created_at"], condition=Q(state="pending"),
                                name="stagedservice_pending")]

    def __str__(self) -> str:
        return f"{self.values.get('name', self.oruk_id)} ({self.get_state_display()})"
