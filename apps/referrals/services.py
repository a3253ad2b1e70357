"""Referral lifecycle: draft -> submitted -> accepted | declined | info_requested;
info_requested -> submitted; submitted | info_requested -> withdrawn; accepted -> completed.

Each service runs in one transaction, locks the referral row, re-checks the status (so of two
people deciding at once exactly one decision stands), checks the acting agency, writes the
history row and the audit row, re-derives grants and queues notifications on commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Agency, Service
from apps.agencies.selectors import is_active_member
from apps.agencies.team_selectors import service_recipient_ids
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.models import Case
from apps.cases.services import (
    case_assign,
    involvement_start_from_referral,
    key_worker_set_on_accept,
)
from apps.consent.services import sharing_basis_create, sharing_check
from apps.core.dates import format_datetime
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.notifications.services import notify
from apps.referrals.models import (
    DeclineCategory,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Urgency,
)
from apps.referrals.permissions import referral_permissions_sync
from apps.referrals.working_hours import add_working_hours
from apps.webhooks.services import webhook_emit

S = ReferralStatus

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action: (allowed from statuses, resulting status, which side acts)
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED, "from"),
    "accept": (frozenset({S.SUBMITTED}), S.ACCEPTED, "to"),
    "decline": (frozenset({S.SUBMITTED}), S.DECLINED, "to"),
    "request_info": (frozenset({S.SUBMITTED}), S.INFO_REQUESTED, "to"),
    "respond": (frozenset({S.INFO_REQUESTED}), S.SUBMITTED, "from"),
    "withdraw": (frozenset({S.SUBMITTED, S.INFO_REQUESTED}), S.WITHDRAWN, "from"),
    "complete": (frozenset({S.ACCEPTED}), S.COMPLETED, "to"),
}

DRAFT_FIELDS = ("reason", "urgency", "shared_information")


def _url(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/"


def _side_ok(*, actor: Actor, referral: Referral, side: str) -> bool:
    return policy.may_act_on_referral(actor=actor, referral=referral, side=side)


def allowed_actions(*, actor: Actor, referral: Referral) -> frozenset[str]:
    """The actions the actor may take on the referral in its current state."""
    actions = {name for name, (sources, _, side) in TRANSITIONS.items()
               if referral.status in sources and _side_ok(actor=actor, referral=referral,
                                                          side=side)}
    if referral.status == S.DRAFT and _side_ok(actor=actor, referral=referral, side="from"):
        actions.add("edit")
    return frozenset(actions)


def _refusal(referral: Referral, action: str) -> TransitionNotAllowed:
    status = referral.get_status_display().lower()
    if referral.status in (S.ACCEPTED, S.DECLINED) and referral.decided_by_id:
        who = referral.decided_by.get_full_name() or referral.decided_by.get_username()
        return TransitionNotAllowed(f"This referral was already {status} by {who} on "
                                    f"{format_datetime(referral.decided_at)}.")
    return TransitionNotAllowed(f"You cannot {action.replace('_', ' ')} a referral that is "
                                f"{status}.")


def _lock(*, actor: Actor, referral: Referral, action: str) -> Referral:
    """Lock the row, then check state and side: the loser of a race sees the winner's state."""
    # Related rows that change with the referral (decided_by) are loaded after the lock:
    # a join evaluated while waiting for the lock would show the pre-lock state.
    locked = (Referral.objects.select_for_update(of=("self",))
              .select_related("case", "from_agency", "to_agency", "to_service",
                              "sharing_basis")
              .get(pk=referral.pk))
    sources, _, side = TRANSITIONS[action]
    if not _side_ok(actor=actor, referral=locked, side=side):
        who = "the agency receiving" if side == "to" else "the agency that made"
        raise NotPermitted(f"Only {who} the referral can do this.")
    if locked.status not in sources:
        raise _refusal(locked, action)
    return locked


def _event(*, actor: Actor | None, referral: Referral, from_status: str, text: str = "",
           at: datetime.datetime | None = None) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral, user=actor.user if actor else None,
        agency_id=actor.agency_id if actor else None, from_status=from_status,
        to_status=referral.status, text=text, at=at or timezone.now(),
    )


