from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.cases.models import CasePerson, InvolvementRole
from apps.cases.selectors import case_list
from apps.core.pagination import keyset_page
from apps.people.models import Person


def person_list(*, actor: Actor | None) -> QuerySet[Person]:
    """People on a case the actor may see, and those their agency recorded."""
    if actor is None or not actor.membership.is_active:
        return Person.objects.none()
    on_visible_case = CasePerson.objects.filter(
        person=OuterRef("pk"), case__in=case_list(actor=actor)
    )
    return Person.objects.filter(Q(created_by_agency_id=actor.agency_id) | Exists(on_visible_case))


@dataclass(frozen=True)
class PersonPage:
    items: list[Person]
    next_after: str | None  # an opaque id cursor


def person_page(*, actor: Actor | None, query: str = "", after: str | None = None,
                page_size: int = 50) -> PersonPage:
    """Visible people in name order, optionally matching a name search, by keyset pagination.

    The cursor carries the last row's id only (never a name, so no personal data reaches a
    URL); ``InvalidCursor`` (400) when it is not one this list handed out."""
    people = person_list(actor=actor)
    for term in query.split()[:3]:
        people = people.filter(Q(given_name__istartswith=term) | Q(family_name__istartswith=term)
                               | Q(other_names__icontains=term))
    page = keyset_page(people, ordering=("family_name", "given_name", "pk"), cursor=after,
                       page_size=page_size, cursor_by="pk")
    return PersonPage(items=page.items, next_after=page.next_cursor)


def person_get(*, actor: Actor | None, person_id: UUID | str) -> Person:
    try:
        return person_list(actor=actor).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such person") from exc


def person_find_duplicates(*, actor: Actor, given_name: str, family_name: str,
                           date_of_birth: date | None) -> list[Person]:
    """Possible matches among the people the actor can see: same names and date of birth."""
    matches = person_list(actor=actor).filter(
        given_name__iexact=given_name.strip(), family_name__iexact=family_name.strip()
    )
    if date_of_birth:
        matches = matches.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
    return list(matches.order_by("family_name", "given_name")[:10])


def person_address_visible(*, actor: Actor, person: Person) -> bool:
    """A restricted address shows only to an agency that leads a case about the person
    (or recorded the person)."""
    if not person.address_restricted or person.created_by_agency_id == actor.agency_id:
        return True
    return CasePerson.objects.filter(
        person=person, case__involvements__agency_id=actor.agency_id,
        case__involvements__role=InvolvementRole.LEAD, case__involvements__ended_at__isnull=True,
    ).exists()


def person_cases(*, actor: Actor, person: Person) -> list:
    """The visible cases this person is linked to."""
    return list(
        case_list(actor=actor).filter(case_people__person=person)
        .select_related("lead_agency").order_by("-last_activity_at")[:50]
    )
