"""Writes for lawful sharing: sharing bases, consent records, data-sharing agreements, the one
enforcement check every share goes through, and emergency ("break-glass") access."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Agency, AgencyKind, Membership, Role
from apps.agencies.selectors import member_ids, members_by_agency
from apps.audit.services import access_record
from apps.cases.emergency import live_emergency_filter  # noqa: F401 (its home is apps.cases)
from apps.consent.models import (
    BasisKind,
    ConsentGivenBy,
    ConsentMethod,
    ConsentRecord,
    DataSharingAgreement,
    DsaLawfulBasis,
    DsaParty,
    DsaStatus,
    EmergencyAccess,
    LawfulBasis,
    SharingBasis,
    SharingPolicy,
    SharingPurpose,
)
from apps.core.dates import format_date
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.notifications.services import notify, notify_agencies

if TYPE_CHECKING:
    from apps.cases.models import Case, Involvement
    from apps.people.models import Person


class SharingRefused(ServiceError):
    """The enforcement check refused a share (shown to the user; HTTP 400)."""


# --- Sharing bases ---------------------------------------------------------------------------


def sharing_basis_create(*, actor: Actor, kind: str, consent_given_by: str = "",
                         consent_given_on: datetime.date | None = None,
                         lawful_basis: str = "", justification: str = "",
                         person_told: bool = True, not_told_reason: str = "",
                         consent: ConsentRecord | None = None) -> SharingBasis:
    """Validate and record a sharing basis (in the caller's transaction).

    A consent basis may name the ``consent`` record it rests on (who gave it and when then
    come from the record). Sharing without consent decided by a manager counts as approved."""
    actor_require_writer(actor=actor)
    justification = (justification or "").strip()
    not_told_reason = (not_told_reason or "").strip()
    if kind == BasisKind.CONSENT:
        if consent is not None:
            consent = ConsentRecord.objects.get(pk=consent.pk)  # its state now
            if consent.withdrawn:
                raise SharingRefused("That consent has been withdrawn.", field="consent")
            consent_given_by, consent_given_on = consent.given_by, consent.given_on
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
        consent_given_by, consent_given_on, consent = "", None, None
    else:
        raise ServiceError("Select consent or a lawful basis without consent.",
                           field="sharing_kind")
    if not person_told and not not_told_reason:
        raise ServiceError("Explain why the person has not been told.",
                           field="not_told_reason")
    now = timezone.now()
    approved = kind == BasisKind.LAWFUL_BASIS and actor.role == Role.MANAGER
    return SharingBasis.objects.create(
        kind=kind, consent_given_by=consent_given_by, consent_given_on=consent_given_on,
        lawful_basis=lawful_basis, justification=justification, decided_by=actor.user,
        decided_by_agency_id=actor.agency_id, decided_at=now,
        person_told=person_told, not_told_reason="" if person_told else not_told_reason,
        consent=consent, approved_by=actor.user if approved else None,
        approved_at=now if approved else None,
    )


def sharing_basis_approve(*, actor: Actor, sharing_basis: SharingBasis) -> SharingBasis:
    """A manager of the deciding agency approves sharing without consent."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        basis = SharingBasis.objects.select_for_update().get(pk=sharing_basis.pk)
        if actor.role != Role.MANAGER or actor.agency_id != basis.decided_by_agency_id:
            raise NotPermitted("Only a manager of the agency that decided can approve.")
        if basis.kind != BasisKind.LAWFUL_BASIS:
            raise TransitionNotAllowed("Only sharing without consent needs approval.")
        if basis.approved_at is not None:
            raise TransitionNotAllowed("This basis has already been approved.")
        basis.approved_by, basis.approved_at = actor.user, timezone.now()
        basis.save(update_fields=["approved_by", "approved_at", "updated_at"])
        access_record(actor=actor, object_type="sharing_basis", object_id=basis.pk,
                      action="approve", basis=basis.summary)
        return basis


def sharing_policy_set(*, actor: Actor, without_consent_needs_approval: bool) -> SharingPolicy:
    actor_require_writer(actor=actor)
    if not actor.is_agency_admin:
        raise NotPermitted("Only your agency's admins can change its sharing policy.")
    with transaction.atomic():
        policy, _ = SharingPolicy.objects.select_for_update().update_or_create(
            agency_id=actor.agency_id,
            defaults={"without_consent_needs_approval": without_consent_needs_approval})
        access_record(actor=actor, object_type="sharing_policy", object_id=actor.agency_id,
                      action="change", basis=("without consent needs approval"
                                              if without_consent_needs_approval
                                              else "without consent needs no approval"))
    return policy


# --- The enforcement check -------------------------------------------------------------------


def agreement_covering(*, agency_ids: tuple, on: datetime.date | None = None
                       ) -> DataSharingAgreement | None:
    """An active agreement, in force on ``on`` (today), to which every agency is a party."""
    on = on or timezone.localdate()
    agreements = DataSharingAgreement.objects.filter(
        status=DsaStatus.ACTIVE, start_date__lte=on, end_date__gte=on)
    for agency_id in set(agency_ids):
        agreements = agreements.filter(parties__agency_id=agency_id)
    return agreements.order_by("-end_date").first()


def _consent_covers(*, consent: ConsentRecord, to_agency: Agency, person: Person | None,
                    purpose: str) -> str:
    """Why the consent does not cover the share ("" when it does)."""
    if consent.withdrawn:
        return ("The person's consent was withdrawn on "
                f"{format_date(consent.withdrawn_at)}: record another basis.")
    if person is not None and consent.person_id != person.pk:
        return "That consent was given about a different person."
    in_scope = (to_agency.kind in consent.scope_agency_kinds
                or consent.scope_agencies.filter(pk=to_agency.pk).exists())
    if not in_scope:
        return f"The person's consent does not cover sharing with {to_agency}."
    if purpose and consent.purposes and purpose not in consent.purposes:
        return "The person's consent does not cover this purpose."
    return ""


def _basis_problem(*, sharing_basis: SharingBasis | None, to_agency: Agency,
                   person: Person | None, purpose: str, require_basis: bool) -> str:
    if sharing_basis is None:
        return "Record the basis for sharing: consent or a lawful basis." if require_basis else ""
    if sharing_basis.kind == BasisKind.CONSENT:
        if sharing_basis.consent_id is None:
            return ""  # consent recorded with the share itself (who and when)
        return _consent_covers(consent=sharing_basis.consent, to_agency=to_agency,
                               person=person, purpose=purpose)
    needs_approval = SharingPolicy.objects.filter(
        agency_id=sharing_basis.decided_by_agency_id, without_consent_needs_approval=True
    ).exists()
    if needs_approval and sharing_basis.approved_at is None:
        return ("Your agency's policy requires a manager's approval before sharing without "
                "consent.")
    return ""


@dataclass(frozen=True)
class SharingDecision:
    agreement: DataSharingAgreement | None
    overridden: bool
    refusals: tuple[str, ...]


def sharing_check(*, actor: Actor, from_agency: Agency, to_agency: Agency,
                  sharing_basis: SharingBasis | None, person: Person | None = None,
                  case: Case | None = None, purpose: str = "", override_reason: str = "",
                  require_basis: bool = True) -> SharingDecision:
    """The one check before information about ``person`` goes from one agency to another.

    Allowed with an active DSA covering both agencies and a valid basis. Otherwise refused
    with a clear message (``SharingRefused``) — unless an emergency ``override_reason`` is
    given: then allowed, flagged in the audit and told to both agencies' admins."""
    if from_agency.pk == to_agency.pk:
        return SharingDecision(agreement=None, overridden=False, refusals=())
    refusals = []
    agreement = agreement_covering(agency_ids=(from_agency.pk, to_agency.pk))
    if agreement is None:
        refusals.append(f"There is no active data-sharing agreement between {from_agency} "
                        f"and {to_agency}.")
    problem = _basis_problem(sharing_basis=sharing_basis, to_agency=to_agency, person=person,
                             purpose=purpose, require_basis=require_basis)
    if problem:
        refusals.append(problem)
    if not refusals:
        return SharingDecision(agreement=agreement, overridden=False, refusals=())
    override_reason = (override_reason or "").strip()
    if not override_reason:
        raise SharingRefused(" ".join(refusals) + " Sharing is refused.")
    object_id = case.pk if case is not None else to_agency.pk
    access_record(actor=actor, object_type="sharing_override", object_id=object_id,
                  case_id=case.pk if case is not None else None, action="override",
                  basis=f"EMERGENCY OVERRIDE to {to_agency}: {override_reason}")
    reference = f" on case {case.reference}" if case is not None else ""
    title = (f"Emergency sharing override{reference}: {from_agency} shared with "
             f"{to_agency} outside the usual rules")
    for agency in (from_agency, to_agency):
        notify(recipients=member_ids(agency_ids=[agency.pk], roles=(Role.AGENCY_ADMIN,)),
               kind="sharing_override", target_type="case" if case else "agency",
               target_id=object_id, title=title,
               url=f"/cases/{case.pk}/why/" if case else "/sharing/", agency_id=agency.pk)
    return SharingDecision(agreement=agreement, overridden=True, refusals=tuple(refusals))


# --- Consent records -------------------------------------------------------------------------


def consent_record(*, actor: Actor, person: Person, given_by: str, given_on: datetime.date,
                   method: str, review_date: datetime.date,
                   scope_agencies: Iterable[Agency] = (), scope_agency_kinds: Iterable[str] = (),
                   purposes: Iterable[str] = ()) -> ConsentRecord:
    """Record a person's consent (the caller has checked the actor may see ``person``)."""
    actor_require_writer(actor=actor)
    scope_agencies = list(scope_agencies)
    kinds = sorted(set(scope_agency_kinds))
    purposes = sorted(set(purposes))
    if given_by not in ConsentGivenBy.values:
        raise ServiceError("Select who gave consent.", field="given_by")
    if method not in ConsentMethod.values:
        raise ServiceError("Select how consent was given.", field="method")
    if given_on is None or given_on > timezone.localdate():
        raise ServiceError("The date consent was given must be today or in the past.",
                           field="given_on")
    if review_date is None or review_date <= given_on:
        raise ServiceError("The review date must be after the date consent was given.",
                           field="review_date")
    if any(k not in AgencyKind.values for k in kinds):
        raise ServiceError("Select kinds of agency from the list.", field="scope_agency_kinds")
    if any(p not in SharingPurpose.values for p in purposes):
        raise ServiceError("Select purposes from the list.", field="purposes")
    if not purposes:
        raise ServiceError("Select at least one purpose the person agreed to.",
                           field="purposes")
    if not scope_agencies and not kinds:
        raise ServiceError("Select the agencies, or kinds of agency, the person agreed to "
                           "share with.", field="scope_agencies")
    with transaction.atomic():
        consent = ConsentRecord.objects.create(
            person=person, given_by=given_by, given_on=given_on, method=method,
            review_date=review_date, scope_agency_kinds=kinds, purposes=purposes,
            recorded_by=actor.user, recorded_by_agency_id=actor.agency_id,
        )
        consent.scope_agencies.set(scope_agencies)
        access_record(actor=actor, object_type="consent", object_id=consent.pk,
                      action="create")
        return consent


def consent_withdraw(*, actor: Actor, consent: ConsentRecord, note: str) -> ConsentRecord:
    """Withdraw consent: new sharing relying on it is refused from now on, and the lead
    agency of each case where an involvement rests on it alone is told to decide."""
    actor_require_writer(actor=actor)
    from apps.cases.models import Involvement

    note = (note or "").strip()
    if not note:
        raise ServiceError("Enter a note about the withdrawal.", field="note")
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn:
            raise TransitionNotAllowed("This consent has already been withdrawn.")
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor.user
        consent.withdrawal_note = note
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note",
                                    "updated_at"])
        access_record(actor=actor, object_type="consent", object_id=consent.pk,
                      action="withdraw")
        flagged = list(Involvement.objects.active().filter(sharing_basis__consent=consent)
                       .select_related("case"))
        managers = members_by_agency(agency_ids={i.case.lead_agency_id for i in flagged},
                                     roles=(Role.MANAGER,))
        for involvement in flagged:
            case = involvement.case
            notify(recipients=managers[case.lead_agency_id],
                   kind="consent_withdrawn", target_type="case", target_id=case.pk,
                   title=f"Consent withdrawn on case {case.reference}: record another basis "
                         "or end the involvement", url=f"/cases/{case.pk}/why/",
                   agency_id=case.lead_agency_id)
        return consent


