"""Object permissions on cases, derived only from domain facts.

``expected_grants`` says which guardian rows a case should have given its active involvements
(their level: view/contribute/manage, and their scope: the section codenames of
``apps.cases.sections``);
``case_permissions_sync`` makes the rows match, inside the caller's transaction. Services call
it after every change to an involvement, a key worker, a manager role or the restricted flag;
the ``permissions_check`` command calls it for every case to report (and repair) drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.agencies.models import Membership, Role
from apps.cases.emergency import live_emergency_accesses
from apps.cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Involvement,
    InvolvementRole,
)
from apps.cases.sections import EMERGENCY, SECTION_CODENAMES, WorksWith, effective

VIEW = "view_case"
CONTRIBUTE = "contribute_case"
MANAGE = "manage_case"

LEVELS: dict[str, frozenset[str]] = {
    InvolvementRole.LEAD: frozenset({VIEW, CONTRIBUTE, MANAGE}),
    InvolvementRole.PARTNER: frozenset({VIEW, CONTRIBUTE}),
    InvolvementRole.MARAC: frozenset({VIEW, CONTRIBUTE}),
}


@dataclass
class Drift:
    added: list[tuple[str, object, str]] = field(default_factory=list)
    removed: list[tuple[str, object, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def case_permission_ids() -> dict[str, int]:
    return dict(
        Permission.objects.filter(content_type__app_label="cases", content_type__model="case",
                                  codename__in=[VIEW, CONTRIBUTE, MANAGE,
                                                *SECTION_CODENAMES.values()])
        .values_list("codename", "id")
    )


def open_action_owners(*, case: Case) -> set:
    """The agencies that own open actions on the case (one query)."""
    from apps.action_plans.models import Action, ActionStatus

    return set(Action.objects.filter(plan__case=case, status=ActionStatus.OPEN)
               .values_list("owner_agency_id", flat=True))


def involvement_codenames(involvement: Involvement, *, now=None,
                          action_owners: set | None = None) -> frozenset[str]:
    """Every codename one active involvement grants: its level and its scope's sections.

    A timed involvement (MARAC) past ``ends_at`` grants nothing, unless its agency still owns
    open actions on the case: then only identity and its own actions."""
    now = now or timezone.now()
    expired = involvement.ends_at is not None and involvement.ends_at <= now
    if expired and involvement.agency_id not in (action_owners or set()):
        return frozenset()
    sections = effective(sections=involvement.sections, works_with=involvement.works_with,
                         actions_only=expired)
    return LEVELS[involvement.role] | {SECTION_CODENAMES[s] for s in sections}


def expected_grants(*, case: Case) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(group grants, user grants) as (group or user id, codename) pairs.

    An open, unrestricted case is granted to each involved agency's group. A restricted case
    is granted only to named people: each involvement's key worker and the involved agency's
    managers. A live emergency access grants view (and the emergency sections) to its user.
    Each involvement grants its level and the sections of its scope (``involvement_codenames``).
    """
    involvements = list(case.involvements.active().select_related("agency"))
    now = timezone.now()
    owners = (open_action_owners(case=case)
              if any(inv.ends_at is not None and inv.ends_at <= now for inv in involvements)
              else set())
    codenames = {inv.pk: involvement_codenames(inv, now=now, action_owners=owners)
                 for inv in involvements}
    groups: set[tuple[int, str]] = set()
    users: set[tuple[int, str]] = set()
    # Emergency ("break-glass") access: for the named user, until it expires; never the
    # victim's contact for an agency that works with the person causing harm.
    for user_id, harm_side in live_emergency_accesses().filter(case=case).values_list(
            "user_id", "agency__works_with_person_causing_harm"):
        sections = effective(sections=EMERGENCY, works_with=(
            WorksWith.PERSON_CAUSING_HARM if harm_side else WorksWith.VICTIM))
        users |= {(user_id, VIEW)} | {(user_id, SECTION_CODENAMES[s]) for s in sections}
    if not case.restricted:
        for involvement in involvements:
            groups |= {(involvement.agency.group_id, c) for c in codenames[involvement.pk]}
        return groups, users
    level_by_agency = {inv.agency_id: codenames[inv.pk] for inv in involvements}
    for involvement in involvements:
        if involvement.key_worker_id:
            users |= {(involvement.key_worker_id, c) for c in codenames[involvement.pk]}
    managers = Membership.objects.active().filter(
        agency_id__in=level_by_agency, role=Role.MANAGER
    ).values_list("user_id", "agency_id")
    for user_id, agency_id in managers:
        users |= {(user_id, c) for c in level_by_agency[agency_id]}
    return groups, users


def case_permissions_sync(*, case: Case, apply: bool = True) -> Drift:
    """Make the guardian rows of ``case`` match its domain facts; return what differed."""
    perm_ids = case_permission_ids()
    codename_by_id = {v: k for k, v in perm_ids.items()}
    want_groups, want_users = expected_grants(case=case)
    have_groups = {
        (g, codename_by_id[p]): pk
        for pk, g, p in CaseGroupObjectPermission.objects.filter(content_object=case)
        .values_list("pk", "group_id", "permission_id")
    }
    have_users = {
        (u, codename_by_id[p]): pk
        for pk, u, p in CaseUserObjectPermission.objects.filter(content_object=case)
        .values_list("pk", "user_id", "permission_id")
    }
    drift = Drift()
    drift.added += [("group", g, c) for g, c in want_groups - have_groups.keys()]
    drift.added += [("user", u, c) for u, c in want_users - have_users.keys()]
    drift.removed += [("group", g, c) for g, c in have_groups.keys() - want_groups]
    drift.removed += [("user", u, c) for u, c in have_users.keys() - want_users]
    if apply and drift:
        CaseGroupObjectPermission.objects.filter(
            pk__in=[have_groups[k] for k in have_groups.keys() - want_groups]
        ).delete()
        CaseUserObjectPermission.objects.filter(
            pk__in=[have_users[k] for k in have_users.keys() - want_users]
        ).delete()
        CaseGroupObjectPermission.objects.bulk_create(
            CaseGroupObjectPermission(content_object=case, group_id=g, permission_id=perm_ids[c])
            for g, c in want_groups - have_groups.keys()
        )
        CaseUserObjectPermission.objects.bulk_create(
            CaseUserObjectPermission(content_object=case, user_id=u, permission_id=perm_ids[c])
            for u, c in want_users - have_users.keys()
        )
    return drift