def _audit(*, actor: Actor, referral: Referral, action: str) -> None:
    basis = referral.sharing_basis.summary if referral.sharing_basis_id else ""
    access_record(actor=actor, object_type="referral", object_id=referral.pk,
                  case_id=referral.case_id, action=action, basis=basis)


def _notify(*, referral: Referral, kind: str, recipients: list[int], title: str,
            agency_id) -> None:
    notify(recipients=recipients, kind=kind, target_type="referral", target_id=referral.pk,
           title=title, url=_url(referral), agency_id=agency_id)


def _emit_decided(referral: Referral) -> None:
    """Tell the referring agency's webhooks (ids and the decision only)."""
    webhook_emit(event="referral.decided", agency_ids=[referral.from_agency_id],
                 data={"referral": referral.pk, "decision": referral.status})


def _queue(referral: Referral) -> list[int]:
    """Who hears of a referral to decide: the team handling its service (or, with none, the
    receiving agency's managers and admins), never every member; plus whoever it is assigned
    to."""
    team_id = referral.to_service.handling_team_id if referral.to_service_id else None
    ids = service_recipient_ids(agency_id=referral.to_agency_id, team_id=team_id)
    if referral.assigned_to_id:
        ids.add(referral.assigned_to_id)
    return sorted(ids)


def _clean_text(value: Any) -> str:
    return str(value or "").strip()


def _service_for(*, service: Service | None, agency: Agency | None) -> tuple[Service | None,
                                                                           Agency]:
    if service is not None:
        if not service.active or not service.agency.active:
            raise ServiceError("That service is no longer listed.", field="to_service")
        return service, service.agency
    if agency is None:
        raise ServiceError("Choose the service you are referring to.", field="to_service")
    if not agency.active:
        raise ServiceError(f"{agency} is not active.", field="to_agency")
    return None, agency


def referral_create(*, actor: Actor, case: Case, to_service: Service | None = None,
                    to_agency: Agency | None = None, reason: str = "",
                    urgency: str = Urgency.ROUTINE, shared_information: str | None = None,
                    basis: dict[str, Any] | None = None, submit: bool = False,
                    override_reason: str = "") -> Referral:
    """Start a referral from a case in one step; ``submit=True`` sends it at once.

    ``basis`` holds the sharing-basis fields (see ``sharing_basis_create``); a draft may be
    saved without it, a submission may not. Nothing is saved when anything is invalid.
    ``override_reason`` sends it in an emergency although the sharing check refuses it
    (audited and notified, see ``apps.consent.services.sharing_check``)."""
    actor_require_writer(actor=actor)
    to_service, to_agency = _service_for(service=to_service, agency=to_agency)
    if to_agency.pk == actor.agency_id:
        raise ServiceError("Refer to another agency, not your own.", field="to_service")
    if urgency not in Urgency.values:
        raise ServiceError("Choose how urgent the referral is.", field="urgency")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("subject").get(pk=case.pk)
        policy.require_refer(actor=actor, case=case)
        sharing_basis = sharing_basis_create(actor=actor, **basis) if basis else None
        referral = Referral.objects.create(
            case=case, from_agency_id=actor.agency_id, from_user=actor.user,
            to_agency=to_agency, to_service=to_service, reason=_clean_text(reason),
            urgency=urgency,
            shared_information=(case.summary if shared_information is None
                                else _clean_text(shared_information)),
            sharing_basis=sharing_basis,
        )
        referral_permissions_sync(referral=referral)
        _event(actor=actor, referral=referral, from_status="", text="Draft started.")
        _audit(actor=actor, referral=referral, action="create")
        if submit:
            referral = referral_submit(actor=actor, referral=referral,
                                       override_reason=override_reason)
        return referral


