from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from apps.agencies.actor import Actor
from apps.cases.models import CasePerson, CasePersonRole, InvolvementRole
from apps.cases.sections import SECTION_CODENAMES, Section
from apps.cases.selectors import case_list, case_list_granted
from apps.core.pagination import keyset_page
from apps.people.matching import MATCH_THRESHOLD, name_key, near_dates, postcode_key, score
from apps.people.models import Person


def person_list(*, actor: Actor | None) -> QuerySet[Person]:
    """People the actor may see: those their agency recorded, the subject of every case they
    may see (its identity section), and the other people on cases whose scope includes the
    people section."""
    if actor is None or not actor.membership.is_active:
        return Person.objects.none()
    as_subject = CasePerson.objects.filter(
        person=OuterRef("pk"), role=CasePersonRole.SUBJECT, case__in=case_list(actor=actor))
    with_people = CasePerson.objects.filter(
        person=OuterRef("pk"),
        case__in=case_list_granted(actor=actor, codename=SECTION_CODENAMES[Section.PEOPLE]))
    return Person.objects.filter(
        Q(created_by_agency_id=actor.agency_id) | Exists(as_subject) | Exists(with_people),
        merged_into__isnull=True)


# Contact and address visibility: the one rule, for the UI, the API, printouts and exports.
# ``contact_visibility`` is the set-wise form (annotations, no query per row);
# ``person_contact_visible`` / ``person_address_visible`` ask the same annotation for one person.


def contact_visibility(*, actor: Actor, person: str = "") -> dict[str, Q]:
    """Annotations ``contact_shown`` and ``address_shown`` for a queryset whose rows are people
    (``person=""``) or point at one (``person="person"``, e.g. CasePerson).

    Contact details (address, phone, email, safe-contact arrangements) show only to the agency
    that recorded the person, or when the actor's scope has the contact section on a case about
    them. A restricted address shows, on top of that, only to the agency that recorded the
    person or the lead agency of an open involvement in a case about them (the named people)."""
    prefix = f"{person}__" if person else ""
    recorded = Q(**{f"{prefix}created_by_agency_id": actor.agency_id})
    contact_case = CasePerson.objects.filter(
        person=OuterRef(person or "pk"),
        case__in=case_list_granted(actor=actor, codename=SECTION_CODENAMES[Section.CONTACT]))
    contact = recorded | Exists(contact_case)
    return {"contact_shown": contact,
            "address_shown": contact & _address_named(actor=actor, person=person)}


def contact_visibility_on_case(*, actor: Actor) -> dict[str, Q | Value]:
    """``contact_visibility`` for the people of one case whose contact section the actor holds
    (the case page): their contact shows by that grant, so only the restricted-address part of
    the rule is left to ask (cheaper: no second walk of the actor's cases)."""
    return {"contact_shown": Value(True),
            "address_shown": _address_named(actor=actor, person="person")}


def _address_named(*, actor: Actor, person: str) -> Q:
    """An unrestricted address, or the named people of a restricted one: the agency that
    recorded the person, or the lead agency of an open involvement in a case about them."""
    prefix = f"{person}__" if person else ""
    leads_a_case = CasePerson.objects.filter(
        person=OuterRef(person or "pk"), case__involvements__agency_id=actor.agency_id,
        case__involvements__role=InvolvementRole.LEAD,
        case__involvements__ended_at__isnull=True,
    )
    return (Q(**{f"{prefix}address_restricted": False})
            | Q(**{f"{prefix}created_by_agency_id": actor.agency_id}) | Exists(leads_a_case))


def with_contact_visibility(people: QuerySet, *, actor: Actor, person: str = "") -> QuerySet:
    return people.annotate(**contact_visibility(actor=actor, person=person))


def _visibility(*, actor: Actor, person: Person) -> tuple[bool, bool]:
    if hasattr(person, "contact_shown") and hasattr(person, "address_shown"):
        return bool(person.contact_shown), bool(person.address_shown)
    row = with_contact_visibility(Person.objects.filter(pk=person.pk), actor=actor).values_list(
        "contact_shown", "address_shown").first()
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def person_contact_visible(*, actor: Actor, person: Person) -> bool:
    return _visibility(actor=actor, person=person)[0]


def person_address_visible(*, actor: Actor, person: Person) -> bool:
    """Whether the actor sees ``person``'s address: ``contact_visibility`` for one person."""
    return _visibility(actor=actor, person=person)[1]


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


