from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from apps.core.models import TimestampedModel


class AgencyKind(models.TextChoices):
    STATUTORY = "statutory", "Statutory"
    VOLUNTARY = "voluntary", "Voluntary"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    PRIVATE = "private", "Private"


class Sector(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HOUSING = "housing", "Housing"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    MENTORING = "mentoring", "Mentoring"
    OTHER = "other", "Other"


class Agency(TimestampedModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    sector = models.CharField(max_length=32, choices=Sector.choices, default=Sector.OTHER)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    ods_code = models.CharField("ODS code", max_length=20, blank=True)
    active = models.BooleanField(default=True)
    works_with_person_causing_harm = models.BooleanField(
        default=False,
        help_text="A perpetrator programme or offender service: its involvements never see "
                  "the victim's contact and location.")
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    # A planning hint, not a permission: the share of all cases the agency is involved in,
    # refreshed nightly (``apps.cases.sizes``). Case lists of an agency involved in many cases
    # probe each case's grant by index instead of hashing all of the agency's grants.
    case_share = models.FloatField(default=0.0, db_default=0.0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(TimestampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.name}"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    AGENCY_ADMIN = "agency_admin", "Agency admin"
    COORDINATOR = "coordinator", "MARAC coordinator"
    AUDITOR = "auditor", "Auditor"


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True, agency__active=True, user__is_active=True)


class Membership(TimestampedModel):
    """A user's role in one agency. A secondee holds several; active = member of the group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    # The member's team in this agency (one membership, at most one team): its queue is theirs.
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_user_agency",
            )
        ]
        indexes = [models.Index(fields=["agency", "role"], condition=Q(ended_at__isnull=True),
                                name="membership_active_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.agency} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Need(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    SUBSTANCE_MISUSE = "substance_misuse", "Drugs and alcohol"
    CHILDREN_AND_FAMILIES = "children_and_families", "Children and families"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    OFFENDING = "offending", "Offending and behaviour change"
    MONEY = "money", "Money and benefits"
    MENTORING = "mentoring", "Mentoring and employment"


class Service(TimestampedModel):
    """A service an agency offers and other agencies refer to (Open Referral UK shaped)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    eligibility = models.TextField(blank=True)
    referral_criteria = models.TextField(blank=True)
    needs = ArrayField(models.CharField(max_length=32, choices=Need.choices), default=list,
                       blank=True)
    area = models.CharField(max_length=100, blank=True,
                            help_text="Where the service works, e.g. Northbridge.")
    response_target_hours = models.PositiveIntegerField(
        default=16, help_text="Working hours (Mon–Fri 09:00–17:00) to decide a referral."
    )
    accepting_referrals = models.BooleanField(default=True)
    handling_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="services",
        help_text="The team whose queue receives the service's referrals.")
    capacity_note = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    # How the people it works with contact it (printed on a person's plan; never personal).
    contact_phone = models.CharField(max_length=30, blank=True, default="", db_default="")
    contact_email = models.EmailField(blank=True, default="", db_default="")
    contact_hours = models.CharField(
        max_length=200, blank=True, default="", db_default="",
        help_text="When people can call, e.g. Monday to Friday, 9am to 5pm.")
    # Open Referral UK (apps.interop.oruk): what the agency chose to publish, and capacity.
    published = models.BooleanField(
        default=False, db_default=False,
        help_text="Listed in the public Open Referral UK directory (/oruk/).")
    waiting_time_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Typical wait in days before support starts.")
    capacity_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When accepting, waiting time or capacity last changed.")
    oruk_id = models.CharField(
        max_length=100, blank=True, default="", db_default="",
        help_text="The service's id in the Open Referral UK feed it was imported from.")
    oruk_imported_hash = models.CharField(
        max_length=64, blank=True, default="", db_default="",
        help_text="Fingerprint of the fields as last imported: differs after a local edit.")

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"],
                                    name="service_unique_name_per_agency"),
            models.CheckConstraint(condition=Q(response_target_hours__gte=1),
                                   name="service_response_target_positive"),
            models.UniqueConstraint(fields=["agency", "oruk_id"], condition=~Q(oruk_id=""),
                                    name="service_unique_oruk_id_per_agency"),
        ]
        indexes = [GinIndex(fields=["needs"], name="service_needs_gin"),
                   models.Index(fields=["name", "id"], condition=Q(published=True, active=True),
                                name="service_published_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class SecondmentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"


class SecondmentRequest(TimestampedModel):
    """An agency asks to add someone who already works for another agency (their home agency).

    Nothing changes until an agency admin of the home agency accepts: only then is the
    membership made. The requesting agency never learns from it whether a username exists."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE,
                               related_name="secondment_requests",
                               help_text="The agency asking to add the person.")
    home_agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+",
                                    help_text="The agency the person works for, which decides.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=SecondmentStatus.choices,
                              default=SecondmentStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    membership = models.OneToOneField(Membership, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="secondment_request",
                                      help_text="The membership made when it was accepted.")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"],
                                    condition=Q(status="pending"),
                                    name="secondment_one_pending_per_agency_user"),
        ]
        indexes = [models.Index(fields=["home_agency", "created_at"],
                                condition=Q(status="pending"),
                                name="secondment_pending_home")]

    def __str__(self) -> str:
        return f"{self.agency} asks for {self.user} ({self.get_status_display()})"
