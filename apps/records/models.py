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


class RecordKind(models.TextChoices):
    CASE = "case", "A closed case and everything recorded on it"


class RetentionRule(TimestampedModel):
    """An agency's own (stricter) retention period for a kind of record. Without one, the
    default applies (``RETENTION_DEFAULT_MONTHS``: six years after the case closed)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RecordKind.choices, default=RecordKind.CASE)
    months = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "kind"],
                                               name="retention_rule_one_per_kind")]


class AgreementRetention(TimestampedModel):
    """The retention period a data-sharing agreement states, in months: what was shared under
    it is kept no longer (the agreement's own ``retention`` field is its wording)."""

    agreement = models.OneToOneField("consent.DataSharingAgreement", on_delete=models.CASCADE,
                                     related_name="retention_period")
    months = models.PositiveIntegerField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")


class ReviewState(models.TextChoices):
    DUE = "due", "Due for deletion: waiting for the lead agency's manager"
    EXTENDED = "extended", "Kept longer (extended with a reason)"
    DELETED = "deleted", "Personal data deleted"


class RetentionReview(TimestampedModel):
    """A closed case whose retention period has run out, found by the sweep, decided by a
    manager of the lead agency: delete its personal data, or keep it longer with a reason. A
    legal hold stops both the sweep and the deletion until lifted."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT,
                                related_name="retention_review")
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                    related_name="+")
    due_on = models.DateField()
    rule = models.CharField(max_length=200, help_text="Which rule made it due, in words.")
    state = models.CharField(max_length=10, choices=ReviewState.choices,
                             default=ReviewState.DUE)
    extended_until = models.DateField(null=True, blank=True)
    extend_reason = models.TextField(blank=True)
    legal_hold = models.BooleanField(default=False)
    hold_reason = models.TextField(blank=True)
    hold_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    hold_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    kept = models.JSONField(default=dict, blank=True,
                            help_text="Counts kept for statistics after deletion.")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["lead_agency", "state", "due_on"],
                                name="retention_review_lead_state")]


class PersonCorrection(TimestampedModel):
    """A correction to a person's details (UK GDPR article 16). The values before and after
    are kept by the person's change history (django-pghistory); this row says which fields,
    why, who, and how many agencies were told."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="corrections")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list)
    reason = models.TextField()
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    agencies_told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]


class RightsRequestKind(models.TextChoices):
    RESTRICTION = "restriction", "Restrict processing"
    ERASURE = "erasure", "Erase"
    OBJECTION = "objection", "Object to processing"


class RightsDecision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    GRANTED = "granted", "Granted"
    PARTLY = "partly", "Partly granted"
    REFUSED = "refused", "Refused"


class RightsRequest(TimestampedModel):
    """A request to restrict, erase or stop processing a person's data, recorded with its
    decision and the reasons (an exemption, a legal obligation, safeguarding)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="rights_requests")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=RightsRequestKind.choices)
    received_on = models.DateField()
    details = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    decision = models.CharField(max_length=10, choices=RightsDecision.choices,
                                default=RightsDecision.PENDING)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