def referral_update(*, actor: Actor, referral: Referral, data: dict[str, Any]) -> Referral:
    """Change a draft: reason, urgency, what is shared, the service and the sharing basis."""
    actor_require_writer(actor=actor)
    allowed = {*DRAFT_FIELDS, "to_service", "basis"}
    unknown = set(data) - allowed
    if unknown:
        raise ServiceError(f"Unknown field: {sorted(unknown)[0]}.")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="submit")
        if "urgency" in data and data["urgency"] not in Urgency.values:
            raise ServiceError("Choose how urgent the referral is.", field="urgency")
        for name in DRAFT_FIELDS:
            if name in data:
                setattr(referral, name, _clean_text(data[name]))
        if data.get("to_service") is not None:
            service, agency = _service_for(service=data["to_service"], agency=None)
            if agency.pk == actor.agency_id:
                raise ServiceError("Refer to another agency, not your own.",
                                   field="to_service")
            referral.to_service, referral.to_agency = service, agency
        if data.get("basis"):
            referral.sharing_basis = sharing_basis_create(actor=actor, **data["basis"])
        referral.save()
        _audit(actor=actor, referral=referral, action="update")
        return referral


def referral_submit(*, actor: Actor, referral: Referral,
                    override_reason: str = "") -> Referral:
    actor_require_writer(actor=actor)
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="submit")
        if not referral.reason:
            raise ServiceError("Enter the reason for the referral.", field="reason")
        if not referral.shared_information:
            raise ServiceError("Enter what you are sharing with the receiving agency.",
                               field="shared_information")
        if referral.sharing_basis_id is None:
            raise ServiceError("Record the basis for sharing: consent or a lawful basis.",
                               field="sharing_kind")
        service = referral.to_service
        if service is not None and not service.accepting_referrals:
            raise ServiceError(f"{service.name} is not accepting referrals at the moment.",
                               field="to_service")
        policy.require_refer(actor=actor, case=referral.case)
        sharing_check(actor=actor, from_agency=referral.from_agency,
                      to_agency=referral.to_agency, sharing_basis=referral.sharing_basis,
                      person=referral.case.subject, case=referral.case, purpose="referral",
                      override_reason=override_reason)
        now = timezone.now()
        target = service.response_target_hours if service else 16
        referral.status = S.SUBMITTED
        referral.submitted_at = referral.first_submitted_at = now
        referral.due_at = add_working_hours(now, target)
        referral.escalate_at = add_working_hours(now, 2 * target)
        referral.save()
        referral_permissions_sync(referral=referral)
        _event(actor=actor, referral=referral, from_status=S.DRAFT, text="Referral sent.")
        _audit(actor=actor, referral=referral, action="submit")
        urgency = "" if referral.urgency == Urgency.ROUTINE else f"{referral.urgency} "
        _notify(referral=referral, kind="referral_submitted",
                recipients=_queue(referral),
                title=f"New {urgency}referral {referral.case.reference} from "
                      f"{referral.from_agency}", agency_id=referral.to_agency_id)
        webhook_emit(event="referral.received", agency_ids=[referral.to_agency_id],
                     data={"referral": referral.pk})
        return referral


def referral_open(*, actor: Actor, referral: Referral) -> Referral:
    """The receiving agency opens the referral: it leaves the "new" tab; the read is audited.
    An auditor's read changes nothing (auditors are read-only)."""
    if (actor.agency_id == referral.to_agency_id and referral.seen_at is None
            and not actor.read_only):
        Referral.objects.filter(pk=referral.pk, seen_at__isnull=True).update(
            seen_at=timezone.now())
        referral.refresh_from_db(fields=["seen_at"])
    _audit(actor=actor, referral=referral, action="view")
    return referral


def _decided(*, actor: Actor, referral: Referral, status: str) -> datetime.datetime:
    now = timezone.now()
    referral.status = status
    referral.decided_at = now
    referral.decided_by = actor.user
    return now


