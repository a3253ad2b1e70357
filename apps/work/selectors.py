"""The work tray: everything waiting on the acting person or their team, from the facts other
apps already hold (nothing is stored twice; "overdue" is computed here, never stored).

One query per kind of work, whatever the size of the data (a fixed, small number per page:
``tray`` runs at most ``len(KINDS)``; kinds the actor's role does not act on run none), each
bounded to ``ITEM_LIMIT`` rows. Case-bound work is filtered through the case visibility rule
(``apps.cases.selectors`` / ``CaseGrant``), never through hand-built nested querysets.

Who it is waiting on (the same queue that is told about it, see
``apps.agencies.team_selectors.service_recipient_ids``):
* referrals to decide: assigned to me; or unassigned and handled by my team; or unassigned
  with no handling team, for the agency's managers and admins;
* information requests: referrals I made that the receiver asked a question about;
* MARAC research: my agency's outstanding research for cases where I am its key worker (all
  of them for its managers and coordinators);
* actions: open actions of my agency owned by me or a member of my team (and, for managers,
  those owned by nobody in particular);
* consent reviews: consent records I recorded, not withdrawn, review due within four weeks;
* DSA signatures: my agency's unsigned agreements (its agency admins);
* quiet cases: open cases where I am my agency's key worker and nothing has happened for
  ``WRAPAROUND_QUIET_CASE_DAYS`` days (shown a week before);
* subject access requests not yet released, and retention reviews due (the records app's own
  selectors decide who acts on them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.action_plans.selectors import action_list_among
from apps.agencies.actor import Actor
from apps.agencies.models import Membership, Role
from apps.cases.models import CaseStatus, Involvement
from apps.cases.selectors import case_list
from apps.consent.models import ConsentRecord, DsaParty, DsaStatus
from apps.core.db import joins_as_written
from apps.marac.models import MeetingStatus, Research
from apps.marac.selectors import area_list
from apps.records.models import ReviewState, SarStatus
from apps.records.selectors import retention_reviews, sar_list
from apps.referrals.models import ReferralStatus
from apps.referrals.selectors import referral_list

ITEM_LIMIT = 50  # rows read per kind of work: the tray says "50 or more" past it
# Owned actions read before the visibility rule: an agency sees the actions it owns (its
# scope keeps "your agency's actions" while it owns open ones), so few if any drop out.
ACTION_CANDIDATES = 2 * ITEM_LIMIT
NAV_LIMIT = 99  # the navigation's counts read at most this many rows ("99+")
CONSENT_REVIEW_AHEAD = datetime.timedelta(days=28)
QUIET_WARNING = datetime.timedelta(days=7)

BUCKETS = (("overdue", "Overdue"), ("today", "Today"), ("week", "This week"),
           ("later", "Later"))


@dataclass(frozen=True)
class WorkItem:
    kind: str  # one of KINDS
    title: str  # no personal data: references, services, what to do
    due: datetime.date
    overdue: bool
    url: str
    owner: str  # "you", "your team", "your agency"
    detail: str = ""

    @property
    def label(self) -> str:
        return KINDS[self.kind]


KINDS = {
    "referral": "Referral to decide",
    "info_request": "Information request to answer",
    "research": "MARAC research to submit",
    "action": "Action",
    "consent_review": "Consent review",
    "dsa_signature": "Data-sharing agreement to sign",
    "quiet_case": "No recent activity",
    "subject_access": "Subject access request",
    "retention": "Retention review",
}


@dataclass
class Tray:
    buckets: dict[str, list[WorkItem]] = field(default_factory=dict)
    more: set[str] = field(default_factory=set)  # kinds cut at ITEM_LIMIT

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.buckets.values())

    @property
    def groups(self) -> list[tuple[str, str, list[WorkItem]]]:
        return [(key, label, self.buckets.get(key, [])) for key, label in BUCKETS]

    def count(self, kind: str) -> int:
        return sum(1 for items in self.buckets.values() for item in items if item.kind == kind)


def _local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _bucket(item: WorkItem, today: datetime.date) -> str:
    if item.overdue:
        return "overdue"
    if item.due <= today:
        return "today"
    if item.due <= today + datetime.timedelta(days=6):
        return "week"
    return "later"


def _is_manager(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.AGENCY_ADMIN)


def referral_queue(actor: Actor) -> Q:
    """Referrals to the acting agency waiting on the actor or their team (see the module)."""
    mine = Q(assigned_to_id=actor.user.pk)
    unassigned = Q(assigned_to__isnull=True)
    team_id = actor.membership.team_id
    queue = Q(pk__in=[])
    if team_id is not None:
        queue |= Q(to_service__handling_team_id=team_id)
    if _is_manager(actor):
        queue |= Q(to_service__isnull=True) | Q(to_service__handling_team__isnull=True)
    return Q(to_agency_id=actor.agency_id, status=ReferralStatus.SUBMITTED) & (
        mine | (unassigned & queue))


def _referrals(actor: Actor, now: datetime.datetime) -> list[WorkItem]:
    asked = Q(from_agency_id=actor.agency_id, from_user_id=actor.user.pk,
              status=ReferralStatus.INFO_REQUESTED)
    # Two reads, each walking its own index in due order (the queue: referral_queue_due), then
    # merged: as one query with OR, the largest agency's manager's queue (100,000 waiting
    # referrals) was sorted on disk for 51 rows (122 ms at 1M cases).
    rows = []
    with joins_as_written():
        for wanted in (referral_queue(actor), asked):
            rows += list(referral_list(actor=actor).filter(wanted)
                         .select_related(None).select_related("case", "to_service")
                         .order_by("due_at", "pk")[:ITEM_LIMIT + 1])
    rows = sorted({r.pk: r for r in rows}.values(),
                  key=lambda r: (r.due_at is None, r.due_at or now, r.pk))  # as ORDER BY
    rows = rows[:ITEM_LIMIT + 1]
    items = []
    for r in rows:
        url = reverse("referrals:detail", args=[r.pk])
        service = r.to_service.name if r.to_service_id else "your agency"
        if r.status == ReferralStatus.INFO_REQUESTED:
            asked_at = r.updated_at
            items.append(WorkItem("info_request", f"{r.case.reference}: {service} asked a "
                                  "question", _local_date(asked_at),
                                  _local_date(asked_at) < _local_date(now), url, "you"))
        else:
            items.append(WorkItem(
                "referral", f"{r.case.reference} to {service}", _local_date(r.due_at),
                r.due_at <= now, url, "you" if r.assigned_to_id == actor.user.pk
                else "your team", detail=f"Decide by {timezone.localtime(r.due_at):%H:%M}"))
    return items


def _key_worker_on(actor: Actor, case_ref: str) -> Exists:
    return Exists(Involvement.objects.filter(
        case_id=OuterRef(case_ref), agency_id=actor.agency_id, key_worker_id=actor.user.pk,
        ended_at__isnull=True))


def _research(actor: Actor, now: datetime.datetime) -> list[WorkItem]:
    rows = Research.objects.filter(
        agency_id=actor.agency_id, submitted_at__isnull=True,
        item__meeting__status=MeetingStatus.SCHEDULED,
        item__meeting__area__in=area_list(actor=actor))
    if actor.role not in (Role.MANAGER, Role.COORDINATOR):
        rows = rows.filter(_key_worker_on(actor, "item__case_id"))
    rows = list(rows.select_related("item__meeting", "item__case")
                .order_by("item__meeting__research_due_at", "pk")[:ITEM_LIMIT + 1])
    return [WorkItem("research", f"{r.item.case.reference} for the meeting on "
                     f"{timezone.localtime(r.item.meeting.starts_at):%-d %B}",
                     _local_date(r.item.meeting.research_due_at),
                     r.item.meeting.research_due_at <= now,
                     reverse("marac:research", args=[r.item.meeting_id, r.item_id]),
                     "your agency")
            for r in rows]


def _team_user_ids(actor: Actor):
    return (Membership.objects.filter(team_id=actor.membership.team_id, ended_at__isnull=True)
            .values("user_id"))


def _actions(actor: Actor, today: datetime.date) -> list[WorkItem]:
    owners = Q(owner_user_id=actor.user.pk)
    if actor.membership.team_id is not None:
        owners |= Q(owner_user_id__in=_team_user_ids(actor))
    if _is_manager(actor):
        owners |= Q(owner_user__isnull=True)
    # Two reads: the owned open actions, soonest due, through the owner index; then the
    # visibility rule on just those. Asked in one query (even with the first as a subquery),
    # PostgreSQL walked every open action of every agency by due date, testing visibility on
    # each (6.3 s for a manager of the largest agency at 1M cases: docs/performance.md).
    owned = list(Action.objects.filter(owners, owner_agency_id=actor.agency_id,
                                       status=ActionStatus.OPEN)
                 .order_by("due_date", "pk").values_list("pk", flat=True)[:ACTION_CANDIDATES])
    rows = list(action_list_among(actor=actor, action_ids=owned)
                .select_related(None).select_related("plan__case")
                .order_by("due_date", "pk")[:ITEM_LIMIT + 1])
    return [WorkItem("action", f"{a.plan.case.reference}: {a.description[:80]}", a.due_date,
                     a.due_date < today,
                     reverse("action_plans:plan", args=[a.plan.case_id]),
                     "you" if a.owner_user_id == actor.user.pk
                     else "your team" if a.owner_user_id else "your agency")
            for a in rows]


def _consent_reviews(actor: Actor, today: datetime.date) -> list[WorkItem]:
    rows = list(ConsentRecord.objects.filter(
        recorded_by_id=actor.user.pk, recorded_by_agency_id=actor.agency_id,
        withdrawn_at__isnull=True, review_date__lte=today + CONSENT_REVIEW_AHEAD)
        .order_by("review_date", "pk").only("pk", "review_date")[:ITEM_LIMIT + 1])
    return [WorkItem("consent_review", "Review a consent you recorded", c.review_date,
                     c.review_date < today, reverse("consent:consent-detail", args=[c.pk]),
                     "you") for c in rows]


def _dsa_signatures(actor: Actor, today: datetime.date) -> list[WorkItem]:
    if actor.role != Role.AGENCY_ADMIN:
        return []
    rows = list(DsaParty.objects.filter(
        agency_id=actor.agency_id, signed_at__isnull=True,
        agreement__status=DsaStatus.AWAITING_SIGNATURES).select_related("agreement")
        .order_by("agreement__start_date", "pk")[:ITEM_LIMIT + 1])
    return [WorkItem("dsa_signature", p.agreement.title, p.agreement.start_date,
                     p.agreement.start_date < today,
                     reverse("consent:dsa-detail", args=[p.agreement_id]), "your agency")
            for p in rows]


def _quiet_cases(actor: Actor, now: datetime.datetime, today: datetime.date) -> list[WorkItem]:
    days = datetime.timedelta(days=settings.WRAPAROUND_QUIET_CASE_DAYS)
    rows = list(case_list(actor=actor).filter(
        _key_worker_on(actor, "pk"), status=CaseStatus.OPEN,
        last_activity_at__lt=now - days + QUIET_WARNING)
        .order_by("last_activity_at", "pk").only("pk", "reference", "last_activity_at")
        [:ITEM_LIMIT + 1])
    items = []
    for c in rows:
        due = _local_date(c.last_activity_at + days)
        items.append(WorkItem("quiet_case", f"{c.reference}: nothing recorded since "
                              f"{timezone.localtime(c.last_activity_at):%-d %B}", due,
                              due < today, reverse("cases:detail", args=[c.pk]), "you"))
    return items


def _records(actor: Actor, today: datetime.date) -> list[WorkItem]:
    sars = list(sar_list(actor=actor).exclude(status=SarStatus.RELEASED)
                .select_related(None).only("pk", "due_on")[:ITEM_LIMIT + 1])
    reviews = list(retention_reviews(actor=actor).filter(state=ReviewState.DUE)
                   .select_related(None).select_related("case")
                   .only("pk", "due_on", "case__reference")[:ITEM_LIMIT + 1])
    return ([WorkItem("subject_access", "Answer a subject access request", s.due_on,
                      s.due_on < today, reverse("records:sar-detail", args=[s.pk]),
                      "your agency") for s in sars]
            + [WorkItem("retention", f"{r.case.reference}: due for deletion", r.due_on,
                        r.due_on < today, reverse("records:retention-review", args=[r.pk]),
                        "your agency") for r in reviews])


def tray(*, actor: Actor | None) -> Tray:
    """Everything waiting on the actor or their team, grouped by when it is due."""
    result = Tray()
    if actor is None or not actor.membership.is_active:
        return result
    now = timezone.now()
    today = timezone.localdate()
    parts = [_referrals(actor, now), _research(actor, now), _actions(actor, today),
             _consent_reviews(actor, today), _dsa_signatures(actor, today),
             _quiet_cases(actor, now, today), _records(actor, today)]
    items: list[WorkItem] = []
    for part in parts:
        for kind in {item.kind for item in part}:
            of_kind = [item for item in part if item.kind == kind]
            if len(of_kind) > ITEM_LIMIT:
                result.more.add(kind)
        items += part
    items.sort(key=lambda item: (item.due, item.kind))
    for item in items:
        result.buckets.setdefault(_bucket(item, today), []).append(item)
    return result


def referral_count(*, actor: Actor | None) -> int:
    """The navigation's "Referrals 3": referrals waiting on the actor or their team, reading
    at most ``NAV_LIMIT + 1`` ids (a bounded count, the same cost whatever the backlog)."""
    if actor is None or not actor.membership.is_active:
        return 0
    ids = (referral_list(actor=actor).filter(referral_queue(actor)).select_related(None)
           .order_by().values_list("pk", flat=True)[:NAV_LIMIT + 1])
    return len(list(ids))
