"""Writes of the records app: subject access requests (open, assemble, release)."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.audit.services import access_record
from apps.cases import policy
from apps.core import outbox
from apps.core.dates import format_date
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.documents.storage import document_storage
from apps.people.models import Person
from apps.records import bundle
from apps.records.models import RequesterKind, SarStatus, SubjectAccessRequest

log = logging.getLogger(__name__)


def due_date(received_on: datetime.date) -> datetime.date:
    """One calendar month after receipt (the ICO's rule: 31 January -> 28/29 February)."""
    return received_on + relativedelta(months=1)


def _backoff(attempts: int) -> timedelta:
    return outbox.backoff(attempts, base_seconds=60, cap_seconds=3600)


def sar_open(*, actor: Actor, person: Person, received_on: datetime.date,
             requester_kind: str = RequesterKind.PERSON,
             requester_details: str = "") -> SubjectAccessRequest:
    """An agency admin records a subject access request; assembly starts once it commits."""
    actor_require_writer(actor=actor)
    policy.require_answer_subject_access(actor=actor)
    today = timezone.localdate()
    if received_on > today:
        raise ServiceError("The date received cannot be in the future.", field="received_on")
    if received_on < today - relativedelta(years=1):
        raise ServiceError("The date received must be within the last year.",
                           field="received_on")
    if requester_kind not in RequesterKind.values:
        raise ServiceError("Choose who asked.", field="requester_kind")
    requester_details = (requester_details or "").strip()
    if requester_kind == RequesterKind.REPRESENTATIVE and not requester_details:
        raise ServiceError("Say who asked for them, and how they showed they may.",
                           field="requester_details")
    from apps.records.selectors import people_held

    if not people_held(actor=actor).filter(pk=person.pk).exists():
        raise ServiceError("Your agency holds no record of that person.", field="person")
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            agency_id=actor.agency_id, person=person, requester_kind=requester_kind,
            requester_details=requester_details, received_on=received_on,
            due_on=due_date(received_on), opened_by=actor.user,
            assemble_next_at=timezone.now() + _backoff(1))
        access_record(actor=actor, object_type="subject_access_request", object_id=sar.pk,
                      action="create", basis="subject access request")
        transaction.on_commit(lambda: assemble_publish([sar.pk]))
    return sar


def assemble_publish(ids: list[UUID]) -> int:
    """Send assembly tasks; never raises (the sweep republishes what could not be sent)."""
    from apps.records.tasks import sar_assemble_task

    return outbox.publish_each(sar_assemble_task, ids, what="subject access assembly")


def sar_sweep(*, batch: int = 50) -> int:
    """Beat: republish the assemblies still to do whose next try is due (the outbox)."""
    return outbox.sweep_due(
        SubjectAccessRequest.objects.filter(status=SarStatus.ASSEMBLING),
        attempts_field="assemble_attempts", next_field="assemble_next_at", batch=batch,
        wait=_backoff, publish=assemble_publish)


def sar_assemble(*, sar_id: UUID | str) -> str:
    """Gather what the agency holds about the person into the bundle (run by the worker).
    Idempotent: a request already assembled is left alone."""
    storage = document_storage()
    with transaction.atomic():
        sar = (SubjectAccessRequest.objects.select_for_update().select_related("person", "agency")
               .filter(pk=sar_id).first())
        if sar is None or sar.status != SarStatus.ASSEMBLING:
            return sar.status if sar else ""
        data = bundle.gather(agency_id=sar.agency_id, person=sar.person)
        heading = (f"Subject access request to {sar.agency.name}, received "
                   f"{format_date(sar.received_on)}, due {format_date(sar.due_on)}")
        content = bundle.build_zip(data=data, heading=heading,
                                   open_file=lambda key: storage.open(key, "rb"))
        key = storage.save(f"subject-access/{sar.pk}/bundle.zip", ContentFile(content))
        sar.bundle_key = key
        sar.bundle_size = len(content)
        sar.summary = {section: {"entries": len(rows),
                                 "to_review": sum(1 for row in rows if row["review"])}
                       for section, rows in data.items()}
        sar.status = SarStatus.READY
        sar.assembled_at = timezone.now()
        sar.assemble_next_at = None
        sar.save(update_fields=["bundle_key", "bundle_size", "summary", "status",
                                "assembled_at", "assemble_next_at", "updated_at"])
        access_record(actor=None, object_type="subject_access_request", object_id=sar.pk,
                      action="assemble", basis="subject access request")
    return SarStatus.READY


