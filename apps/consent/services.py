from __future__ import annotations

import datetime

from django.utils import timezone

from apps.agencies.actor import Actor
from apps.consent.models import BasisKind, ConsentGivenBy, LawfulBasis, SharingBasis
from apps.core.exceptions import ServiceError


def sharing_basis_create(*, actor: Actor, kind: str, consent_given_by: str = "",
                         consent_given_on: datetime.date | None = None,
                         lawful_basis: str = "", justification: str = "",
                         person_told: bool = True, not_told_reason: str = "") -> SharingBasis:
    """Validate and record a sharing basis (in the caller's transaction)."""
    justification = (justification or "").strip()
    not_told_reason = (not_told_reason or "").strip()
    if kind == BasisKind.CONSENT:
        if consent_given_by not in ConsentGivenBy.values:
            raise ServiceError("Select who gave consent.", field="consent_given_by")
        if consent_given_on is None:
            raise ServiceError("Enter the date consent was given.", field="consent_given_on")
        if consent_given_on > timezone.localdate():
            raise ServiceError("The date consent was given must be today or in the past.",
                               field="consent_given_on")
        lawful_basis = ""
    elif kind == BasisKind.LAWFUL_BASIS:
        if lawful_basis not in LawfulBasis.values:
            raise ServiceError("Select the lawful basis for sharing without consent.",
                               field="lawful_basis")
        if not justification:
            raise ServiceError("Explain why you are sharing without consent.",
                               field="justification")
        consent_given_by, consent_given_on = "", None
    else:
        raise ServiceError("Select consent or a lawful basis without consent.",
                           field="sharing_kind")
    if not person_told and not not_told_reason:
        raise ServiceError("Explain why the person has not been told.",
                           field="not_told_reason")
    return SharingBasis.objects.create(
        kind=kind, consent_given_by=consent_given_by, consent_given_on=consent_given_on,
        lawful_basis=lawful_basis, justification=justification, decided_by=actor.user,
        decided_by_agency_id=actor.agency_id, decided_at=timezone.now(),
        person_told=person_told, not_told_reason="" if person_told else not_told_reason,
    )
