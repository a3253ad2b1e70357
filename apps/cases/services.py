"""Writes of case data. Each function is one transaction that locks what it changes, checks
the transition and the actor's permission, writes an audit row and re-derives grants."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Agency, Membership
from apps.agencies.selectors import is_active_member
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases import sections as scope_policy
from apps.cases.models import (
    Case,
    CaseNote,
    CasePerson,
    CasePersonRole,
    CaseStatus,
    Involvement,
    InvolvementRole,
    NoteKind,
    NoteVisibility,
)
from apps.cases.permissions import case_permissions_sync, open_action_owners
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.core.text import possessive
from apps.people.models import Person, RelationshipKind
from apps.people.services import person_create, relationship_add


def _next_reference() -> str:
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_case_reference_seq')")
        (number,) = cursor.fetchone()
    return f"{settings.WRAPAROUND['CASE_REFERENCE_PREFIX']}-{number:06d}"


def _system_note(*, actor: Actor, case: Case, text: str) -> CaseNote:
    return CaseNote.objects.create(
        case=case, author=actor.user, agency_id=actor.agency_id, kind=NoteKind.SYSTEM,
        text=text, visibility=NoteVisibility.SHARED,
    )


def _scope(*, role: str, agency: Agency, works_with: str = "") -> dict[str, Any]:
    """The scope an involvement starts with, from the policy table (apps/cases/sections.py).
    An agency flagged as working with the person causing harm always starts on that side."""
    if agency.works_with_person_causing_harm or works_with not in scope_policy.WorksWith.values:
        works_with = (scope_policy.WorksWith.PERSON_CAUSING_HARM
                      if agency.works_with_person_causing_harm else scope_policy.WorksWith.VICTIM)
    return {
        "works_with": works_with,
        "sections": scope_policy.default_sections(role=role, works_with=works_with),
        "scope_reason": "Default scope for the involvement's purpose.",
    }


def _possessive(name: object) -> str:
    return possessive(name)


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())


def case_open(*, actor: Actor, subject: Person, summary: str = "", risk_level: str = "standard",
              restricted: bool = False) -> Case:
    """Open a case; the actor's agency becomes its lead, with the actor as key worker."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            reference=_next_reference(), subject=subject, lead_agency_id=actor.agency_id,
            summary=summary, risk_level=risk_level, restricted=restricted,
            last_activity_at=now, created_by=actor.user,
        )
        CasePerson.objects.create(case=case, person=subject, role=CasePersonRole.SUBJECT)
        Involvement.objects.create(
            case=case, agency_id=actor.agency_id, role=InvolvementRole.LEAD,
            basis="Lead agency: opened the case.", key_worker=actor.user, started_at=now,
            started_by=actor.user,
            **_scope(role=InvolvementRole.LEAD, agency=actor.agency),
        )
        case_permissions_sync(case=case)
        _system_note(actor=actor, case=case, text=f"Case opened by {actor.agency}.")
        access_record(actor=actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="create", basis="lead agency")
        return case


def case_open_for_new_person(*, actor: Actor, person_data: dict[str, Any], summary: str = "",
                             risk_level: str = "standard", restricted: bool = False) -> Case:
    """Record a new person and open a case about them: both or neither."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        person = person_create(actor=actor, data=person_data)
        access_record(actor=actor, object_type="person", object_id=person.pk, action="create")
        return case_open(actor=actor, subject=person, summary=summary, risk_level=risk_level,
                         restricted=restricted)


def _check_link(*, role: str, relationship_kind: str) -> None:
    if role == CasePersonRole.SUBJECT or role not in CasePersonRole.values:
        raise ServiceError("Choose the person's role in the case.", field="role")
    if relationship_kind and relationship_kind not in RelationshipKind.values:
        raise ServiceError("Choose how they are related to the subject.",
                           field="relationship_kind")


def _link_person(*, actor: Actor, case: Case, person: Person, role: str,
                 relationship_kind: str) -> CasePerson:
    """Link ``person`` to the locked, permission-checked ``case``."""
    if CasePerson.objects.filter(case=case, person=person).exists():
        raise ServiceError("This person is already linked to this case.", field="person")
    link = CasePerson.objects.create(case=case, person=person, role=role)
    if relationship_kind:
        relationship_add(person=person, other=case.subject, kind=relationship_kind)
    _system_note(actor=actor, case=case,
                 text=f"Person added to the case: {link.get_role_display().lower()}.")
    _touch(case)
    access_record(actor=actor, object_type="case_person", object_id=link.pk,
                  case_id=case.pk, action="create")
    return link


def case_person_create(*, actor: Actor, case: Case, person_data: dict[str, Any], role: str,
                       relationship_kind: str = "") -> CasePerson:
    """Record a new person and link them to the case with ``role``; optionally record how they
    relate to the case's subject (the new person is the ``relationship_kind`` of the subject)."""
    actor_require_writer(actor=actor)
    _check_link(role=role, relationship_kind=relationship_kind)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_contribute(actor=actor, case=case,
                                  message="Your agency cannot add people to this case.")
        person = person_create(actor=actor, data=person_data)
        access_record(actor=actor, object_type="person", object_id=person.pk, case_id=case.pk,
                      action="create")
        return _link_person(actor=actor, case=case, person=person, role=role,
                            relationship_kind=relationship_kind)


