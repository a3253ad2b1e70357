"""Documents on a case: chronology entries with a file, held until a virus scan passes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.cases.models import NoteVisibility
from apps.cases.sections import Section
from apps.core.models import TimestampedModel


class ScanState(models.TextChoices):
    PENDING = "pending", "Awaiting virus scan"
    CLEAN = "clean", "Scanned: no threat found"
    QUARANTINED = "quarantined", "Quarantined: the virus scan flagged it"


class Document(TimestampedModel):
    """A file attached to a case. Never served until ``scan_state`` is ``clean``.

    The row is also the scan's outbox: while ``pending``, the sweep republishes the scan task
    at ``scan_next_at`` (with backoff), so a scan is never lost when the broker is down."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices,
                                  default=NoteVisibility.SHARED)
    # The need-to-know section the document belongs to (apps/cases/sections.py).
    section = models.CharField(max_length=16, choices=Section.choices,
                               default=Section.CHRONOLOGY)
    storage_key = models.CharField(max_length=255, unique=True)
    scan_state = models.CharField(max_length=12, choices=ScanState.choices,
                                  default=ScanState.PENDING)
    scan_attempts = models.PositiveIntegerField(default=0)
    scan_next_at = models.DateTimeField(null=True, blank=True)
    scan_error = models.CharField(max_length=200, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="document_case_created"),
            models.Index(fields=["scan_next_at"], condition=Q(scan_state="pending"),
                         name="document_scan_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def servable(self) -> bool:
        return self.scan_state == ScanState.CLEAN