def referral_accept(*, actor: Actor, referral: Referral, key_worker=None) -> Referral:
    """Accept: the receiving agency becomes a partner on the case and so gains access. The
    accepting person becomes the agency's key worker on the case unless ``key_worker`` (an
    active member of the receiving agency) is chosen in the same step."""
    actor_require_writer(actor=actor)
    if key_worker is not None and not is_active_member(user_id=key_worker.pk,
                                                       agency_id=actor.agency_id):
        raise ServiceError("Choose a key worker from your agency.", field="key_worker")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="accept")
        _decided(actor=actor, referral=referral, status=S.ACCEPTED)
        basis = (referral.sharing_basis.summary if referral.sharing_basis_id
                 else "Referral accepted")
        referral.involvement = involvement_start_from_referral(
            referral_actor=actor, case=referral.case, agency=referral.to_agency,
            basis=f"Referral accepted. {basis}", sharing_basis=referral.sharing_basis)
        chosen = key_worker or actor.user
        if key_worker is not None or referral.involvement.key_worker_id is None:
            key_worker_set_on_accept(involvement=referral.involvement, user=chosen)
        referral.save()
        _event(actor=actor, referral=referral, from_status=S.SUBMITTED, text="Accepted.")
        _audit(actor=actor, referral=referral, action="accept")
        _notify(referral=referral, kind="referral_accepted", recipients=[referral.from_user_id],
                title=f"Referral {referral.case.reference} accepted by {referral.to_agency}",
                agency_id=referral.from_agency_id)
        _emit_decided(referral)
        return referral


def referral_decline(*, actor: Actor, referral: Referral, category: str, reason: str,
                     signpost_service: Service | None = None) -> Referral:
    actor_require_writer(actor=actor)
    reason = _clean_text(reason)
    if category not in DeclineCategory.values:
        raise ServiceError("Choose why you are declining the referral.",
                           field="decline_category")
    if not reason:
        raise ServiceError("Explain why you are declining the referral.",
                           field="decline_reason")
    if signpost_service is not None and not signpost_service.active:
        raise ServiceError("That service is no longer listed.", field="signpost_service")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="decline")
        _decided(actor=actor, referral=referral, status=S.DECLINED)
        referral.decline_category, referral.decline_reason = category, reason
        referral.signpost_service = signpost_service
        referral.save()
        text = f"Declined: {referral.get_decline_category_display()}. {reason}"
        if signpost_service is not None:
            text += f" Suggested service: {signpost_service.name} ({signpost_service.agency})."
        _event(actor=actor, referral=referral, from_status=S.SUBMITTED, text=text)
        _audit(actor=actor, referral=referral, action="decline")
        _notify(referral=referral, kind="referral_declined", recipients=[referral.from_user_id],
                title=f"Referral {referral.case.reference} declined by {referral.to_agency}",
                agency_id=referral.from_agency_id)
        _emit_decided(referral)
        return referral


def referral_request_info(*, actor: Actor, referral: Referral, question: str) -> Referral:
    actor_require_writer(actor=actor)
    question = _clean_text(question)
    if not question:
        raise ServiceError("Enter the information you need.", field="info_request")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="request_info")
        referral.status = S.INFO_REQUESTED
        referral.info_request = question
        referral.save()
        _event(actor=actor, referral=referral, from_status=S.SUBMITTED, text=question)
        _audit(actor=actor, referral=referral, action="request_info")
        _notify(referral=referral, kind="referral_info_requested",
                recipients=[referral.from_user_id],
                title=f"{referral.to_agency} asks for more information on referral "
                      f"{referral.case.reference}", agency_id=referral.from_agency_id)
        return referral


def referral_respond(*, actor: Actor, referral: Referral, answer: str) -> Referral:
    """The referrer answers an information request; the referral returns to the receiver with
    a fresh response target."""
    actor_require_writer(actor=actor)
    answer = _clean_text(answer)
    if not answer:
        raise ServiceError("Enter your answer.", field="info_response")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="respond")
        now = timezone.now()
        target = referral.to_service.response_target_hours if referral.to_service else 16
        referral.status = S.SUBMITTED
        referral.info_response = answer
        referral.submitted_at = now
        referral.due_at = add_working_hours(now, target)
        referral.escalate_at = add_working_hours(now, 2 * target)
        referral.save()
        _event(actor=actor, referral=referral, from_status=S.INFO_REQUESTED, text=answer)
        _audit(actor=actor, referral=referral, action="respond")
        _notify(referral=referral, kind="referral_info_given",
                recipients=_queue(referral),
                title=f"{referral.from_agency} answered your question on referral "
                      f"{referral.case.reference}", agency_id=referral.to_agency_id)
        return referral


