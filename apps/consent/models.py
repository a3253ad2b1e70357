"""Consent records, the basis recorded with each share, data-sharing agreements and
emergency access."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.audit.history import track_changes
from apps.core.dates import format_date
from apps.core.models import TimestampedModel


class BasisKind(models.TextChoices):
    CONSENT = "consent", "Consent"
    LAWFUL_BASIS = "lawful_basis", "Lawful basis without consent"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person"
    PARENT = "parent", "A parent"
    GUARDIAN = "guardian", "A guardian"
    ADVOCATE = "advocate", "An advocate"


class LawfulBasis(models.TextChoices):
    SAFEGUARDING_CHILD = "safeguarding_child", "Safeguarding a child"
    SAFEGUARDING_ADULT = "safeguarding_adult", "Safeguarding an adult at risk"
    CRIME_PREVENTION = "crime_prevention", "Prevention or detection of crime"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"


@track_changes()
class SharingBasis(TimestampedModel):
    """Why information may go to another agency: consent, or a named lawful basis."""

    kind = models.CharField(max_length=16, choices=BasisKind.choices)
    consent_given_by = models.CharField(max_length=16, choices=ConsentGivenBy.choices,
                                        blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices, blank=True)
    justification = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                          related_name="+")
    decided_at = models.DateTimeField()
    person_told = models.BooleanField(default=True)
    not_told_reason = models.TextField(blank=True)
    consent = models.ForeignKey("consent.ConsentRecord", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="sharing_bases")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="consent", consent_given_on__isnull=False)
                    & ~Q(consent_given_by="")
                ) | (Q(kind="lawful_basis") & ~Q(lawful_basis="") & ~Q(justification="")),
                name="sharingbasis_complete",
            ),
            models.CheckConstraint(
                condition=Q(person_told=True) | ~Q(not_told_reason=""),
                name="sharingbasis_not_told_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """One line for an involvement's basis; no personal data."""
        if self.kind == BasisKind.CONSENT:
            given_by = self.get_consent_given_by_display().lower()
            return f"Consent given by {given_by} on {format_date(self.consent_given_on)}"
        return f"Without consent: {self.get_lawful_basis_display().lower()}"


# --- Consent records -------------------------------------------------------------------------


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "Written (signed form)"
    VERBAL = "verbal", "Verbal"
    ELECTRONIC = "electronic", "Electronic"


class SharingPurpose(models.TextChoices):
    SUPPORT = "support", "Providing support or a service"
    SAFETY_PLANNING = "safety_planning", "Safety planning"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment and MARAC"
    REFERRAL = "referral", "Referral to another service"


@track_changes()
class ConsentRecord(TimestampedModel):
    """A person's consent to share information: who gave it, to whom, for what, how."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="consents")
    given_by = models.CharField(max_length=16, choices=ConsentGivenBy.choices)
    given_on = models.DateField()
    scope_agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="+")
    scope_agency_kinds = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    purposes = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                           related_name="+")
    review_date = models.DateField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        indexes = [models.Index(fields=["person", "-given_on"], name="consent_person")]

    def __str__(self) -> str:
        return (f"Consent given by {self.get_given_by_display().lower()} on "
                f"{format_date(self.given_on)}")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# --- Data-sharing agreements ----------------------------------------------------------------


class DsaStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class DsaLawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Art 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Art 6(1)(c))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Art 6(1)(f))"
    CONSENT = "consent", "Consent (Art 6(1)(a))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Art 6(1)(d))"


@track_changes()
class DataSharingAgreement(TimestampedModel):
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=32, choices=DsaLawfulBasis.choices)
    data_categories = models.TextField()
    retention = models.TextField()
    reporting_allowed = models.BooleanField(
        default=False, db_default=False,
        help_text="The parties may see aggregate, small-number-suppressed figures across "
                  "the partnership (referral funnel, equality monitoring).")
    start_date = models.DateField()
    review_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=24, choices=DsaStatus.choices,
                              default=DsaStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_by_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                          related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    terminated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    termination_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(start_date__lte=models.F("review_date"))
                                   & Q(review_date__lte=models.F("end_date")),
                                   name="dsa_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class DsaParty(models.Model):
    """One agency party to an agreement, and its agency admin's signature."""

    id = models.BigAutoField(primary_key=True)
    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.CASCADE,
                                  related_name="parties")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="dsa_parties")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    declaration = models.TextField(
        blank=True, default="", db_default="",
        help_text="What the signer declared when signing for the agency, word for word.")

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="dsa_party_unique"),
        ]
        indexes = [models.Index(fields=["agency", "agreement"], name="dsa_party_agency")]


class SharingPolicy(models.Model):
    """An agency's own rules for sharing: whether sharing without consent needs a manager's
    approval first. Agencies without a row need no approval."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE,
                                  primary_key=True, related_name="sharing_policy")
    without_consent_needs_approval = models.BooleanField(default=False)


# --- Emergency ("break-glass") access -------------------------------------------------------


@track_changes()
class EmergencyAccess(TimestampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE,
                             related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["case", "user", "agency", "expires_at"],
                         condition=Q(ended_at__isnull=True), name="emergency_access_live"),
            models.Index(fields=["expires_at"], condition=Q(ended_at__isnull=True),
                         name="emergency_access_due"),
        ]
