from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.agencies.actor import Actor, actor_require_writer
from apps.people.models import Person, Relationship

PERSON_FIELDS = (
    "given_name", "family_name", "other_names", "date_of_birth", "gender", "ethnicity",
    "disability", "ethnic_group", "disabled", "sexual_orientation",
    "address_line_1", "address_line_2", "town", "postcode", "address_restricted",
    "phone", "email", "may_phone", "may_text", "may_write", "may_leave_voicemail", "safe_times",
    "safe_word", "communication_needs",
)


def person_create(*, actor: Actor, data: dict[str, Any]) -> Person:
    actor_require_writer(actor=actor)
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        person = Person(created_by_agency_id=actor.agency_id, **data)
        person.full_clean()
        person.save()
        return person


def relationship_add(*, person: Person, other: Person, kind: str, notes: str = "") -> Relationship:
    with transaction.atomic():
        relationship, _ = Relationship.objects.get_or_create(
            person=person, other=other, kind=kind, defaults={"notes": notes}
        )
        return relationship
