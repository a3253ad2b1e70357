"""MARAC: areas, DASH risk checklists, MARAC referrals, meetings, agenda items and research."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.audit.history import track_changes
from apps.cases.models import RiskLevel
from apps.consent.models import LawfulBasis
from apps.core.dates import format_date
from apps.core.models import TimestampedModel
from apps.marac import dash

CONFIDENTIALITY_STATEMENT = (
    "Information discussed at this MARAC is confidential. It is shared only to reduce the risk "
    "of serious harm to the people discussed and their children, under the area's information "
    "sharing agreement. It must not be shared with anyone outside this meeting without the "
    "agreement of the agency that provided it, except where a child or adult is at risk of "
    "immediate harm."
)


class MaracArea(TimestampedModel):
    """A MARAC: who coordinates it, which agencies sit at it and its thresholds."""

    name = models.CharField(max_length=200, unique=True)
    coordinating_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                            related_name="coordinated_marac_areas")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    member_agencies = models.ManyToManyField("agencies.Agency", related_name="marac_areas",
                                             blank=True)
    meeting_frequency_days = models.PositiveIntegerField(default=28)
    high_risk_threshold = models.PositiveIntegerField(
        default=14, help_text="'Yes' answers that make a case visible high risk.")
    escalation_threshold = models.PositiveIntegerField(
        default=3, help_text="Police call-outs in 12 months that count as potential escalation "
                             "(0 turns this route off).")
    repeat_window_months = models.PositiveIntegerField(default=12)
    manager_signoff_required = models.BooleanField(default=False)
    research_days_before = models.PositiveIntegerField(
        default=2, help_text="Research is due this many days before the meeting.")
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices,
                                    default=LawfulBasis.VITAL_INTERESTS)
    adult_female_population = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Women aged 16 and over living in the area (ONS mid-year estimate): the "
                  "SafeLives benchmark is 40 cases a year per 10,000 of them.")
    dsa_reference = models.CharField(
        max_length=200, blank=True,
        help_text="The information sharing agreement that covers this MARAC.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RouteDecision(models.TextChoices):
    PENDING = "pending", "Not decided yet"
    REFER = "refer", "Refer to MARAC"
    NOT_REFER = "not_refer", "Do not refer to MARAC"


@track_changes()
class RiskChecklist(TimestampedModel):
    """One completed DASH RIC. Each is kept: a new one after each incident."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE,
                             related_name="risk_checklists")
    area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="checklists")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    incident_date = models.DateField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    answer_notes = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    incidents_last_12_months = models.PositiveSmallIntegerField(default=0)
    professional_judgement = models.BooleanField(default=False)
    judgement_rationale = models.TextField(blank=True)
    visible_high_risk = models.BooleanField(default=False)
    escalation = models.BooleanField(default=False)
    decision = models.CharField(max_length=12, choices=RouteDecision.choices,
                                default=RouteDecision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="riskchecklist_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(professional_judgement=False) | ~Q(judgement_rationale=""),
                name="riskchecklist_judgement_rationale"),
        ]

    @property
    def routes(self) -> dash.Routes:
        return dash.Routes(visible_high_risk=self.visible_high_risk,
                           professional_judgement=self.professional_judgement,
                           escalation=self.escalation)

    def answer_rows(self) -> list[tuple[str, str, str, str]]:
        labels = dict(dash.ANSWERS)
        return [(key, text, labels.get(self.answers.get(key, ""), "Not answered"),
                 self.answer_notes.get(key, "")) for key, text in dash.QUESTIONS]


class MaracReferralStatus(models.TextChoices):
    AWAITING_SIGNOFF = "awaiting_signoff", "Awaiting manager sign-off"
    SUBMITTED = "submitted", "Submitted"
    LISTED = "listed", "Listed for a meeting"
    RETURNED = "returned", "Returned"


@track_changes()
class MaracReferral(TimestampedModel):
    """A referral to MARAC made from a checklist: its answers are reused, not retyped."""

    checklist = models.OneToOneField(RiskChecklist, on_delete=models.PROTECT,
                                     related_name="marac_referral")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE,
                             related_name="marac_referrals")
    area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="referrals")
    referring_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                         related_name="+")
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    route = models.CharField(max_length=32, choices=dash.Route.CHOICES)
    reason = models.TextField(blank=True, help_text="Anything the checklist does not say.")
    victim_aware = models.BooleanField()
    victim_not_aware_reason = models.TextField(blank=True)
    sharing_basis = models.ForeignKey("consent.SharingBasis", on_delete=models.PROTECT,
                                      related_name="+")
    status = models.CharField(max_length=20, choices=MaracReferralStatus.choices)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_repeat = models.BooleanField(default=False)
    last_heard_on = models.DateField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status", "-created_at"],
                                name="maracreferral_area_status")]

    def __str__(self) -> str:
        return f"MARAC referral {self.case_id}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"


@track_changes()
class Meeting(TimestampedModel):
    area = models.ForeignKey(MaracArea, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    research_due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    confidentiality_statement = models.TextField(default=CONFIDENTIALITY_STATEMENT)
    confidentiality_read = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["area", "-starts_at"], name="meeting_area_starts")]

    def __str__(self) -> str:
        return f"{self.area} MARAC {format_date(self.starts_at)}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(TimestampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    representative = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"],
                                               name="attendance_one_per_agency")]


@track_changes()
class AgendaItem(TimestampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="marac_items")
    referral = models.OneToOneField(MaracReferral, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="agenda_item")
    position = models.PositiveIntegerField(default=0)
    is_repeat = models.BooleanField(default=False)
    minutes = models.TextField(blank=True)
    risk_confirmed = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    minuted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"],
                                               name="agendaitem_case_once_per_meeting")]


@track_changes()
class Research(TimestampedModel):
    """What one member agency holds that is relevant and proportionate, for one listed case."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="research")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    nothing_held = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["item", "agency"],
                                               name="research_one_per_agency")]
        indexes = [models.Index(fields=["agency"], condition=Q(submitted_at__isnull=True),
                                name="research_outstanding")]