def involvement_basis_record(*, actor: Actor, involvement: Involvement,
                             basis: dict, override_reason: str = "") -> Involvement:
    """The lead agency's manager records another basis for an involvement (e.g. after the
    person withdrew the consent it rested on)."""
    actor_require_writer(actor=actor)
    from apps.cases.models import Case, Involvement

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=involvement.case_id)
        involvement = Involvement.objects.select_for_update().select_related("agency").get(
            pk=involvement.pk)
        if actor.agency_id != case.lead_agency_id or actor.role != Role.MANAGER:
            raise NotPermitted("Only a manager of the lead agency can record the basis.")
        if involvement.ended_at is not None:
            raise TransitionNotAllowed("This involvement has ended.")
        sharing_basis = sharing_basis_create(actor=actor, **basis)
        sharing_check(actor=actor, from_agency=case.lead_agency, to_agency=involvement.agency,
                      sharing_basis=sharing_basis, person=case.subject, case=case,
                      override_reason=override_reason)
        involvement.sharing_basis = sharing_basis
        involvement.basis = sharing_basis.summary
        involvement.save(update_fields=["sharing_basis", "basis", "updated_at"])
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="update", basis=sharing_basis.summary)
        return involvement


# --- Data-sharing agreements -----------------------------------------------------------------


