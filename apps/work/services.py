"""Hand-over (issue 13): a manager moves all or some of a worker's cases (key worker),
actions and assigned referrals to a colleague, or to a team of the agency, in one step. A
case the new owner's agency may no longer see is refused (and listed), never moved;
everything moved is audited.

A team has no place of its own on a case or an action (only a person is a key worker or an
action's owner), so handing them to a team makes them the team's to pick up: the key worker
or the owner is cleared (the work shows as unallocated on the workforce page and in the
managers' tray), the team is named in the audit rows and each of its members is told. A
referral goes back to its service's queue (``assigned_to`` cleared): only a referral whose
service that team handles can be handed to it; any other is refused and listed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Membership, Team
from apps.agencies.selectors import is_active_member
from apps.agencies.team_selectors import team_member_ids
from apps.audit.services import access_record, access_record_many
from apps.cases import policy
from apps.cases.models import Involvement
from apps.cases.permissions import case_permissions_sync
from apps.core.exceptions import NotPermitted, ServiceError
from apps.notifications.services import notify
from apps.referrals.models import OPEN_STATUSES, Referral


@dataclass
class HandoverResult:
    cases: int = 0
    actions: int = 0
    referrals: int = 0
    refused: list[str] = field(default_factory=list)  # case references, with the reason

    @property
    def moved(self) -> int:
        return self.cases + self.actions + self.referrals


def _chosen(rows, ids: Iterable | None):
    return rows if ids is None else rows.filter(pk__in=list(ids))


def work_hand_over(*, actor: Actor, from_membership: Membership, to_user=None,
                   to_team: Team | None = None,
                   involvement_ids: Iterable | None = None,
                   action_ids: Iterable | None = None,
                   referral_ids: Iterable | None = None) -> HandoverResult:
    """Move the worker's work in the acting agency to ``to_user`` or to ``to_team`` (exactly
    one): the chosen ids, or all of each kind when ``None``. Refuses the whole step when the
    actor is not a manager of the agency, ``to_user`` is not an active member of it or
    ``to_team`` is not one of its teams."""
    actor_require_writer(actor=actor)
    policy.require_hand_over(actor=actor, agency_id=from_membership.agency_id)
    if from_membership.agency_id != actor.agency_id:
        raise NotPermitted("You can only hand over your own agency's work.")
    if (to_user is None) == (to_team is None):
        raise ServiceError("Choose a colleague or a team to take the work, not both.",
                           field="to_user")
    if to_team is not None:
        if to_team.agency_id != actor.agency_id:
            raise ServiceError("Choose a team of your agency.", field="to_team")
        return _move(actor=actor, from_membership=from_membership, target=_TeamTarget(to_team),
                     ids=(involvement_ids, action_ids, referral_ids))
    if to_user.pk == from_membership.user_id:
        raise ServiceError("Choose someone else to take the work.", field="to_user")
    if not is_active_member(user_id=to_user.pk, agency_id=actor.agency_id):
        raise ServiceError(f"{to_user.get_username()} is not a member of your agency.",
                           field="to_user")
    return _move(actor=actor, from_membership=from_membership, target=_PersonTarget(to_user),
                 ids=(involvement_ids, action_ids, referral_ids))


class _PersonTarget:
    """A colleague (already checked to be an active member of the agency): becomes key
    worker, owner and assignee."""

    def __init__(self, user) -> None:
        self.user, self.label = user, str(user.pk)

    def refuse_referral(self, referral: Referral) -> str | None:
        return None

    def recipients(self, *, actor: Actor, from_user_id: int) -> list[int]:
        return [] if self.user.pk == actor.user.pk else [self.user.pk]

    title = "Work handed over to you"


class _TeamTarget:
    """A team: the person is cleared, so the work is the team's to pick up (the module's
    docstring); referrals only to the team that handles their service."""

    user = None

    def __init__(self, team: Team) -> None:
        self.team, self.label = team, f"team {team.pk}"

    def refuse_referral(self, referral: Referral) -> str | None:
        if referral.to_service is None or referral.to_service.handling_team_id != self.team.pk:
            return (f"Referral on case {referral.case.reference} goes to a service "
                    f"{self.team.name} does not handle.")
        return None

    def recipients(self, *, actor: Actor, from_user_id: int) -> list[int]:
        return sorted(team_member_ids(team_id=self.team.pk) - {actor.user.pk, from_user_id})

    title = "Work handed over to your team"


def _move(*, actor: Actor, from_membership: Membership, target: _PersonTarget | _TeamTarget,
          ids: tuple[Iterable | None, Iterable | None, Iterable | None]) -> HandoverResult:
    """Lock the chosen work, refuse what may not move, then move each kind in one UPDATE and
    audit it in one INSERT (a fixed number of queries, however much a leaver held)."""
    involvement_ids, action_ids, referral_ids = ids
    result = HandoverResult()
    from_user_id, agency_id = from_membership.user_id, from_membership.agency_id
    now = timezone.now()
    with transaction.atomic():
        involvements = []
        for involvement in _chosen(Involvement.objects.select_for_update(of=("self",))
                                   .select_related("case", "agency")
                                   .filter(agency_id=agency_id, key_worker_id=from_user_id,
                                           ended_at__isnull=True), involvement_ids):
            if policy.involvement_is_live(involvement=involvement, now=now):
                involvements.append(involvement)
            else:  # assignment never gives access (issue 13)
                result.refused.append(f"{involvement.agency} can no longer see case "
                                      f"{involvement.case.reference}, so it cannot be "
                                      "handed over.")
        Involvement.objects.filter(pk__in=[i.pk for i in involvements]).update(
            key_worker=target.user, updated_at=now)
        for involvement in involvements:
            if involvement.case.restricted:  # the key worker's own grant on a restricted case
                case_permissions_sync(case=involvement.case)
        actions = list(_chosen(Action.objects.select_for_update(of=("self",))
                               .select_related("plan")
                               .filter(owner_agency_id=agency_id, owner_user_id=from_user_id,
                                       status=ActionStatus.OPEN), action_ids))
        Action.objects.filter(pk__in=[a.pk for a in actions]).update(
            owner_user=target.user, updated_at=now)
        referrals = []
        for referral in _chosen(Referral.objects.select_for_update(of=("self",))
                                .select_related("case", "to_service")
                                .filter(to_agency_id=agency_id, assigned_to_id=from_user_id,
                                        status__in=OPEN_STATUSES), referral_ids):
            refusal = target.refuse_referral(referral)
            if refusal:
                result.refused.append(refusal)
            else:
                referrals.append(referral)
        back_to_queue = {"assigned_at": None} if target.user is None else {}
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
            assigned_to=target.user, updated_at=now, **back_to_queue)
        result.cases, result.actions, result.referrals = (
            len(involvements), len(actions), len(referrals))
        for object_type, basis, objects in (
                ("involvement", "key worker", [(i.pk, i.case_id) for i in involvements]),
                ("action", "owner", [(a.pk, a.plan.case_id) for a in actions]),
                ("referral", "assigned", [(r.pk, r.case_id) for r in referrals])):
            access_record_many(actor=actor, object_type=object_type, action="hand_over",
                               objects=objects,
                               basis=f"{basis}: {from_user_id} to {target.label}")
        access_record(actor=actor, object_type="membership", object_id=from_membership.pk,
                      action="hand_over",
                      basis=f"to {target.label}: {result.cases} cases, {result.actions} "
                            f"actions, {result.referrals} referrals; "
                            f"{len(result.refused)} refused")
        recipients = target.recipients(actor=actor, from_user_id=from_user_id)
        if result.moved and recipients:
            notify(recipients=recipients, kind="work_handed_over", target_type="membership",
                   target_id=from_membership.pk,
                   title=f"{target.title}: {result.cases} cases, {result.actions} actions, "
                         f"{result.referrals} referrals",
                   url="/", agency_id=agency_id)
    return result
