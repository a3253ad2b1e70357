"""One person, two records: link them as the same person (and undo it), or merge them.

Both are for a manager of an agency answerable for both records (``policy.may_link_people``).
A **link** keeps both records and points each to the other; undoing it keeps the history.
A **merge** moves everything recorded against the merged record (the cases it is the subject
of, its places on cases, relationships, consents, subject access and rights requests,
corrections) to the surviving record, fills the survivor's blank details from it, and keeps
the merged record as a tombstone pointing to the survivor (``Person.merged_into``). A merge is
refused, with nothing changed, when one record has a restricted address and the other does
not, or when both have a date of birth and they differ without a reason. Every change is
audited and noted in the chronology of each affected case.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.models import Case, CaseNote, CasePerson, NoteKind, NoteVisibility
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.people.models import Person, PersonLink, PersonMerge, Relationship
from apps.people.selectors import person_responsible_agency_ids

# Details copied to the survivor when its own are blank.
FILLABLE = ("other_names", "date_of_birth", "ethnicity", "disability", "address_line_1",
            "address_line_2", "town", "postcode", "phone", "email", "safe_times", "safe_word",
            "communication_needs")
# Relations to Person that a merge does not move (the merge's own records and history).
NOT_MOVED = {PersonLink, PersonMerge, Person}


def _lock_two(first: Person, second: Person) -> tuple[Person, Person]:
    if first.pk == second.pk:
        raise ServiceError("Choose a different record: these are the same record.",
                           field="other")
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(
        pk__in=[first.pk, second.pk]).order_by("pk")}
    first, second = locked[first.pk], locked[second.pk]
    if first.merged_into_id or second.merged_into_id:
        raise TransitionNotAllowed("A merged record can no longer be linked or merged.")
    return first, second


def _require(actor: Actor, people: list[Person]) -> None:
    policy.require_link_people(actor=actor,
                               responsible=person_responsible_agency_ids(people=people))


def _case_ids(people: list[Person]) -> list:
    return list(Case.objects.filter(
        Q(subject__in=people) | Q(case_people__person__in=people)).values_list(
        "pk", flat=True).distinct())


def _note(*, actor: Actor, case_ids: list, text: str, action: str) -> None:
    CaseNote.objects.bulk_create([
        CaseNote(case_id=case_id, author=actor.user, agency_id=actor.agency_id,
                 kind=NoteKind.SYSTEM, text=text, visibility=NoteVisibility.SHARED)
        for case_id in case_ids])
    for case_id in case_ids:
        access_record(actor=actor, object_type="case", object_id=case_id, case_id=case_id,
                      action=action)


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Explain why these records are the same person.", field=field)
    return reason


def person_link(*, actor: Actor, person: Person, other: Person, reason: str) -> PersonLink:
    """Record that two records are the same person, keeping both."""
    actor_require_writer(actor=actor)
    reason = _reason(reason)
    with transaction.atomic():
        person, other = _lock_two(person, other)
        _require(actor, [person, other])
        if PersonLink.objects.filter(
                Q(person=person, other=other) | Q(person=other, other=person),
                unlinked_at__isnull=True).exists():
            raise TransitionNotAllowed("These records are already linked.")
        link = PersonLink.objects.create(person=person, other=other, reason=reason,
                                         linked_by=actor.user,
                                         linked_by_agency_id=actor.agency_id)
        for subject in (person, other):
            access_record(actor=actor, object_type="person", object_id=subject.pk,
                          action="link")
        _note(actor=actor, case_ids=_case_ids([person, other]),
              text=f"Person records linked as the same person by {actor.agency}: "
                   f"{person.full_name} and {other.full_name}. Reason: {reason}",
              action="person_link")
        return link


def person_unlink(*, actor: Actor, link: PersonLink) -> PersonLink:
    """Undo a link: both records stay; the link is kept as undone."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        link = PersonLink.objects.select_for_update().select_related(
            "person", "other").get(pk=link.pk)
        _require(actor, [link.person, link.other])
        if link.unlinked_at is not None:
            raise TransitionNotAllowed("This link has already been undone.")
        link.unlinked_at, link.unlinked_by = timezone.now(), actor.user
        link.save(update_fields=["unlinked_at", "unlinked_by", "updated_at"])
        for subject in (link.person, link.other):
            access_record(actor=actor, object_type="person", object_id=subject.pk,
                          action="unlink")
        _note(actor=actor, case_ids=_case_ids([link.person, link.other]),
              text=f"Link between the person records of {link.person.full_name} and "
                   f"{link.other.full_name} undone by {actor.agency}.", action="person_unlink")
        return link


