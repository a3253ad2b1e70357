"""One action plan per case that every involved agency contributes to. Overdue is computed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.audit.history import track_changes
from apps.core.models import TimestampedModel


class PlanSource(models.TextChoices):
    MARAC = "marac", "MARAC meeting"
    CASE_REVIEW = "case_review", "Case review"


@track_changes()
class ActionPlan(TimestampedModel):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="action_plan")
    what_person_wants = models.TextField(
        blank=True, help_text="In the person's own words.")
    source = models.CharField(max_length=16, choices=PlanSource.choices,
                              default=PlanSource.CASE_REVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


@track_changes()
class Action(TimestampedModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                     related_name="owned_actions")
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="owned_actions")
    due_date = models.DateField()
    priority = models.CharField(max_length=8, choices=Priority.choices,
                                default=Priority.MEDIUM)
    status = models.CharField(max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    completion_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey("marac.Meeting", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="actions",
                                help_text="The MARAC meeting that agreed it, if any.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["due_date"], condition=Q(status="open"),
                         name="action_open_due"),
            models.Index(fields=["owner_agency", "status"], name="action_owner_status"),
            # The work tray: a person's (or their team's) open actions, soonest due first,
            # without reading every open action of the agency (issue 13).
            models.Index(fields=["owner_user", "due_date", "id"], condition=Q(status="open"),
                         name="action_open_owner_due"),
            # The manager's escalations: the agency's overdue actions, longest overdue first.
            models.Index(fields=["owner_agency", "due_date", "id"], condition=Q(status="open"),
                         name="action_open_agency_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | ~Q(completion_note=""),
                                   name="action_closed_needs_note"),
        ]

    def is_overdue(self, today) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < today
