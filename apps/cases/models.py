from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.audit.history import track_changes
from apps.cases.sections import PERMISSIONS as SECTION_PERMISSIONS
from apps.cases.sections import Section, WorksWith
from apps.core.models import TimestampedModel


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


@track_changes()
class Case(TimestampedModel):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="led_cases"
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, default=RiskLevel.STANDARD
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Restricted cases are shared with named workers only, never a whole agency.",
    )
    summary = models.TextField(blank=True)
    last_activity_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        # My work's and the API's filters, in the lists' order: a filter that matches few
        # rows reads few rows, and the permission check probes only those (issue 17).
        indexes = [
            models.Index(fields=["status", "-last_activity_at", "-id"], name="case_status_active"),
            # Counting a set of cases by status from the index alone (the caseload counts).
            models.Index(fields=["id"], include=["status"], name="case_id_status"),
            models.Index(fields=["status", "risk_level", "-last_activity_at", "-id"],
                         name="case_status_risk_active"),
        ]
        permissions = [
            ("contribute_case", "Can add notes and actions to the case"),
            ("manage_case", "Can manage the case's involvements"),
            *SECTION_PERMISSIONS,
        ]
        default_permissions = ("add", "change", "delete", "view")

    def __str__(self) -> str:
        return self.reference


class CasePersonRole(models.TextChoices):
    SUBJECT = "subject", "Subject"
    VICTIM = "victim", "Victim"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
    CHILD = "child", "Child in the household"
    FAMILY = "family", "Family member"
    OTHER = "other", "Other"


@track_changes()
class CasePerson(TimestampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="case_links")
    role = models.CharField(max_length=32, choices=CasePersonRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_person_unique")
        ]
        # person_id is indexed by its foreign key; (case, person) by the unique constraint.


class InvolvementRole(models.TextChoices):
    LEAD = "lead", "Lead"
    PARTNER = "partner", "Partner"
    MARAC = "marac", "MARAC"


class InvolvementQuerySet(models.QuerySet):
    def active(self) -> InvolvementQuerySet:
        return self.filter(ended_at__isnull=True)


@track_changes()
class Involvement(TimestampedModel):
    """The domain fact behind an agency's access to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="involvements")
    role = models.CharField(max_length=10, choices=InvolvementRole.choices)
    basis = models.TextField(help_text="Why this agency is involved and on what basis it shares.")
    sharing_basis = models.ForeignKey("consent.SharingBasis", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="involvements")
    key_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="key_involvements")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    end_reason = models.TextField(blank=True)
    # Need to know by purpose (apps/cases/sections.py): what this involvement may see, why,
    # and until when. Set from the policy table when it starts; grants derive from it.
    works_with = models.CharField(max_length=24, choices=WorksWith.choices,
                                  default=WorksWith.VICTIM)
    sections = ArrayField(models.CharField(max_length=16, choices=Section.choices), default=list,
                          blank=True)
    scope_reason = models.TextField(blank=True)
    scope_changed_at = models.DateTimeField(null=True, blank=True)
    scope_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    ends_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the access ends by itself (a MARAC involvement: after its meeting).")

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"], condition=Q(ended_at__isnull=True),
                name="involvement_one_active_per_agency",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True, role="lead"),
                name="involvement_one_active_lead",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "case"], condition=Q(ended_at__isnull=True),
                         name="involvement_active_agency"),
            # A worker's cases in one agency (the tray, the caseload counts, hand-over); with
            # the case, so the caseload counts read the index only.
            models.Index(fields=["key_worker", "agency"], include=["case"],
                         condition=Q(ended_at__isnull=True), name="involvement_active_kw_agency"),
            # The selectors' expiry probe and the sweep: few rows, only timed involvements.
            models.Index(fields=["agency", "case"],
                         condition=Q(ended_at__isnull=True, ends_at__isnull=False),
                         name="involvement_active_timed"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.case} ({self.get_role_display()})"

    @property
    def scope_labels(self) -> list[str]:
        """What this involvement may see, in words (its stored scope, as granted)."""
        from apps.cases.sections import effective, labels

        return labels(effective(sections=self.sections, works_with=self.works_with))


class NoteVisibility(models.TextChoices):
    SHARED = "shared", "Shared with every involved agency"
    AGENCY = "agency", "Only my agency"


class NoteKind(models.TextChoices):
    NOTE = "note", "Case note"
    CONTACT = "contact", "Contact with the person"
    INCIDENT = "incident", "Incident"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"
    SYSTEM = "system", "Recorded by Wraparound"


@track_changes()
class CaseNote(TimestampedModel):
    """A chronology entry."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField()
    visibility = models.CharField(max_length=10, choices=NoteVisibility.choices,
                                  default=NoteVisibility.SHARED)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="casenote_case_created")]


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Guardian direct foreign-key model: per-user grants (restricted cases, emergency access)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    # (user, permission, content_object) is indexed by guardian's unique constraint.


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian direct foreign-key model: agency-group grants, one per involvement level."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    # (group, permission, content_object) is indexed by guardian's unique constraint: the
    # selectors probe it with the agency's group and the permission id (docs/performance.md).
