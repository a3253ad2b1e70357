"""The manager's view (issue 13): caseload per worker and per team, escalations and the
workforce figures, for the acting agency only, read from the existing facts.

Who: a manager of the agency (caseload, escalations, hand-over); the workforce figures also
for its agency admins (``may_see_caseload`` / ``may_see_workforce``). Everyone else gets an
empty answer from these selectors (the pages and the API answer 404 / an empty list).

Each figure is one grouped query over the agency's own rows (its involvements, its actions,
the referrals to it), restricted to the workers on the page: a fixed number of queries
whatever the size of the agency."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.action_plans.selectors import action_list
from apps.agencies.actor import Actor
from apps.agencies.models import Membership, Role, Team
from apps.cases import policy
from apps.cases.models import CaseStatus, Involvement
from apps.core.db import joins_as_written
from apps.marac.models import MeetingStatus, Research
from apps.referrals.models import Referral, ReferralStatus


def may_see_caseload(*, actor: Actor | None) -> bool:
    return actor is not None and actor.membership.is_active and actor.role == Role.MANAGER


def may_see_workforce(*, actor: Actor | None) -> bool:
    return (actor is not None and actor.membership.is_active
            and actor.role in (Role.MANAGER, Role.AGENCY_ADMIN))


@dataclass
class Load:
    """One worker's (or team's) caseload."""

    open_cases: int = 0
    key_worker_cases: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    referrals_awaiting: int = 0
    oldest_referral: datetime.datetime | None = None

    def add(self, other: Load) -> None:
        self.open_cases += other.open_cases
        self.key_worker_cases += other.key_worker_cases
        self.open_actions += other.open_actions
        self.overdue_actions += other.overdue_actions
        self.referrals_awaiting += other.referrals_awaiting
        if other.oldest_referral and (self.oldest_referral is None
                                      or other.oldest_referral < self.oldest_referral):
            self.oldest_referral = other.oldest_referral


def workers(*, actor: Actor | None) -> QuerySet[Membership]:
    """The agency's active members, by username (keyset on (user__username, id))."""
    if not may_see_caseload(actor=actor):
        return Membership.objects.none()
    return (Membership.objects.active().filter(agency_id=actor.agency_id)
            .select_related("user", "team").order_by("user__username", "pk"))


def _loads(agency_id: UUID, user_ids: list[int] | None) -> dict[int, Load]:
    """Each worker's load in the agency (3 grouped queries over the agency's own rows);
    ``user_ids`` narrows to the workers of one page."""
    today = timezone.localdate()
    loads: dict[int, Load] = {}

    def group(rows: QuerySet, user_field: str) -> QuerySet:
        if user_ids is not None:
            rows = rows.filter(**{f"{user_field}__in": user_ids})
        return rows.values(g=F(user_field)).order_by()

    involvements = Involvement.objects.filter(agency_id=agency_id, ended_at__isnull=True,
                                              key_worker__isnull=False)
    # Counted by case (not by involvement id): both sides are then read from their indexes
    # alone (involvement_active_kw_agency, case_id_status).
    for row in group(involvements, "key_worker_id").annotate(
            kw=Count("case"), open=Count("case", filter=Q(case__status=CaseStatus.OPEN))):
        load = loads.setdefault(row["g"], Load())
        load.key_worker_cases, load.open_cases = row["kw"], row["open"]
    actions = Action.objects.filter(owner_agency_id=agency_id, status=ActionStatus.OPEN,
                                    owner_user__isnull=False)
    for row in group(actions, "owner_user_id").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today))):
        load = loads.setdefault(row["g"], Load())
        load.open_actions, load.overdue_actions = row["n"], row["late"]
    referrals = Referral.objects.filter(to_agency_id=agency_id, status__in=(
        ReferralStatus.SUBMITTED, ReferralStatus.INFO_REQUESTED), assigned_to__isnull=False)
    for row in group(referrals, "assigned_to_id").annotate(
            n=Count("pk"), oldest=Min("submitted_at")):
        load = loads.setdefault(row["g"], Load())
        load.referrals_awaiting, load.oldest_referral = row["n"], row["oldest"]
    return loads


def worker_loads(*, actor: Actor | None, memberships: list[Membership]) -> dict[int, Load]:
    """Caseload of each worker on the page (3 queries)."""
    if not may_see_caseload(actor=actor):
        return {}
    memberships = [m for m in memberships if m.agency_id == actor.agency_id]
    if not memberships:
        return {}
    loads = _loads(actor.agency_id, [m.user_id for m in memberships])
    return {m.user_id: loads.get(m.user_id, Load()) for m in memberships}


@dataclass
class TeamLoad:
    team: Team | None  # None: members in no team, and work held by people who have left
    load: Load = field(default_factory=Load)


def team_loads(*, actor: Actor | None) -> list[TeamLoad]:
    """Caseload of each team of the agency, and of the members in none (5 queries): the
    workers' loads summed by the team of their active membership."""
    if not may_see_caseload(actor=actor):
        return []
    team_of = dict(Membership.objects.active().filter(agency_id=actor.agency_id)
                   .values_list("user_id", "team_id"))
    rows = {t.pk: TeamLoad(team=t) for t in
            Team.objects.filter(agency_id=actor.agency_id).order_by("name", "pk")}
    rows[None] = TeamLoad(team=None)
    for user_id, load in _loads(actor.agency_id, None).items():
        rows.get(team_of.get(user_id), rows[None]).load.add(load)
    return list(rows.values())


