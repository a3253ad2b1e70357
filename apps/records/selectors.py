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
