"""What a FHIR caller may read: the referral selectors' answer, and the sharing bases and
consent records those selectors already let them see. Anything else is ``Http404``."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from apps.agencies.actor import Actor
from apps.consent.models import SharingBasis
from apps.consent.selectors import consent_get, sharing_basis_list
from apps.referrals.models import Referral
from apps.referrals.selectors import referral_list


def _uuid(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as exc:
        raise Http404("Not found") from exc


def sharing_basis_get(*, actor: Actor | None,
                      basis_id: str) -> tuple[SharingBasis, Referral | None]:
    """A basis the acting agency decided, or one a referral it may see rests on (the
    receiving agency sees the basis with the referral); with that referral, if any."""
    pk = _uuid(basis_id)
    if actor is None:
        raise Http404("Not found")
    referral = (referral_list(actor=actor).select_related(None)
                .select_related("case__subject", "to_agency").filter(sharing_basis_id=pk)
                .order_by("created_at").first())
    decided = sharing_basis_list(actor=actor).filter(pk=pk)
    try:
        basis = (SharingBasis.objects.select_related("decided_by_agency", "consent")
                 .filter(Q(pk=pk) & (Q(pk__in=decided.values("pk"))
                                     | Q(pk=referral.sharing_basis_id if referral else None)))
                 .get())
    except (SharingBasis.DoesNotExist, ValidationError) as exc:
        raise Http404("Not found") from exc
    return basis, referral


def consent_record_get(*, actor: Actor | None, consent_id: str):
    return consent_get(actor=actor, consent_id=_uuid(consent_id))