def _require_admin(actor: Actor, message: str) -> None:
    if not actor.is_agency_admin:
        raise NotPermitted(message)


def dsa_create(*, actor: Actor, title: str, purpose: str, lawful_basis: str,
               data_categories: str, retention: str, start_date: datetime.date,
               review_date: datetime.date, end_date: datetime.date,
               parties: Iterable[Agency],
               reporting_allowed: bool = False) -> DataSharingAgreement:
    """An agency admin drafts an agreement; their agency is always a party.
    ``reporting_allowed``: the parties agree to see aggregate, suppressed figures across the
    partnership (apps/insight, docs/insight.md)."""
    actor_require_writer(actor=actor)
    _require_admin(actor, "Only agency admins can draft data-sharing agreements.")
    fields = {"title": title, "purpose": purpose, "data_categories": data_categories,
              "retention": retention}
    fields = {k: (v or "").strip() for k, v in fields.items()}
    labels = {"title": "a title", "purpose": "the purpose", "data_categories":
              "the categories of data shared", "retention": "how long data is kept"}
    for name, value in fields.items():
        if not value:
            raise ServiceError(f"Enter {labels[name]}.", field=name)
    if lawful_basis not in DsaLawfulBasis.values:
        raise ServiceError("Select the lawful basis.", field="lawful_basis")
    if not (start_date and review_date and end_date):
        raise ServiceError("Enter the start, review and end dates.", field="start_date")
    if not start_date <= review_date <= end_date:
        raise ServiceError("The review date must be between the start and end dates.",
                           field="review_date")
    if end_date < timezone.localdate():
        raise ServiceError("The end date must be in the future.", field="end_date")
    agency_ids = {a.pk for a in parties} | {actor.agency_id}
    if len(agency_ids) < 2:
        raise ServiceError("Select at least one other agency.", field="parties")
    if Agency.objects.filter(pk__in=agency_ids, active=True).count() != len(agency_ids):
        raise ServiceError("Every party must be an active agency.", field="parties")
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.create(
            **fields, lawful_basis=lawful_basis, start_date=start_date,
            review_date=review_date, end_date=end_date, drafted_by=actor.user,
            drafted_by_agency_id=actor.agency_id, reporting_allowed=bool(reporting_allowed))
        DsaParty.objects.bulk_create(DsaParty(agreement=agreement, agency_id=a)
                                     for a in agency_ids)
        access_record(actor=actor, object_type="dsa", object_id=agreement.pk, action="create")
        others = agency_ids - {actor.agency_id}
        notify_agencies(
            recipients_by_agency=members_by_agency(agency_ids=others,
                                                   roles=(Role.AGENCY_ADMIN,)),
            kind="dsa_to_sign", target_type="dsa", target_id=agreement.pk,
            title=f"Data-sharing agreement to sign: {agreement.title}"[:200],
            url=f"/sharing/agreements/{agreement.pk}/")
        return agreement