@dataclass
class Unallocated:
    cases: int
    actions: int
    referrals: int


def unallocated(*, actor: Actor | None, limit: int = 1000) -> Unallocated:
    """Work of the agency that nobody holds: involvements without a key worker on open
    cases, open actions owned by no one, open referrals assigned to no one. Bounded counts."""
    if not may_see_workforce(actor=actor):
        return Unallocated(0, 0, 0)

    def bounded(rows: QuerySet) -> int:
        return len(list(rows.order_by().values_list("pk", flat=True)[:limit]))

    return Unallocated(
        cases=bounded(Involvement.objects.filter(
            agency_id=actor.agency_id, ended_at__isnull=True, key_worker__isnull=True,
            case__status=CaseStatus.OPEN)),
        actions=bounded(Action.objects.filter(owner_agency_id=actor.agency_id,
                                              status=ActionStatus.OPEN,
                                              owner_user__isnull=True)),
        referrals=bounded(Referral.objects.filter(
            to_agency_id=actor.agency_id, status=ReferralStatus.SUBMITTED,
            assigned_to__isnull=True)))


ESCALATION_LIMIT = 25  # of each kind, the longest overdue first


@dataclass
class Escalations:
    referrals: list[Referral]
    actions: list[Action]
    research: list[Research]


def escalations(*, actor: Actor | None) -> Escalations:
    """Referrals to the agency past twice their response target, the agency's overdue
    actions, and its MARAC research still missing when it was due (3 queries, bounded)."""
    if not may_see_caseload(actor=actor):
        return Escalations([], [], [])
    now = timezone.now()
    referrals = (Referral.objects.filter(to_agency_id=actor.agency_id,
                                         status=ReferralStatus.SUBMITTED, escalate_at__lte=now)
                 .select_related("case", "to_service", "assigned_to")
                 .order_by("escalate_at", "pk")[:ESCALATION_LIMIT])
    with joins_as_written():
        referrals = list(referrals)
    actions = list(Action.objects.filter(
        owner_agency_id=actor.agency_id, status=ActionStatus.OPEN,
        due_date__lt=timezone.localdate()).select_related("plan__case", "owner_user")
        .order_by("due_date", "pk")[:ESCALATION_LIMIT])
    research = list(Research.objects.filter(
        agency_id=actor.agency_id, submitted_at__isnull=True,
        item__meeting__status=MeetingStatus.SCHEDULED, item__meeting__research_due_at__lte=now)
        .select_related("item__meeting", "item__case")
        .order_by("item__meeting__starts_at", "pk")[:ESCALATION_LIMIT])
    return Escalations(referrals=referrals, actions=actions, research=research)


@dataclass
class WorkerWork:
    """A worker's open work in the agency (what a hand-over can move)."""

    involvements: list[Involvement]
    actions: list[Action]
    referrals: list[Referral]

    @property
    def total(self) -> int:
        return len(self.involvements) + len(self.actions) + len(self.referrals)


HANDOVER_LIMIT = 500


def worker_work(*, actor: Actor | None, membership: Membership) -> WorkerWork:
    """The open work the member holds in the acting agency (3 queries, bounded)."""
    if not may_see_workforce(actor=actor) or membership.agency_id != actor.agency_id:
        return WorkerWork([], [], [])
    user_id = membership.user_id
    return WorkerWork(
        involvements=list(Involvement.objects.filter(
            agency_id=actor.agency_id, key_worker_id=user_id, ended_at__isnull=True)
            .select_related("case").order_by("case__reference")[:HANDOVER_LIMIT]),
        actions=list(Action.objects.filter(
            owner_agency_id=actor.agency_id, owner_user_id=user_id, status=ActionStatus.OPEN)
            .select_related("plan__case").order_by("due_date", "pk")[:HANDOVER_LIMIT]),
        referrals=list(Referral.objects.filter(
            to_agency_id=actor.agency_id, assigned_to_id=user_id,
            status__in=(ReferralStatus.SUBMITTED, ReferralStatus.INFO_REQUESTED))
            .select_related("case").order_by("due_at", "pk")[:HANDOVER_LIMIT]))


def member_of_agency(*, actor: Actor | None, membership_id: object) -> Membership | None:
    """A membership (active or ended) of the acting agency, for its managers and admins."""
    if not may_see_workforce(actor=actor):
        return None
    try:
        return (Membership.objects.filter(agency_id=actor.agency_id, pk=membership_id)
                .select_related("user").first())
    except (ValueError, TypeError):
        return None


def escalated_action(*, actor: Actor | None, action_id: object) -> Action | None:
    """An action the acting agency owns and may see, for those who may assign its work (the
    escalations' reassign); None for anyone else, so the page answers 404."""
    if actor is None or not policy.may_assign_work(actor=actor, agency_id=actor.agency_id):
        return None
    try:
        return action_list(actor=actor).filter(owner_agency_id=actor.agency_id,
                                               pk=action_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def escalated_research(*, actor: Actor | None, research_id: object) -> Research | None:
    """The acting agency's research (with its case), for those who may assign its work:
    research is owned by the agency, and in the tray by the agency's key worker on the case,
    so reassigning it means choosing that key worker."""
    if actor is None or not policy.may_assign_work(actor=actor, agency_id=actor.agency_id):
        return None
    try:
        return (Research.objects.filter(agency_id=actor.agency_id, pk=research_id)
                .select_related("item__case").first())
    except (ValueError, TypeError):
        return None