def case_person_add(*, actor: Actor, case: Case, person: Person, role: str,
                    relationship_kind: str = "") -> CasePerson:
    """Link a person already on record to the case (so nobody is recorded twice)."""
    actor_require_writer(actor=actor)
    _check_link(role=role, relationship_kind=relationship_kind)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_contribute(actor=actor, case=case,
                                  message="Your agency cannot add people to this case.")
        return _link_person(actor=actor, case=case, person=person, role=role,
                            relationship_kind=relationship_kind)


def case_update(*, actor: Actor, case: Case, status: str, risk_level: str,
                summary: str) -> Case:
    actor_require_writer(actor=actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_update_case(actor=actor, case=case)
        changes = []
        if status != case.status:
            changes.append(f"status {case.get_status_display()} → {CaseStatus(status).label}")
        if risk_level != case.risk_level:
            changes.append(f"risk level {case.risk_level} → {risk_level}")
        case.status, case.risk_level, case.summary = status, risk_level, summary
        case.last_activity_at = timezone.now()
        case.save(update_fields=["status", "risk_level", "summary", "last_activity_at",
                                 "updated_at"])
        if changes:
            _system_note(actor=actor, case=case, text="Changed " + "; ".join(changes) + ".")
        access_record(actor=actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="update")
        return case


def case_note_add(*, actor: Actor, case: Case, text: str, kind: str = NoteKind.NOTE,
                  visibility: str = NoteVisibility.SHARED) -> CaseNote:
    actor_require_writer(actor=actor)
    text = (text or "").strip()
    if not text:
        raise ServiceError("Enter the note.", field="text")
    if kind == NoteKind.SYSTEM:
        raise ServiceError("Choose what kind of note this is.", field="kind")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_contribute(actor=actor, case=case,
                                  message="Your agency cannot add notes to this case.")
        note = CaseNote.objects.create(case=case, author=actor.user, agency_id=actor.agency_id,
                                       kind=kind, text=text, visibility=visibility)
        _touch(case)
        access_record(actor=actor, object_type="case_note", object_id=note.pk, case_id=case.pk,
                      action="create")
        return note


def involvement_add(*, actor: Actor, case: Case, agency: Agency, basis: str,
                    role: str = InvolvementRole.PARTNER, key_worker=None,
                    sharing_basis: dict[str, Any] | None = None,
                    override_reason: str = "", works_with: str = "") -> Involvement:
    """A manager of the lead agency involves another agency, which gains access at once.

    The share goes through the enforcement check (an active DSA between the agencies and a
    valid basis; ``sharing_basis`` holds structured basis fields, see ``sharing_basis_create``),
    unless an emergency ``override_reason`` is given. ``works_with`` (victim | family |
    person_causing_harm) picks the row of the scope policy table."""
    actor_require_writer(actor=actor)
    from apps.consent.services import sharing_basis_create, sharing_check

    basis = (basis or "").strip()
    if not basis and sharing_basis:
        basis = "Structured basis recorded."
    if not basis:
        raise ServiceError("Enter the basis for involving this agency.", field="basis")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_manage(
            actor=actor, case=case,
            message="Only a manager of the lead agency can involve other agencies.")
        if not agency.active:
            raise ServiceError(f"{agency} is not active.", field="agency")
        if case.involvements.active().filter(agency=agency).exists():
            raise ServiceError(f"{agency} is already involved in this case.", field="agency")
        if key_worker is not None and not is_active_member(user_id=key_worker.pk,
                                                           agency_id=agency.pk):
            raise ServiceError("The key worker must be a member of that agency.",
                               field="key_worker")
        recorded = sharing_basis_create(actor=actor, **sharing_basis) if sharing_basis else None
        sharing_check(actor=actor, from_agency=actor.agency, to_agency=agency,
                      sharing_basis=recorded, person=case.subject, case=case,
                      override_reason=override_reason, require_basis=False)
        involvement = Involvement.objects.create(
            case=case, agency=agency, role=role, basis=basis, key_worker=key_worker,
            started_at=timezone.now(), started_by=actor.user, sharing_basis=recorded,
            **_scope(role=role, agency=agency, works_with=works_with),
        )
        case_permissions_sync(case=case)
        role_label = involvement.get_role_display().lower()
        _system_note(actor=actor, case=case, text=f"{agency} involved as {role_label}.")
        _touch(case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="create", basis=basis)
        return involvement


def involvement_end(*, actor: Actor, involvement: Involvement, reason: str) -> Involvement:
    """End an agency's involvement; its access to the case goes in the same transaction."""
    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the involvement is ending.", field="reason")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=involvement.case_id)
        involvement = Involvement.objects.select_for_update().select_related("agency").get(
            pk=involvement.pk)
        policy.require_manage(actor=actor, case=case,
                              message="Only a manager of the lead agency can end involvements.")
        if involvement.ended_at is not None:
            raise TransitionNotAllowed("This involvement has already ended.")
        if involvement.role == InvolvementRole.LEAD:
            raise TransitionNotAllowed("The lead agency's involvement cannot be ended here.")
        involvement.ended_at = timezone.now()
        involvement.ended_by = actor.user
        involvement.end_reason = reason
        involvement.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
        case_permissions_sync(case=case)
        _system_note(actor=actor, case=case,
                     text=f"{_possessive(involvement.agency)} involvement ended.")
        _touch(case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="end")
        return involvement


def involvement_set_key_worker(*, actor: Actor, involvement: Involvement, user) -> Involvement:
    """The involved agency names its key worker (a manager of that agency)."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        involvement = Involvement.objects.select_for_update().get(pk=involvement.pk)
        policy.require_set_key_worker(actor=actor, involvement=involvement)
        if involvement.ended_at is not None:
            raise TransitionNotAllowed("This involvement has ended.")
        if user is not None and not is_active_member(user_id=user.pk,
                                                     agency_id=involvement.agency_id):
            raise ServiceError("The key worker must be a member of your agency.",
                               field="key_worker")
        if user is not None:
            key_worker_check(involvement=involvement, user=user)
        involvement.key_worker = user
        involvement.save(update_fields=["key_worker", "updated_at"])
        case_permissions_sync(case=involvement.case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=involvement.case_id, action="set_key_worker")
        return involvement


def key_worker_check(*, involvement: Involvement, user) -> None:
    """Refuse a key worker who is not an active member of the involvement's agency, or a case
    that agency may no longer see (assignment never gives access: issue 13)."""
    if not is_active_member(user_id=user.pk, agency_id=involvement.agency_id):
        raise ServiceError(f"{user.get_username()} is not a member of {involvement.agency}.",
                           field="user")
    if not policy.involvement_is_live(involvement=involvement, now=timezone.now()):
        raise ServiceError(f"{involvement.agency} can no longer see case "
                           f"{involvement.case.reference}, so it cannot be assigned.",
                           field="user")


def key_worker_set_on_accept(*, involvement: Involvement, user) -> Involvement:
    """The key worker named when the agency accepted a referral (internal: the referral
    service has checked the acceptor and that ``user`` is a member of the agency)."""
    key_worker_check(involvement=involvement, user=user)
    involvement.key_worker = user
    involvement.save(update_fields=["key_worker", "updated_at"])
    if involvement.case.restricted:
        case_permissions_sync(case=involvement.case)
    return involvement


def case_assign(*, actor: Actor, case: Case, user) -> Involvement:
    """Make ``user`` the key worker of the acting agency's involvement in the case: a manager
    assigns anyone of the agency; anyone who may contribute picks it up for themselves."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        involvement = (Involvement.objects.select_for_update(of=("self",))
                       .select_related("case", "agency")
                       .filter(case_id=case.pk, agency_id=actor.agency_id,
                               ended_at__isnull=True).first())
        if involvement is None:
            raise ServiceError("Your agency is not involved in this case.", field="user")
        if user.pk == actor.user.pk:
            if not (policy.may_pick_up_case(actor=actor, case=involvement.case)
                    or policy.may_assign_work(actor=actor, agency_id=involvement.agency_id)):
                raise NotPermitted("You cannot pick up this case.")
        else:
            policy.require_assign_work(actor=actor, agency_id=involvement.agency_id)
        key_worker_check(involvement=involvement, user=user)
        was = involvement.key_worker_id
        involvement.key_worker = user
        involvement.save(update_fields=["key_worker", "updated_at"])
        case_permissions_sync(case=involvement.case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=involvement.case_id,
                      action="pick_up" if user.pk == actor.user.pk else "assign",
                      basis=f"key worker: {was or '-'} to {user.pk}")
        return involvement