def merge_problems(*, survivor: Person, merged: Person, date_of_birth_reason: str = ""
                   ) -> list[tuple[str, str]]:
    """The rules that block a merge, as (field, message): empty when it is safe."""
    problems = []
    if survivor.address_restricted != merged.address_restricted:
        problems.append(("other", "One record has a restricted address and the other does "
                                  "not. Check with the lead agency before merging."))
    if (survivor.date_of_birth and merged.date_of_birth
            and survivor.date_of_birth != merged.date_of_birth
            and not (date_of_birth_reason or "").strip()):
        problems.append(("date_of_birth_reason",
                         "The dates of birth differ: explain which is right and why."))
    return problems


def _move(*, survivor: Person, merged: Person) -> dict[str, int]:
    """Point everything recorded against ``merged`` at ``survivor``; counts per kind."""
    moved: dict[str, int] = {}
    on_case = set(CasePerson.objects.filter(person=survivor).values_list("case_id", flat=True))
    doubles = CasePerson.objects.filter(person=merged, case_id__in=on_case)
    moved["case_places_already_held"] = doubles.count()
    doubles.delete()
    held = set(Relationship.objects.filter(person=survivor).values_list("other_id", "kind"))
    held |= {(p, k) for k, p in Relationship.objects.filter(other=survivor).values_list(
        "kind", "person_id")}
    for rel in Relationship.objects.filter(Q(person=merged) | Q(other=merged)):
        other_id = rel.other_id if rel.person_id == merged.pk else rel.person_id
        if other_id == survivor.pk or (other_id, rel.kind) in held:
            rel.delete()  # about each other, or the survivor already has it
            moved["relationships_already_held"] = moved.get("relationships_already_held",
                                                            0) + 1
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model in NOT_MOVED or model.__module__.endswith("pghistory.models") or (
                model.__name__.endswith("Event")):
            continue
        name = relation.field.name
        count = model._default_manager.filter(**{name: merged}).update(**{name: survivor})
        if count:
            key = f"{model._meta.verbose_name_plural}.{name}".replace(" ", "_")
            moved[key] = moved.get(key, 0) + count
    return moved


def person_merge(*, actor: Actor, survivor: Person, merged: Person, reason: str,
                 date_of_birth_reason: str = "") -> PersonMerge:
    """Merge ``merged`` into ``survivor`` (see the module docstring). Nothing changes when
    a rule refuses it (``ServiceError`` naming the field)."""
    actor_require_writer(actor=actor)
    reason = _reason(reason)
    with transaction.atomic():
        survivor, merged = _lock_two(survivor, merged)
        _require(actor, [survivor, merged])
        problems = merge_problems(survivor=survivor, merged=merged,
                                  date_of_birth_reason=date_of_birth_reason)
        if problems:
            field, message = problems[0]
            raise ServiceError(message, field=field)
        case_ids = _case_ids([survivor, merged])
        moved = _move(survivor=survivor, merged=merged)
        filled = [name for name in FILLABLE
                  if not getattr(survivor, name) and getattr(merged, name)]
        for name in filled:
            setattr(survivor, name, getattr(merged, name))
        if filled:
            survivor.save()
        moved["details_filled"] = len(filled)
        merged.merged_into, merged.merged_at = survivor, timezone.now()
        merged.save(update_fields=["merged_into", "merged_at", "updated_at"])
        PersonLink.objects.filter(Q(person=merged) | Q(other=merged),
                                  unlinked_at__isnull=True).update(
            unlinked_at=timezone.now(), unlinked_by=actor.user)
        record = PersonMerge.objects.create(
            survivor=survivor, merged=merged, reason=reason,
            date_of_birth_reason=(date_of_birth_reason or "").strip(), moved=moved,
            merged_by=actor.user, merged_by_agency_id=actor.agency_id)
        for subject, action in ((survivor, "merge_into"), (merged, "merge")):
            access_record(actor=actor, object_type="person", object_id=subject.pk,
                          action=action)
        _note(actor=actor, case_ids=case_ids,
              text=f"Person records merged by {actor.agency}: the record of "
                   f"{merged.full_name} was merged into {survivor.full_name}'s. "
                   f"Reason: {reason}", action="person_merge")
        return record
