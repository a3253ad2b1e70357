"""Rectification and restriction (UK GDPR articles 16, 17, 18, 21): services and reads."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.selectors import members_by_agency
from apps.audit.services import access_record
from apps.cases import policy
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.people.models import Person
from apps.records.models import (
    PersonCorrection,
    RightsDecision,
    RightsRequest,
    RightsRequestKind,
)

# The details a correction may change; contact details only where the actor may see them.
IDENTITY_FIELDS = ("given_name", "family_name", "other_names", "date_of_birth")
CONTACT_FIELDS = ("address_line_1", "address_line_2", "town", "postcode", "phone", "email")
CORRECTABLE = IDENTITY_FIELDS + CONTACT_FIELDS


def agencies_sharing(*, person: Person, exclude: Any = None) -> list[UUID]:
    """Agencies with a live involvement in a case the person is on: those the record was
    shared with."""
    from apps.cases.models import CasePerson, Involvement

    on_case = CasePerson.objects.filter(person=person, case_id=OuterRef("case_id"))
    ids = set(Involvement.objects.active().filter(Exists(on_case))
              .values_list("agency_id", flat=True))
    ids.discard(exclude)
    return sorted(ids, key=str)


def person_correct(*, actor: Actor, person: Person, changes: dict[str, Any],
                   reason: str) -> PersonCorrection:
    """Correct a person's details, keep the history (the person's change history holds the
    values before and after) and tell every other agency the record was shared with (their
    managers; the notification names no one)."""
    from apps.agencies.models import Role
    from apps.notifications.services import notify_agencies
    from apps.people.selectors import person_contact_visible, person_get

    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Say why the details are being corrected.", field="reason")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ServiceError("Only names, date of birth, address and contact details can be "
                           "corrected here.", field=sorted(unknown)[0])
    person = person_get(actor=actor, person_id=person.pk)  # 404 when not visible
    if set(changes) & set(CONTACT_FIELDS) and not person_contact_visible(actor=actor,
                                                                          person=person):
        raise Http404("No such person")
    if "given_name" in changes and not str(changes["given_name"] or "").strip():
        raise ServiceError("Enter the person's given name.", field="given_name")
    if "family_name" in changes and not str(changes["family_name"] or "").strip():
        raise ServiceError("Enter the person's family name.", field="family_name")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            raise ServiceError("Nothing was changed.", field="reason")
        for name in changed:
            setattr(locked, name, changes[name])
        try:
            locked.full_clean(exclude=[f.name for f in Person._meta.fields
                                       if f.name not in changed])
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ServiceError(messages[0], field=field) from exc
        locked.save(update_fields=[*changed, "updated_at"])
        agencies = agencies_sharing(person=locked, exclude=actor.agency_id)
        correction = PersonCorrection.objects.create(
            person=locked, agency_id=actor.agency_id, fields=changed, reason=reason,
            corrected_by=actor.user, agencies_told=len(agencies))
        access_record(actor=actor, object_type="person", object_id=locked.pk,
                      action="correct", basis="rectification")
        managers = members_by_agency(agency_ids=agencies, roles=(Role.MANAGER,))
        notify_agencies(recipients_by_agency=managers, kind="person_corrected",
                        target_type="person", target_id=locked.pk,
                        title="A person's details were corrected on a record shared with "
                              "your agency",
                        url=f"/people/{locked.pk}/")
    return correction


def corrections_of(*, actor: Actor, person: Person) -> QuerySet[PersonCorrection]:
    return (PersonCorrection.objects.filter(person=person)
            .select_related("agency", "corrected_by").order_by("-created_at"))


def rights_request_record(*, actor: Actor, person: Person, kind: str,
                          received_on: datetime.date, details: str) -> RightsRequest:
    """Record a restriction, erasure or objection request (an agency admin)."""
    from apps.records.selectors import people_held

    actor_require_writer(actor=actor)
    policy.require_answer_subject_access(actor=actor)
    if kind not in RightsRequestKind.values:
        raise ServiceError("Choose what the person asked for.", field="kind")
    details = (details or "").strip()
    if not details:
        raise ServiceError("Say what the person asked for.", field="details")
    if received_on > timezone.localdate():
        raise ServiceError("The date received cannot be in the future.", field="received_on")
    if not people_held(actor=actor).filter(pk=person.pk).exists():
        raise ServiceError("Your agency holds no record of that person.", field="person")
    with transaction.atomic():
        request = RightsRequest.objects.create(
            person=person, agency_id=actor.agency_id, kind=kind, received_on=received_on,
            details=details, recorded_by=actor.user)
        access_record(actor=actor, object_type="rights_request", object_id=request.pk,
                      action="create", basis=f"{kind} request")
    return request


def rights_request_decide(*, actor: Actor, request: RightsRequest, decision: str,
                          reasons: str) -> RightsRequest:
    actor_require_writer(actor=actor)
    reasons = (reasons or "").strip()
    if decision not in (RightsDecision.GRANTED, RightsDecision.PARTLY, RightsDecision.REFUSED):
        raise ServiceError("Choose the decision.", field="decision")
    if not reasons:
        raise ServiceError("Give the reasons for the decision.", field="reasons")
    with transaction.atomic():
        request = RightsRequest.objects.select_for_update().get(pk=request.pk)
        policy.require_answer_subject_access(actor=actor, agency_id=request.agency_id)
        if request.decision != RightsDecision.PENDING:
            raise TransitionNotAllowed("This request has already been decided.")
        request.decision = decision
        request.decision_reasons = reasons
        request.decided_by = actor.user
        request.decided_at = timezone.now()
        request.save(update_fields=["decision", "decision_reasons", "decided_by",
                                    "decided_at", "updated_at"])
        access_record(actor=actor, object_type="rights_request", object_id=request.pk,
                      action="decide", basis=f"{request.kind} request")
    return request


def rights_requests(*, actor: Actor | None) -> QuerySet[RightsRequest]:
    if not policy.may_answer_subject_access(actor=actor):
        return RightsRequest.objects.none()
    return (RightsRequest.objects.filter(agency_id=actor.agency_id)
            .select_related("person", "decided_by").order_by("-received_on", "-created_at"))


def rights_request_get(*, actor: Actor | None, request_id: UUID | str) -> RightsRequest:
    try:
        return rights_requests(actor=actor).get(pk=request_id)
    except (RightsRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such request") from exc