def involvement_start_from_referral(*, referral_actor: Actor, case: Case, agency: Agency,
                                   basis: str, sharing_basis=None) -> Involvement:
    """A receiving agency accepts a referral: it becomes a partner on the case (internal; the
    referral service has already checked that ``referral_actor`` may decide the referral)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        existing = case.involvements.active().filter(agency=agency).first()
        if existing is not None:
            return existing
        involvement = Involvement.objects.create(
            case=case, agency=agency, role=InvolvementRole.PARTNER, basis=basis,
            started_at=timezone.now(), started_by=referral_actor.user,
            sharing_basis=sharing_basis, **_scope(role=InvolvementRole.PARTNER, agency=agency),
        )
        case_permissions_sync(case=case)
        _system_note(actor=referral_actor, case=case,
                     text=f"{agency} involved as partner after accepting a referral.")
        _touch(case)
        access_record(actor=referral_actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="create", basis=basis)
        return involvement


def involvement_start_marac(*, actor: Actor, case: Case, agency: Agency, basis: str,
                            sharing_basis=None, coordinating: bool = False) -> Involvement:
    """An agency joins a case on the MARAC basis (internal; the MARAC service has already
    checked that ``actor`` may list or refer the case), with the MARAC scope of the policy
    table (the coordinating agency: the coordination scope) and the referral's structured
    ``sharing_basis``. An agency already involved keeps its existing involvement."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        existing = case.involvements.active().filter(agency=agency).first()
        if existing is not None:
            if existing.role == InvolvementRole.MARAC and existing.ends_at is not None:
                # Listed again: the access runs until after the new meeting.
                existing.ends_at = None
                if set(existing.sections) == scope_policy.MARAC_ACTIONS_ONLY:
                    existing.sections = _scope(role=InvolvementRole.MARAC,
                                               agency=agency)["sections"]
                existing.save(update_fields=["ends_at", "sections", "updated_at"])
                case_permissions_sync(case=case)
            return existing
        scope = _scope(role=InvolvementRole.MARAC, agency=agency)
        if coordinating:
            scope["sections"] = scope_policy.ordered(scope_policy.effective(
                sections=scope_policy.MARAC_COORDINATION, works_with=scope["works_with"]))
            scope["scope_reason"] = "MARAC coordination: tracks every action agreed."
        involvement = Involvement.objects.create(
            case=case, agency=agency, role=InvolvementRole.MARAC, basis=basis,
            started_at=timezone.now(), started_by=actor.user, sharing_basis=sharing_basis,
            **scope,
        )
        case_permissions_sync(case=case)
        _system_note(actor=actor, case=case, text=f"{agency} involved on the MARAC basis.")
        _touch(case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="create", basis=basis)
        return involvement