def referral_withdraw(*, actor: Actor, referral: Referral, reason: str = "") -> Referral:
    actor_require_writer(actor=actor)
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="withdraw")
        previous = referral.status
        referral.status = S.WITHDRAWN
        referral.withdrawn_at = timezone.now()
        referral.withdraw_reason = _clean_text(reason)
        referral.save()
        _event(actor=actor, referral=referral, from_status=previous,
               text=referral.withdraw_reason or "Withdrawn.")
        _audit(actor=actor, referral=referral, action="withdraw")
        _notify(referral=referral, kind="referral_withdrawn",
                recipients=_queue(referral),
                title=f"Referral {referral.case.reference} withdrawn by {referral.from_agency}",
                agency_id=referral.to_agency_id)
        return referral


def referral_complete(*, actor: Actor, referral: Referral, outcome: str) -> Referral:
    actor_require_writer(actor=actor)
    outcome = _clean_text(outcome)
    if not outcome:
        raise ServiceError("Enter the outcome.", field="outcome")
    with transaction.atomic():
        referral = _lock(actor=actor, referral=referral, action="complete")
        referral.status = S.COMPLETED
        referral.outcome = outcome
        referral.completed_at = timezone.now()
        referral.save()
        _event(actor=actor, referral=referral, from_status=S.ACCEPTED, text=outcome)
        _audit(actor=actor, referral=referral, action="complete")
        _notify(referral=referral, kind="referral_completed", recipients=[referral.from_user_id],
                title=f"Referral {referral.case.reference} completed by {referral.to_agency}",
                agency_id=referral.from_agency_id)
        webhook_emit(event="referral.completed", agency_ids=[referral.from_agency_id],
                     data={"referral": referral.pk})
        return referral


def referral_assign(*, actor: Actor, referral: Referral, user) -> Referral:
    """Who in the receiving agency deals with an open referral: a team member picks it up
    (``user`` is themselves), a manager assigns it to any member of the agency. An accepted
    referral's work is its case: assigning it makes ``user`` the agency's key worker there."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        referral = (Referral.objects.select_for_update(of=("self",))
                    .select_related("case", "to_agency", "to_service").get(pk=referral.pk))
        if actor.agency_id != referral.to_agency_id:
            raise NotPermitted("Only the agency receiving the referral can assign it.")
        if user.pk == actor.user.pk:
            if not policy.may_pick_up_referral(actor=actor, referral=referral):
                raise NotPermitted("Only a member of the team handling this service can pick "
                                   "it up.")
        else:
            policy.require_assign_work(actor=actor, agency_id=referral.to_agency_id)
        if not is_active_member(user_id=user.pk, agency_id=referral.to_agency_id):
            raise ServiceError(f"{user.get_username()} is not a member of "
                               f"{referral.to_agency}.", field="user")
        if referral.status == S.ACCEPTED:
            case_assign(actor=actor, case=referral.case, user=user)
        elif referral.status not in (S.SUBMITTED, S.INFO_REQUESTED):
            raise TransitionNotAllowed(f"A referral that is "
                                       f"{referral.get_status_display().lower()} has no work "
                                       "to assign.")
        referral.assigned_to = user
        referral.assigned_at = timezone.now()
        referral.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
        name = user.get_full_name() or user.get_username()
        _event(actor=actor, referral=referral, from_status=referral.status,
               text=f"Picked up by {name}." if user.pk == actor.user.pk
               else f"Assigned to {name}.")
        _audit(actor=actor, referral=referral,
               action="pick_up" if user.pk == actor.user.pk else "assign")
        if user.pk != actor.user.pk:
            _notify(referral=referral, kind="referral_assigned", recipients=[user.pk],
                    title=f"Referral {referral.case.reference} assigned to you",
                    agency_id=referral.to_agency_id)
        return referral
