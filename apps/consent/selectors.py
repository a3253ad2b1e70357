"""Reads for lawful sharing, scoped to the actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.cases.emergency import live_emergency_filter
from apps.cases.models import Case, Involvement
from apps.cases.sections import Visible, effective
from apps.consent.models import (
    ConsentRecord,
    DataSharingAgreement,
    DsaParty,
    DsaStatus,
    EmergencyAccess,
    SharingBasis,
    SharingPolicy,
)
from apps.people.selectors import person_list


def sharing_policy_get(*, actor: Actor) -> SharingPolicy | None:
    """The acting agency's own sharing policy (None until its admin sets one)."""
    return SharingPolicy.objects.filter(agency_id=actor.agency_id).first()


def consent_list(*, actor: Actor | None) -> QuerySet[ConsentRecord]:
    """Consent records about people the actor may see."""
    if actor is None:
        return ConsentRecord.objects.none()
    return (ConsentRecord.objects.filter(person__in=person_list(actor=actor))
            .select_related("person", "recorded_by", "recorded_by_agency")
            .prefetch_related("scope_agencies"))


def consent_get(*, actor: Actor | None, consent_id: UUID | str) -> ConsentRecord:
    try:
        return consent_list(actor=actor).get(pk=consent_id)
    except (ConsentRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such consent record") from exc


def sharing_basis_list(*, actor: Actor | None) -> QuerySet[SharingBasis]:
    """The sharing bases the acting agency decided."""
    if actor is None:
        return SharingBasis.objects.none()
    return SharingBasis.objects.filter(decided_by_agency_id=actor.agency_id).select_related(
        "decided_by", "decided_by_agency", "consent")


def dsa_list(*, actor: Actor | None) -> QuerySet[DataSharingAgreement]:
    """Agreements the acting agency is a party to."""
    if actor is None:
        return DataSharingAgreement.objects.none()
    party = DsaParty.objects.filter(agreement=OuterRef("pk"), agency_id=actor.agency_id)
    return (DataSharingAgreement.objects.filter(Exists(party))
            .select_related("drafted_by_agency")
            .prefetch_related(Prefetch("parties", queryset=DsaParty.objects.select_related(
                "agency", "signed_by").order_by("agency__name"))))


def dsa_get(*, actor: Actor | None, agreement_id: UUID | str) -> DataSharingAgreement:
    try:
        return dsa_list(actor=actor).get(pk=agreement_id)
    except (DataSharingAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such agreement") from exc


def dsa_can_sign(*, actor: Actor, agreement: DataSharingAgreement) -> bool:
    return (actor.is_agency_admin
            and agreement.status in (DsaStatus.DRAFT, DsaStatus.AWAITING_SIGNATURES)
            and any(p.agency_id == actor.agency_id and p.signed_at is None
                    for p in agreement.parties.all()))


def dsa_can_terminate(*, actor: Actor, agreement: DataSharingAgreement) -> bool:
    return (actor.is_agency_admin
            and agreement.status not in (DsaStatus.EXPIRED, DsaStatus.TERMINATED)
            and any(p.agency_id == actor.agency_id for p in agreement.parties.all()))


@dataclass
class AccessReason:
    agency_name: str
    agency_id: UUID
    own: bool
    role: str
    started_at: object
    basis_text: str
    sharing_basis: SharingBasis | None
    agreement: DataSharingAgreement | None
    consent_withdrawn: bool
    # Its scope (apps/cases/sections.py): what it sees, why, since and until when.
    sections: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    works_with: str = ""
    scope_reason: str = ""
    scope_since: object = None
    ends_at: object = None


@dataclass
class Explanation:
    case: Case
    reasons: list[AccessReason] = field(default_factory=list)
    emergency: list[EmergencyAccess] = field(default_factory=list)
    all_agencies: bool = False


def access_explanation(*, actor: Actor, case: Case) -> Explanation:
    """Why the actor can see ``case``: their agency's involvement, its sharing basis and the
    agreement it shares under, and any live emergency access of theirs. Agency admins see the
    same for every involved agency. A fixed number of queries."""
    all_agencies = actor.is_agency_admin
    involvements = Involvement.objects.active().filter(case=case).select_related(
        "agency", "sharing_basis__consent", "sharing_basis__decided_by_agency")
    if not all_agencies:
        involvements = involvements.filter(agency_id=actor.agency_id)
    today = timezone.localdate()
    lead_party = DsaParty.objects.filter(agreement=OuterRef("pk"), agency_id=case.lead_agency_id)
    agreements = list(DataSharingAgreement.objects.filter(
        Exists(lead_party), status=DsaStatus.ACTIVE, start_date__lte=today,
        end_date__gte=today).order_by("-end_date").prefetch_related("parties"))
    reasons = []
    for inv in involvements.order_by("started_at"):
        agreement = next((a for a in agreements
                          if any(p.agency_id == inv.agency_id for p in a.parties.all())), None)
        basis = inv.sharing_basis
        reasons.append(AccessReason(
            agency_name=inv.agency.name, agency_id=inv.agency_id,
            own=inv.agency_id == actor.agency_id, role=inv.get_role_display(),
            started_at=inv.started_at, basis_text=inv.basis, sharing_basis=basis,
            agreement=agreement,
            consent_withdrawn=bool(basis and basis.consent and basis.consent.withdrawn),
            sections=inv.scope_labels,
            hidden=Visible(effective(sections=inv.sections, works_with=inv.works_with)).hidden,
            works_with=inv.get_works_with_display(), scope_reason=inv.scope_reason,
            scope_since=inv.scope_changed_at or inv.started_at, ends_at=inv.ends_at,
        ))
    emergency = list(EmergencyAccess.objects.filter(
        live_emergency_filter(), case=case, user=actor.user, agency_id=actor.agency_id))
    return Explanation(case=case, reasons=reasons, emergency=emergency,
                       all_agencies=all_agencies)


def flagged_involvements(*, actor: Actor) -> QuerySet[Involvement]:
    """Involvements on the acting agency's led cases that rest on withdrawn consent."""
    return Involvement.objects.active().filter(
        case__lead_agency_id=actor.agency_id,
        sharing_basis__consent__withdrawn_at__isnull=False,
    ).select_related("case", "agency")


def emergency_access_list(*, actor: Actor | None) -> QuerySet[EmergencyAccess]:
    """The actor's own emergency accesses, and those on cases their agency leads."""
    if actor is None:
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(
        Q(user=actor.user, agency_id=actor.agency_id) | Q(case__lead_agency_id=actor.agency_id)
    ).select_related("case", "agency", "user")