def person_matches(*, actor: Actor, given_name: str, family_name: str,
                   date_of_birth: date | None, postcode: str = "",
                   limit: int = 10) -> list[Person]:
    """Likely matches among the people the actor may see (never anyone else), best first:
    sound-alike names, a date of birth within tolerance, the postcode (apps/people/matching.py
    says how). Each has ``match`` (score and reasons). One query."""
    given_key, family_key = name_key(given_name), name_key(family_name)
    pc = postcode_key(postcode)
    either_name = Q()
    if given_key:
        either_name |= Q(given_name_key=given_key)
    if family_key:
        either_name |= Q(family_name_key=family_key)
    if not either_name:
        return []
    wanted = Q(given_name_key=given_key, family_name_key=family_key)
    if date_of_birth:
        close = {date_of_birth, *near_dates(date_of_birth)}
        wanted |= either_name & Q(date_of_birth__in=close)
        if pc:
            wanted |= either_name & Q(postcode_key=pc) & (
                Q(date_of_birth__isnull=True) | Q(date_of_birth__in=close))
    elif pc:
        wanted |= either_name & Q(postcode_key=pc)
    candidates = person_list(actor=actor).filter(wanted).order_by(
        "family_name", "given_name", "pk")[:100]
    found = []
    for person in candidates:
        person.match = score(given_key=given_key, family_key=family_key,
                             date_of_birth=date_of_birth, postcode=postcode, candidate=person)
        if person.match.score >= MATCH_THRESHOLD:
            found.append(person)
    found.sort(key=lambda person: -person.match.score)
    return found[:limit]


def person_survivor(*, actor: Actor | None, person_id: UUID | str) -> Person | None:
    """For the id of a merged record: the record it was merged into (following later merges),
    when the actor may see it; else None."""
    try:
        target = Person.objects.filter(pk=person_id).values_list("merged_into_id",
                                                                 flat=True).first()
    except (ValueError, TypeError):
        return None
    for _ in range(10):  # a record merged into one that was merged in turn
        if target is None:
            return None
        following = Person.objects.filter(pk=target).values_list("merged_into_id",
                                                                 flat=True).first()
        if following is None:
            return person_list(actor=actor).filter(pk=target).first()
        target = following
    return None


def person_find_duplicates(*, actor: Actor, given_name: str, family_name: str,
                           date_of_birth: date | None, postcode: str = "") -> list[Person]:
    """The likely matches offered before a person is created (``person_matches``)."""
    return person_matches(actor=actor, given_name=given_name, family_name=family_name,
                          date_of_birth=date_of_birth, postcode=postcode)


def person_responsible_agency_ids(*, people: list[Person]) -> list[set]:
    """For each person, the agencies answerable for the record: the agency that recorded it
    and the lead agencies of the open cases about them (one query for all)."""
    leads = (CasePerson.objects.filter(
        person__in=people, case__involvements__role=InvolvementRole.LEAD,
        case__involvements__ended_at__isnull=True)
        .values_list("person_id", "case__involvements__agency_id"))
    found = {person.pk: {person.created_by_agency_id} for person in people}
    for person_id, agency_id in leads:
        found[person_id].add(agency_id)
    return [found[person.pk] for person in people]


def person_links(*, actor: Actor, person: Person) -> list:
    """The live "same person" links of this record to records the actor may see."""
    from apps.people.models import PersonLink

    visible = person_list(actor=actor)
    return list(PersonLink.objects.filter(
        Q(person=person, other__in=visible) | Q(other=person, person__in=visible),
        unlinked_at__isnull=True).select_related("person", "other", "linked_by_agency")
        .order_by("created_at"))


def person_link_list(*, actor: Actor | None) -> QuerySet:
    """Links (live or undone) whose both records the actor may see."""
    from apps.people.models import PersonLink

    visible = person_list(actor=actor)
    return PersonLink.objects.filter(person__in=visible, other__in=visible)


def person_link_get(*, actor: Actor, link_id: UUID | str):
    """A live or undone link whose both records the actor may see (404 otherwise)."""
    from apps.people.models import PersonLink

    try:
        return person_link_list(actor=actor).select_related("person", "other").get(pk=link_id)
    except (PersonLink.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such link") from exc


def person_merge_list(*, actor: Actor | None) -> QuerySet:
    """Merges into records the actor may see."""
    from apps.people.models import PersonMerge

    return PersonMerge.objects.filter(survivor__in=person_list(actor=actor))


def person_merged_from(*, person: Person) -> list:
    """The merges into this record (the tombstones it absorbed), newest first."""
    from apps.people.models import PersonMerge

    return list(PersonMerge.objects.filter(survivor=person).select_related(
        "merged", "merged_by_agency").order_by("-created_at"))


def person_cases(*, actor: Actor, person: Person) -> list:
    """The visible cases this person is linked to."""
    return list(
        case_list(actor=actor).filter(case_people__person=person)
        .select_related("lead_agency").order_by("-last_activity_at")[:50]
    )
