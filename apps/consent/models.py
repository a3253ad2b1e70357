"""Consent and the basis for sharing. For now: the ``SharingBasis`` recorded with each share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.audit.history import track_changes
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
            return f"Consent given by {given_by} on {self.consent_given_on:%d %B %Y}"
        return f"Without consent: {self.get_lawful_basis_display().lower()}"