def dsa_declaration(*, agency: object) -> str:
    """What an agency admin declares when signing (shown before signing, stored with it)."""
    return (f"I am authorised to sign this agreement for {agency}. I have read what it is "
            f"for, its lawful basis, the information it covers, how long it is kept and its "
            f"dates. {agency} will share information under it only as it says.")


def dsa_sign(*, actor: Actor, agreement: DataSharingAgreement,
             declaration: str = "") -> DataSharingAgreement:
    """An agency admin signs for their own agency, with their declaration recorded (the
    standard one, ``dsa_declaration``, unless given); the last signature makes it active."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        party = DsaParty.objects.select_for_update().filter(
            agreement=agreement, agency_id=actor.agency_id).first()
        if party is None or not actor.is_agency_admin:
            raise NotPermitted("Only an agency admin of a party can sign for their agency.")
        if agreement.status not in (DsaStatus.DRAFT, DsaStatus.AWAITING_SIGNATURES):
            raise TransitionNotAllowed(
                f"This agreement is {agreement.get_status_display().lower()}; it cannot be "
                "signed.")
        if party.signed_at is not None:
            raise TransitionNotAllowed(f"{actor.agency} has already signed this agreement.")
        now = timezone.now()
        party.signed_at, party.signed_by = now, actor.user
        party.declaration = (declaration or "").strip() or dsa_declaration(agency=actor.agency)
        party.save(update_fields=["signed_at", "signed_by", "declaration"])
        unsigned = DsaParty.objects.filter(agreement=agreement, signed_at__isnull=True)
        if unsigned.exists():
            agreement.status = DsaStatus.AWAITING_SIGNATURES
        else:
            agreement.status, agreement.activated_at = DsaStatus.ACTIVE, now
        agreement.save(update_fields=["status", "activated_at", "updated_at"])
        access_record(actor=actor, object_type="dsa", object_id=agreement.pk, action="sign")
        if agreement.status == DsaStatus.ACTIVE:
            party_ids = list(agreement.parties.values_list("agency_id", flat=True))
            notify_agencies(
                recipients_by_agency=members_by_agency(agency_ids=party_ids,
                                                       roles=(Role.AGENCY_ADMIN,)),
                kind="dsa_active", target_type="dsa", target_id=agreement.pk,
                title=f"Data-sharing agreement signed by every party: {agreement.title}"[:200],
                url=f"/sharing/agreements/{agreement.pk}/")
        return agreement


def dsa_terminate(*, actor: Actor, agreement: DataSharingAgreement,
                  reason: str) -> DataSharingAgreement:
    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the agreement is being terminated.", field="reason")
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if not actor.is_agency_admin or not agreement.parties.filter(
                agency_id=actor.agency_id).exists():
            raise NotPermitted("Only an agency admin of a party can terminate the agreement.")
        if agreement.status in (DsaStatus.EXPIRED, DsaStatus.TERMINATED):
            raise TransitionNotAllowed(
                f"This agreement is already {agreement.get_status_display().lower()}.")
        agreement.status = DsaStatus.TERMINATED
        agreement.terminated_at, agreement.terminated_by = timezone.now(), actor.user
        agreement.termination_reason = reason
        agreement.save(update_fields=["status", "terminated_at", "terminated_by",
                                      "termination_reason", "updated_at"])
        access_record(actor=actor, object_type="dsa", object_id=agreement.pk,
                      action="terminate")
        party_ids = list(agreement.parties.values_list("agency_id", flat=True))
        notify_agencies(
            recipients_by_agency=members_by_agency(agency_ids=party_ids,
                                                   roles=(Role.AGENCY_ADMIN,)),
            kind="dsa_terminated", target_type="dsa", target_id=agreement.pk,
            title=f"Data-sharing agreement terminated by {actor.agency}: {agreement.title}"
            [:200], url=f"/sharing/agreements/{agreement.pk}/")
        return agreement


def dsa_create_active_for_demo(*, agency_ids: Iterable[UUID], title: str,
                               start_date: datetime.date | None = None,
                               end_date: datetime.date | None = None,
                               user=None) -> DataSharingAgreement:
    """Demo and test set-up only: an agreement already signed by every party."""
    today = timezone.localdate()
    start_date = start_date or today - datetime.timedelta(days=365)
    end_date = end_date or today + datetime.timedelta(days=730)
    review_date = max(start_date, min(end_date, today + datetime.timedelta(days=180)))
    agency_ids = list(dict.fromkeys(agency_ids))
    if user is None:
        user = Membership.objects.filter(agency_id=agency_ids[0]).values_list(
            "user", flat=True).first()
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=user) if user else None
    now = timezone.now()
    agreement = DataSharingAgreement.objects.create(
        title=title, purpose="Multi-agency safeguarding of people at risk of harm.",
        lawful_basis=DsaLawfulBasis.PUBLIC_TASK,
        data_categories="Case details, risk information, referrals and actions.",
        retention="Six years after the case closes.", start_date=start_date,
        review_date=review_date, end_date=end_date, status=DsaStatus.ACTIVE,
        drafted_by=user, drafted_by_agency_id=agency_ids[0], activated_at=now)
    DsaParty.objects.bulk_create(DsaParty(agreement=agreement, agency_id=a, signed_at=now,
                                          signed_by=user) for a in agency_ids)
    return agreement


# --- Emergency access ------------------------------------------------------------------------


EMERGENCY_REFUSED = "No case you can open in an emergency has that reference."
_REFERENCE = re.compile(r"[A-Z]{1,5}-[0-9]{1,10}")


def _emergency_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ServiceError("Explain the emergency: why you need to see this case now.",
                           field="reason")
    return reason


def emergency_access_request(*, actor: Actor, case_reference: str,
                             reason: str) -> EmergencyAccess:
    """Break glass by case reference (the UI form and the API).

    The answer must not tell whether a reference exists: the input is validated first (the
    same for every reference), then an unknown reference and a case the actor may not break
    into get the same refusal, and every attempt is audited, refused ones included
    (``emergency_refused``: the case when there is one, else only the reference tried, in
    ``basis``; references carry no personal data)."""
    from apps.cases.selectors import case_for_emergency_access

    reason = _emergency_reason(reason)
    reference = (case_reference or "").strip().upper()
    case = case_for_emergency_access(reference=reference) if reference else None
    refusal: ServiceError | None = None
    try:
        actor_require_writer(actor=actor)  # auditors: refused the same for every reference
    except NotPermitted as error:
        refusal = error
    if refusal is None and case is None:
        refusal = ServiceError(EMERGENCY_REFUSED, field="case_reference")
    if refusal is None:
        return emergency_access_start(actor=actor, case=case, reason=reason)
    shown = reference if _REFERENCE.fullmatch(reference) else "(not a case reference)"
    with transaction.atomic():  # committed before the refusal is raised
        access_record(actor=actor, object_type="emergency_access",
                      object_id=case.pk if case else uuid5(NAMESPACE_URL, f"case:{reference}"),
                      case_id=case.pk if case else None, action="emergency_refused",
                      basis=f"Refused emergency access to case reference {shown}")
    raise refusal


def emergency_access_start(*, actor: Actor, case: Case, reason: str) -> EmergencyAccess:
    """Break glass: the actor sees ``case`` for EMERGENCY_ACCESS_DURATION, logged, and the
    lead agency's managers are told. (The caller found ``case`` by its reference.)"""
    actor_require_writer(actor=actor)
    from apps.cases.models import Case as CaseModel
    from apps.cases.permissions import case_permissions_sync
    from apps.cases.selectors import case_list

    reason = _emergency_reason(reason)
    with transaction.atomic():
        case = CaseModel.objects.select_for_update().get(pk=case.pk)
        if case_list(actor=actor).filter(pk=case.pk).exists():
            raise TransitionNotAllowed("You can already see this case.")
        now = timezone.now()
        access = EmergencyAccess.objects.create(
            case=case, user=actor.user, agency_id=actor.agency_id, reason=reason,
            started_at=now, expires_at=now + settings.EMERGENCY_ACCESS_DURATION)
        case_permissions_sync(case=case)
        access_record(actor=actor, object_type="emergency_access", object_id=access.pk,
                      case_id=case.pk, action="emergency_access",
                      basis=f"EMERGENCY ACCESS: {reason}")
        notify(recipients=member_ids(agency_ids=[case.lead_agency_id], roles=(Role.MANAGER,)),
               kind="emergency_access", target_type="case", target_id=case.pk,
               title=f"Emergency access to case {case.reference} by {actor.agency}",
               url=f"/cases/{case.pk}/why/", agency_id=case.lead_agency_id)
        return access


def emergency_access_expire(*, now: datetime.datetime | None = None) -> int:
    """End every emergency access past its expiry and remove its grants (beat)."""
    from apps.cases.models import Case
    from apps.cases.permissions import case_permissions_sync

    now = now or timezone.now()
    ended = 0
    with transaction.atomic():
        due = list(EmergencyAccess.objects.select_for_update(skip_locked=True)
                   .filter(ended_at__isnull=True, expires_at__lte=now))
        for access in due:
            access.ended_at = now
            access.save(update_fields=["ended_at", "updated_at"])
            access_record(actor=None, object_type="emergency_access", object_id=access.pk,
                          case_id=access.case_id, action="emergency_access_ended",
                          basis="EMERGENCY ACCESS expired")
            ended += 1
        for case in Case.objects.filter(pk__in={a.case_id for a in due}):
            case_permissions_sync(case=case)
    return ended