def involvement_scope_change(*, actor: Actor, involvement: Involvement, sections: list[str],
                             reason: str) -> Involvement:
    """A manager of the lead agency widens or narrows what an involvement may see, with a
    reason, inside what its purpose allows (never the victim's contact and location for an
    agency working with the person causing harm). Grants follow in the same transaction."""
    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    wanted = set(sections or ())
    if not reason:
        raise ServiceError("Enter why the scope is changing.", field="reason")
    if not wanted <= set(scope_policy.Section.values):
        raise ServiceError("Choose sections from the list.", field="sections")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=involvement.case_id)
        involvement = Involvement.objects.select_for_update().select_related("agency").get(
            pk=involvement.pk)
        policy.require_manage(actor=actor, case=case, message="Only a manager of the lead "
                              "agency can change what an agency sees.")
        if involvement.ended_at is not None:
            raise TransitionNotAllowed("This involvement has ended.")
        if involvement.role == InvolvementRole.LEAD:
            raise TransitionNotAllowed("The lead agency always sees the whole case.")
        if scope_policy.Section.PLAN in wanted:
            wanted.discard(scope_policy.Section.PLAN_OWN)
        if scope_policy.Section.IDENTITY not in wanted:
            raise ServiceError("Identity is always shared with an involved agency.",
                               field="sections")
        if not scope_policy.allowed(role=involvement.role, works_with=involvement.works_with,
                                    sections=wanted):
            raise ServiceError(
                f"{involvement.agency} works with the person causing harm: it can never see "
                "the victim's contact and location." if involvement.works_with
                == scope_policy.WorksWith.PERSON_CAUSING_HARM
                else "Those sections are more than this involvement's purpose allows.",
                field="sections")
        before = set(involvement.sections)
        if wanted == before:
            raise ServiceError("Choose a different set of sections.", field="sections")
        involvement.sections = scope_policy.ordered(wanted)
        involvement.scope_reason = reason
        involvement.scope_changed_by, involvement.scope_changed_at = actor.user, timezone.now()
        involvement.save(update_fields=["sections", "scope_reason", "scope_changed_by",
                                        "scope_changed_at", "updated_at"])
        case_permissions_sync(case=case)
        changes = []
        if wanted - before:
            changes.append("now sees " + ", ".join(scope_policy.labels(wanted - before)).lower())
        if before - wanted:
            changes.append("no longer sees "
                           + ", ".join(scope_policy.labels(before - wanted)).lower())
        _system_note(actor=actor, case=case,
                     text=f"{_possessive(involvement.agency)} access changed: "
                          f"{'; '.join(changes)}. "
                          f"Reason: {reason}")
        _touch(case)
        access_record(actor=actor, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action="scope_change",
                      basis=", ".join(involvement.sections))
        return involvement


