"""Reads of subject access requests and of the people an agency holds data about."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.cases import policy
from apps.cases.models import CasePerson, Involvement
from apps.people.models import Person
from apps.records.models import SubjectAccessRequest


def people_held(*, actor: Actor | None) -> QuerySet[Person]:
    """People the actor's agency holds or received data about: those it recorded and those on
    a case it is or was involved in (an ended involvement still left its notes)."""
    if not policy.may_answer_subject_access(actor=actor):
        return Person.objects.none()
    involved = Involvement.objects.filter(agency_id=actor.agency_id,
                                          case_id=OuterRef("case_id"))
    on_case = CasePerson.objects.filter(Exists(involved), person=OuterRef("pk"))
    return Person.objects.filter(Q(created_by_agency_id=actor.agency_id) | Exists(on_case))


def person_held_get(*, actor: Actor | None, person_id: object) -> Person | None:
    """One of ``people_held`` by id, or None (also for an id that is not a UUID)."""
    if not person_id:
        return None
    try:
        return people_held(actor=actor).filter(pk=person_id).first()
    except (ValueError, ValidationError):
        return None


def people_search(*, actor: Actor | None, query: str, limit: int = 20) -> list[Person]:
    terms = query.split()[:3]
    if not terms:
        return []
    people = people_held(actor=actor)
    for term in terms:
        people = people.filter(Q(given_name__istartswith=term) | Q(family_name__istartswith=term)
                               | Q(other_names__icontains=term))
    return list(people.order_by("family_name", "given_name", "pk")[:limit])


def sar_list(*, actor: Actor | None) -> QuerySet[SubjectAccessRequest]:
    """The acting agency's requests (only its admins see them), soonest due first."""
    if not policy.may_answer_subject_access(actor=actor):
        return SubjectAccessRequest.objects.none()
    return (SubjectAccessRequest.objects.filter(agency_id=actor.agency_id)
            .select_related("person", "opened_by", "released_by")
            .order_by("due_on", "id"))


def sar_get(*, actor: Actor | None, sar_id: UUID | str) -> SubjectAccessRequest:
    try:
        return sar_list(actor=actor).get(pk=sar_id)
    except (SubjectAccessRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such request") from exc


def retention_reviews(*, actor: Actor | None) -> QuerySet:
    """Retention reviews of the cases the acting agency leads: its managers and admins."""
    from apps.records.models import RetentionReview

    if actor is None or not (policy.may_decide_retention(actor=actor,
                                                         lead_agency_id=actor.agency_id)
                             or policy.may_hold(actor=actor, lead_agency_id=actor.agency_id)):
        return RetentionReview.objects.none()
    return (RetentionReview.objects.filter(lead_agency_id=actor.agency_id)
            .select_related("case", "decided_by", "hold_by").order_by("due_on", "id"))


def retention_review_get(*, actor: Actor | None, review_id: UUID | str) -> object:
    from apps.records.models import RetentionReview

    try:
        return retention_reviews(actor=actor).get(pk=review_id)
    except (RetentionReview.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such review") from exc


def agreements_of(*, actor: Actor | None) -> list:
    """The agreements the acting agency is party to, each with ``period`` (months or None)."""
    from apps.consent.models import DataSharingAgreement

    if not policy.may_set_retention_rules(actor=actor):
        return []
    agreements = list(DataSharingAgreement.objects.filter(parties__agency_id=actor.agency_id)
                      .select_related("retention_period").order_by("title"))
    for agreement in agreements:
        period = getattr(agreement, "retention_period", None)
        agreement.period_months = period.months if period else None
    return agreements


def agreement_for_party(*, actor: Actor | None, agreement_id: UUID | str) -> object:
    from apps.consent.models import DataSharingAgreement

    if not policy.may_set_retention_rules(actor=actor):
        raise Http404("No such agreement")
    try:
        return DataSharingAgreement.objects.filter(parties__agency_id=actor.agency_id).get(
            pk=agreement_id)
    except (DataSharingAgreement.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such agreement") from exc


def agency_retention_rule(*, actor: Actor | None) -> object | None:
    """The acting agency's own (stricter) retention rule for closed cases, if it set one."""
    from apps.records.models import RecordKind, RetentionRule

    if actor is None:
        return None
    return RetentionRule.objects.filter(agency_id=actor.agency_id, kind=RecordKind.CASE).first()


def person_corrections(*, actor: Actor | None) -> QuerySet:
    """Corrections to people's details made by the acting agency, newest first."""
    from apps.records.models import PersonCorrection

    if actor is None:
        return PersonCorrection.objects.none()
    return PersonCorrection.objects.filter(agency_id=actor.agency_id).order_by(
        "-created_at", "-id")