def sar_release(*, actor: Actor, sar: SubjectAccessRequest, note: str) -> SubjectAccessRequest:
    """Record that the reviewed bundle was released to the requester."""
    actor_require_writer(actor=actor)
    note = (note or "").strip()
    if not note:
        raise ServiceError("Say what was released and how (for example, \"Redacted bundle "
                           "sent by secure email\").", field="note")
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        policy.require_answer_subject_access(actor=actor, agency_id=sar.agency_id)
        if sar.status != SarStatus.READY:
            raise TransitionNotAllowed("Only a request whose bundle is ready can be released.")
        sar.status = SarStatus.RELEASED
        sar.released_at = timezone.now()
        sar.released_by = actor.user
        sar.release_note = note
        sar.save(update_fields=["status", "released_at", "released_by", "release_note",
                                "updated_at"])
        access_record(actor=actor, object_type="subject_access_request", object_id=sar.pk,
                      action="release", basis="subject access request")
    return sar


def sar_bundle_download_record(*, actor: Actor, sar: SubjectAccessRequest) -> None:
    access_record(actor=actor, object_type="subject_access_bundle", object_id=sar.pk,
                  action="download", basis="subject access request")


# Retention ----------------------------------------------------------------------------------


def retention_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: find closed cases whose retention has run out (or whose extension has), record
    them as due and tell the lead agency's managers (no personal data). Returns how many
    became due. Cases under a legal hold are left alone."""
    from dateutil.relativedelta import relativedelta as months_delta

    from apps.agencies.models import Role
    from apps.agencies.selectors import member_ids
    from apps.cases.models import Case, CaseStatus
    from apps.notifications.services import notify
    from apps.records.models import RetentionReview, ReviewState
    from apps.records.retention import due_for, shortest_possible_months

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = now - months_delta(months=shortest_possible_months())
    candidates = (Case.objects.filter(status=CaseStatus.CLOSED, last_activity_at__lte=horizon)
                  .exclude(retention_review__state=ReviewState.DELETED)
                  .exclude(retention_review__legal_hold=True)
                  .exclude(retention_review__state=ReviewState.DUE)
                  .select_related("lead_agency").order_by("last_activity_at")[:500])
    became_due = 0
    for case in candidates:
        due = due_for(case)
        if due.due_on > today:
            continue
        with transaction.atomic():
            review = RetentionReview.objects.select_for_update().filter(case=case).first()
            if review is not None and (review.legal_hold or review.state != ReviewState.EXTENDED
                                       or (review.extended_until or today) > today):
                continue
            if review is None:
                review = RetentionReview(case=case, lead_agency_id=case.lead_agency_id)
            review.due_on = due.due_on if review.extended_until is None else (
                review.extended_until)
            review.rule = due.rule
            review.state = ReviewState.DUE
            review.save()
            managers = member_ids(agency_ids=[case.lead_agency_id], roles=(Role.MANAGER,))
            notify(recipients=sorted(managers), kind="retention_due", target_type="case",
                   target_id=case.pk, agency_id=case.lead_agency_id,
                   title=f"Case {case.reference} is due for deletion under its retention rule",
                   url=f"/records/retention/{review.pk}/")
            became_due += 1
    return became_due


def _review_locked(review_id: UUID) -> tuple:
    from apps.cases.models import Case
    from apps.records.models import RetentionReview

    review = RetentionReview.objects.select_for_update().get(pk=review_id)
    case = Case.objects.select_for_update().get(pk=review.case_id)
    return review, case


def retention_delete(*, actor: Actor, review_id: UUID) -> object:
    """A manager of the lead agency confirms: the case's personal data is deleted and what
    statistics need is kept, in one transaction; the audit records that it happened."""
    from apps.records.erase import case_erase
    from apps.records.models import ReviewState

    actor_require_writer(actor=actor)
    with transaction.atomic():
        review, case = _review_locked(review_id)
        policy.require_decide_retention(actor=actor, lead_agency_id=review.lead_agency_id)
        if review.legal_hold:
            raise TransitionNotAllowed("This case is under a legal hold: it cannot be deleted "
                                       "until the hold is lifted.")
        if review.state != ReviewState.DUE:
            raise TransitionNotAllowed("Only a case due for deletion can be deleted.")
        review.kept = case_erase(case=case)
        review.state = ReviewState.DELETED
        review.decided_by = actor.user
        review.decided_at = timezone.now()
        review.save(update_fields=["kept", "state", "decided_by", "decided_at", "updated_at"])
        access_record(actor=actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="retention_delete", basis="retention rule")
    return review


def retention_extend(*, actor: Actor, review_id: UUID, months: int, reason: str) -> object:
    """Keep the case longer, with a reason; it falls due again when the extension ends."""
    from dateutil.relativedelta import relativedelta as months_delta

    from apps.records.models import ReviewState

    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why the case must be kept longer.", field="reason")
    if not 1 <= int(months) <= 120:
        raise ServiceError("Keep it for between 1 and 120 months.", field="months")
    with transaction.atomic():
        review, case = _review_locked(review_id)
        policy.require_decide_retention(actor=actor, lead_agency_id=review.lead_agency_id)
        if review.state != ReviewState.DUE:
            raise TransitionNotAllowed("Only a case due for deletion can be extended.")
        review.state = ReviewState.EXTENDED
        review.extended_until = timezone.localdate() + months_delta(months=int(months))
        review.extend_reason = reason
        review.decided_by = actor.user
        review.decided_at = timezone.now()
        review.save(update_fields=["state", "extended_until", "extend_reason", "decided_by",
                                   "decided_at", "updated_at"])
        access_record(actor=actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="retention_extend", basis="retention rule")
    return review


def retention_hold(*, actor: Actor, review_id: UUID, hold: bool, reason: str = "") -> object:
    """Place (with a reason) or lift a legal hold: while held, nothing is deleted."""
    from apps.records.models import ReviewState

    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if hold and not reason:
        raise ServiceError("Say why the case is held (for example, the proceedings).",
                           field="reason")
    with transaction.atomic():
        review, case = _review_locked(review_id)
        policy.require_hold(actor=actor, lead_agency_id=review.lead_agency_id)
        if review.state == ReviewState.DELETED:
            raise TransitionNotAllowed("The case's personal data has already been deleted.")
        if review.legal_hold == hold:
            raise TransitionNotAllowed("The case is already held." if hold else
                                       "The case is not held.")
        review.legal_hold = hold
        review.hold_reason = reason if hold else ""
        review.hold_by = actor.user if hold else None
        review.hold_at = timezone.now() if hold else None
        review.save(update_fields=["legal_hold", "hold_reason", "hold_by", "hold_at",
                                   "updated_at"])
        access_record(actor=actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="legal_hold" if hold else "legal_hold_lifted",
                      basis="retention rule")
    return review


def case_legal_hold(*, actor: Actor, case: object, reason: str) -> object:
    """Place a legal hold on any case the lead agency leads (before it is due, too)."""
    from apps.records.models import RetentionReview
    from apps.records.retention import due_for

    actor_require_writer(actor=actor)
    policy.require_hold(actor=actor, lead_agency_id=case.lead_agency_id)
    with transaction.atomic():
        review = RetentionReview.objects.filter(case=case).first()
        if review is None:
            due = due_for(case)
            review = RetentionReview.objects.create(
                case=case, lead_agency_id=case.lead_agency_id, due_on=due.due_on,
                rule=due.rule, state="extended", extended_until=due.due_on)
        return retention_hold(actor=actor, review_id=review.pk, hold=True, reason=reason)


def retention_rule_set(*, actor: Actor, months: int, reason: str = "") -> object:
    """An agency admin sets their agency's own period for closed cases: stricter only."""
    from apps.records.models import RecordKind, RetentionRule
    from apps.records.retention import default_months

    actor_require_writer(actor=actor)
    policy.require_set_retention_rules(actor=actor)
    if not 1 <= int(months) <= default_months():
        raise ServiceError(f"Enter a period between 1 and {default_months()} months (an "
                           "agency may be stricter than the default, never laxer).",
                           field="months")
    with transaction.atomic():
        rule, _created = RetentionRule.objects.update_or_create(
            agency_id=actor.agency_id, kind=RecordKind.CASE,
            defaults={"months": int(months), "reason": (reason or "").strip(),
                      "set_by": actor.user})
        access_record(actor=actor, object_type="retention_rule", object_id=rule.pk,
                      action="update")
    return rule


def agreement_retention_set(*, actor: Actor, agreement: object, months: int) -> object:
    """Record the retention period an agreement states (an admin of a party agency)."""
    from apps.consent.models import DsaParty
    from apps.records.models import AgreementRetention

    actor_require_writer(actor=actor)
    policy.require_set_retention_rules(actor=actor)
    if not DsaParty.objects.filter(agreement=agreement, agency_id=actor.agency_id).exists():
        raise NotPermitted("Only an admin of a party to the agreement can set its period.")
    if not 1 <= int(months) <= 1200:
        raise ServiceError("Enter the period in months (1 to 1200).", field="months")
    with transaction.atomic():
        period, _created = AgreementRetention.objects.update_or_create(
            agreement=agreement, defaults={"months": int(months), "set_by": actor.user})
        access_record(actor=actor, object_type="agreement_retention", object_id=period.pk,
                      action="update")
    return period
