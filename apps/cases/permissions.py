"""Object permissions on cases, derived only from domain facts.

``expected_grants`` says which guardian rows a case should have given its active involvements;
``case_permissions_sync`` makes the rows match, inside the caller's transaction. Services call
it after every change to an involvement, a key worker, a manager role or the restricted flag;
the ``permissions_check`` command calls it for every case to report (and repair) drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission

from apps.agencies.models import Membership, Role
from apps.cases.emergency import live_emergency_accesses
from apps.cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    InvolvementRole,
)

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
                                  codename__in=[VIEW, CONTRIBUTE, MANAGE])
        .values_list("codename", "id")
    )


def expected_grants(*, case: Case) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(group grants, user grants) as (group or user id, codename) pairs.

    An open, unrestricted case is granted to each involved agency's group. A restricted case
    is granted only to named people: each involvement's key worker and the involved agency's
    managers. A live emergency access grants view to its user.
    """
    involvements = list(case.involvements.active().select_related("agency"))
    groups: set[tuple[int, str]] = set()
    users: set[tuple[int, str]] = set()
    # Emergency ("break-glass") access: view only, for the named user, until it expires.
    users |= {(u, VIEW) for u in live_emergency_accesses().filter(
        case=case).values_list("user_id", flat=True)}
    if not case.restricted:
        for involvement in involvements:
            groups |= {(involvement.agency.group_id, c) for c in LEVELS[involvement.role]}
        return groups, users
    level_by_agency = {inv.agency_id: LEVELS[inv.role] for inv in involvements}
    for involvement in involvements:
        if involvement.key_worker_id:
            users |= {(involvement.key_worker_id, c) for c in LEVELS[involvement.role]}
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
