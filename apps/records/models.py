"""The record's whole life: subject access requests, retention, rectification, restriction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimestampedModel


class RequesterKind(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "Someone acting for them (solicitor, advocate, parent)"


class SarStatus(models.TextChoices):
    ASSEMBLING = "assembling", "Gathering what we hold"
    READY = "ready", "Ready for redaction review"
    RELEASED = "released", "Released"


class SubjectAccessRequest(TimestampedModel):
    """A person's request to one agency for what it holds about them (UK GDPR article 15),
    answered within one calendar month of receipt. The row is also the assembly's outbox:
    while ``assembling``, the sweep republishes the task at ``assemble_next_at``."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    requester_kind = models.CharField(max_length=16, choices=RequesterKind.choices,
                                      default=RequesterKind.PERSON)
    requester_details = models.TextField(
        blank=True, help_text="Who asked for them, and how they proved they may (if not the "
                              "person).")
    received_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=SarStatus.choices,
                              default=SarStatus.ASSEMBLING)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    bundle_key = models.CharField(max_length=255, blank=True)
    bundle_size = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True,
                               help_text="How many entries of each kind; how many to review.")
    assembled_at = models.DateTimeField(null=True, blank=True)
    assemble_attempts = models.PositiveIntegerField(default=0)
    assemble_next_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    release_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["agency", "due_on"], name="sar_agency_due"),
            models.Index(fields=["assemble_next_at"], condition=Q(status="assembling"),
                         name="sar_assemble_due"),
        ]