def involvement_expire(*, involvement_id: Any, now=None) -> Involvement | None:
    """The sweep (``cases.tasks.involvements_expire``): a timed involvement (MARAC) past its
    ``ends_at`` ends by itself, with its grants revoked in the same transaction, a chronology
    note and an audit row. While its agency still owns open actions on the case it narrows to
    identity and those actions instead, and ends at a later sweep once they are closed.
    Returns the involvement when it changed, else None."""
    now = now or timezone.now()
    with transaction.atomic():
        involvement = Involvement.objects.select_for_update().select_related(
            "agency", "case").filter(pk=involvement_id).first()
        if (involvement is None or involvement.ended_at is not None
                or involvement.ends_at is None or involvement.ends_at > now):
            return None
        case = Case.objects.select_for_update().get(pk=involvement.case_id)
        if involvement.agency_id in open_action_owners(case=case):
            narrowed = scope_policy.ordered(scope_policy.MARAC_ACTIONS_ONLY)
            if involvement.sections == narrowed:
                return None
            involvement.sections = narrowed
            involvement.scope_reason = ("MARAC access ended; kept for the agency's open "
                                        "actions until they are closed.")
            involvement.scope_changed_at = now
            involvement.save(update_fields=["sections", "scope_reason", "scope_changed_at",
                                            "updated_at"])
            text = (f"{_possessive(involvement.agency)} MARAC access ended, except for its "
                    "open actions on this case.")
            action = "scope_narrow"
        else:
            involvement.ended_at = now
            involvement.ended_by = None
            involvement.end_reason = "MARAC access ended by itself after the meeting."
            involvement.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
            text = f"{_possessive(involvement.agency)} MARAC access ended."
            action = "expire"
        case_permissions_sync(case=case)
        # Recorded by Wraparound: the note is filed under the person who started the
        # involvement (the MARAC coordinator who listed the case) and their agency.
        agency_id = Membership.objects.active().filter(
            user_id=involvement.started_by_id).values_list("agency_id", flat=True).first()
        CaseNote.objects.create(
            case=case, author_id=involvement.started_by_id, kind=NoteKind.SYSTEM, text=text,
            agency_id=agency_id or case.lead_agency_id, visibility=NoteVisibility.SHARED)
        _touch(case)
        access_record(actor=None, object_type="involvement", object_id=involvement.pk,
                      case_id=case.pk, action=action, basis="MARAC access period")
        return involvement


def involvements_due_to_expire(*, now=None) -> list:
    """Ids of active timed involvements past their end (the sweep's work list)."""
    return list(Involvement.objects.active().filter(
        ends_at__isnull=False, ends_at__lte=now or timezone.now()).values_list("pk", flat=True))
