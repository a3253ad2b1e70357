"""Closed-loop referrals between agencies, their history and their object permissions."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.core.models import TimestampedModel


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INFO_REQUESTED = "info_requested", "More information requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"


OPEN_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.INFO_REQUESTED)


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    EMERGENCY = "emergency", "Emergency"


class DeclineCategory(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "Does not meet the eligibility criteria"
    NO_CAPACITY = "no_capacity", "No capacity"
    WRONG_SERVICE = "wrong_service", "Another service is better placed"
    PERSON_DECLINED = "person_declined", "The person declined the service"
    DUPLICATE = "duplicate", "Already referred or already supported"
    OTHER = "other", "Other"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
                 model_name="ReferralChange",
                 obj_field=pghistory.ObjForeignKey(related_name="changes"))
class Referral(TimestampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                    related_name="referrals_sent")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                  related_name="referrals_received")
    to_service = models.ForeignKey("agencies.Service", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="referrals")
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    shared_information = models.TextField(
        help_text="What is shared. The receiving agency sees only this and the subject's "
                  "name and date of birth until it accepts.")
    sharing_basis = models.ForeignKey("consent.SharingBasis", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="referrals")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True,
                                  help_text="Response target from the last submission.")
    escalate_at = models.DateTimeField(null=True, blank=True,
                                       help_text="Twice the response target.")
    seen_at = models.DateTimeField(null=True, blank=True,
                                   help_text="First opened by the receiving agency.")
    # Who in the receiving agency is dealing with it (picked up, or assigned by a manager).
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decline_category = models.CharField(max_length=20, choices=DeclineCategory.choices,
                                        blank=True)
    decline_reason = models.TextField(blank=True)
    signpost_service = models.ForeignKey("agencies.Service", on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    info_request = models.TextField(blank=True)
    info_response = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    involvement = models.ForeignKey("cases.Involvement", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("decide_referral", "Can decide the referral")]
        indexes = [
            models.Index(fields=["to_agency", "status", "-submitted_at", "-id"],
                         name="referral_inbox"),
            # The API pages the inbox on (created_at, id): without this, the largest agency's
            # inbox sorts 40,000 rows per request (docs/performance.md).
            models.Index(fields=["to_agency", "status", "-created_at", "-id"],
                         name="referral_inbox_created"),
            models.Index(fields=["from_agency", "-created_at", "-id"], name="referral_outgoing"),
            models.Index(fields=["from_agency", "status", "-created_at", "-id"],
                         name="referral_outgoing_status"),
            # The inbox's "awaiting" tab (opened, or waiting for the referrer), newest first:
            # without it the largest agency's tab sorts 60,000 rows on disk.
            models.Index(fields=["to_agency", "-submitted_at", "-id"],
                         condition=(Q(status="submitted", seen_at__isnull=False)
                                    | Q(status="info_requested")),
                         name="referral_inbox_awaiting"),
            # The reports (apps/insight): an agency's referrals, either side, by first
            # submission in a period.
            models.Index(fields=["from_agency", "first_submitted_at"],
                         name="referral_report_from"),
            models.Index(fields=["to_agency", "first_submitted_at"], name="referral_report_to"),
            models.Index(fields=["due_at"], condition=Q(status="submitted"),
                         name="referral_open_due"),
            models.Index(fields=["escalate_at"], condition=Q(status="submitted"),
                         name="referral_open_escalate"),
            # The work tray: an agency's waiting referrals, soonest due first.
            models.Index(fields=["to_agency", "due_at", "id"], condition=Q(status="submitted"),
                         name="referral_queue_due"),
            # The work tray: open referrals assigned to someone.
            models.Index(fields=["assigned_to", "due_at"],
                         condition=Q(status__in=["submitted", "info_requested"]),
                         name="referral_open_assigned"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(from_agency=models.F("to_agency")),
                                   name="referral_to_another_agency"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class ReferralEvent(models.Model):
    """The referral's history: one row per step, append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    text = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referralevent_referral")]


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    # (group, permission, content_object) is indexed by guardian's unique constraint.
