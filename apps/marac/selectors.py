"""Reads of MARAC data, scoped to the acting agency: one selector per model for UI and API.

- A risk checklist is visible with its case.
- A MARAC referral is visible to the referring agency (while it can see the case) and, once
  submitted, to the coordinators of the area's coordinating agency.
- A meeting, its agenda and its pack are visible to the area's member agencies and its
  coordinating agency; only listed cases appear in it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Role
from apps.cases import policy
from apps.cases.selectors import case_list
from apps.marac.models import (
    AgendaItem,
    Attendance,
    MaracArea,
    MaracReferral,
    MaracReferralStatus,
    Meeting,
    MeetingStatus,
    Research,
    RiskChecklist,
)

_BAD_ID = (ValueError, TypeError, ValidationError)


def _active(actor: Actor | None) -> bool:
    return actor is not None and actor.membership.is_active


def area_list(*, actor: Actor | None) -> QuerySet[MaracArea]:
    """Areas the acting agency sits at or coordinates."""
    if not _active(actor):
        return MaracArea.objects.none()
    return MaracArea.objects.filter(
        Q(member_agencies=actor.agency_id) | Q(coordinating_agency_id=actor.agency_id)
    ).distinct()


def area_choices() -> QuerySet[MaracArea]:
    """Every MARAC area, by name: where a checklist can be sent (no case data)."""
    return MaracArea.objects.order_by("name")


def coordinated_areas(*, actor: Actor | None) -> QuerySet[MaracArea]:
    """Areas the actor coordinates: a coordinator of the area's coordinating agency."""
    if not _active(actor) or actor.role != Role.COORDINATOR:
        return MaracArea.objects.none()
    return MaracArea.objects.filter(coordinating_agency_id=actor.agency_id)


def coordinated_area_get(*, actor: Actor | None, area_id: UUID | str) -> MaracArea:
    try:
        return coordinated_areas(actor=actor).get(pk=area_id)
    except (MaracArea.DoesNotExist, *_BAD_ID) as exc:
        raise Http404("No such area") from exc


def is_coordinator(*, actor: Actor | None, area: MaracArea) -> bool:
    """The rule lives in ``apps.cases.policy.may_coordinate``."""
    return policy.may_coordinate(actor=actor, area=area)


# Risk checklists -------------------------------------------------------------------------


def checklist_list(*, actor: Actor | None) -> QuerySet[RiskChecklist]:
    return RiskChecklist.objects.filter(case__in=case_list(actor=actor)).select_related(
        "case", "area", "agency", "assessor", "decided_by")


def checklist_get(*, actor: Actor | None, checklist_id: UUID | str) -> RiskChecklist:
    try:
        return checklist_list(actor=actor).get(pk=checklist_id)
    except (RiskChecklist.DoesNotExist, *_BAD_ID) as exc:
        raise Http404("No such checklist") from exc


def case_checklists(*, case) -> QuerySet[RiskChecklist]:
    """A visible case's checklists, newest first (the caller got the case by selector)."""
    return RiskChecklist.objects.filter(case=case).select_related(
        "assessor", "agency", "marac_referral").order_by("-created_at", "-id")


# MARAC referrals ---------------------------------------------------------------------------


def marac_referral_list(*, actor: Actor | None, status: str = "") -> QuerySet[MaracReferral]:
    """MARAC referrals the acting agency may see; ``status`` narrows them."""
    if not _active(actor):
        return MaracReferral.objects.none()
    own = Q(referring_agency_id=actor.agency_id, case__in=case_list(actor=actor))
    coordinating = Q(area__in=coordinated_areas(actor=actor)) & ~Q(
        status=MaracReferralStatus.AWAITING_SIGNOFF)
    rows = MaracReferral.objects.filter(own | coordinating).select_related(
        "case", "case__subject", "case__lead_agency", "area", "referring_agency", "referrer",
        "checklist", "sharing_basis", "signed_off_by", "decided_by")
    return rows.filter(status=status) if status else rows


def marac_referral_get(*, actor: Actor | None, referral_id: UUID | str) -> MaracReferral:
    try:
        return marac_referral_list(actor=actor).get(pk=referral_id)
    except (MaracReferral.DoesNotExist, *_BAD_ID) as exc:
        raise Http404("No such MARAC referral") from exc


def own_marac_referrals(*, actor: Actor, limit: int = 20) -> list[MaracReferral]:
    """The acting agency's own MARAC referrals, newest first."""
    return list(marac_referral_list(actor=actor).filter(
        referring_agency_id=actor.agency_id).order_by("-created_at")[:limit])


def coordinator_inbox(*, actor: Actor, limit: int = 100) -> list[MaracReferral]:
    """Submitted referrals waiting for the coordinator, oldest first."""
    return list(marac_referral_list(actor=actor).filter(
        area__in=coordinated_areas(actor=actor), status=MaracReferralStatus.SUBMITTED,
    ).order_by("submitted_at", "id")[:limit])


def signoff_queue(*, actor: Actor, limit: int = 100) -> list[MaracReferral]:
    """Referrals from the manager's agency awaiting their sign-off."""
    if actor.role != Role.MANAGER:
        return []
    return list(marac_referral_list(actor=actor).filter(
        referring_agency_id=actor.agency_id, status=MaracReferralStatus.AWAITING_SIGNOFF,
    ).order_by("created_at", "id")[:limit])


@dataclass(frozen=True)
class RepeatCheck:
    is_repeat: bool
    last_heard_on: datetime.date | None


def repeat_check(*, area: MaracArea, person_id: UUID, on: datetime.date) -> RepeatCheck:
    """Was this person heard at this area's MARAC within the repeat window before ``on``?
    The window is inclusive: heard exactly ``repeat_window_months`` ago is a repeat."""
    cutoff = on - relativedelta(months=area.repeat_window_months)
    last = (AgendaItem.objects.filter(case__subject_id=person_id, meeting__area=area,
                                      meeting__starts_at__date__lte=on,
                                      meeting__status=MeetingStatus.HELD)
            .order_by("-meeting__starts_at").values_list("meeting__starts_at", flat=True)
            .first())
    last_on = timezone.localtime(last).date() if last else None
    return RepeatCheck(is_repeat=bool(last_on and last_on >= cutoff), last_heard_on=last_on)


# Meetings -----------------------------------------------------------------------------------


def meeting_list(*, actor: Actor | None) -> QuerySet[Meeting]:
    return Meeting.objects.filter(area__in=area_list(actor=actor)).select_related(
        "area", "coordinator")


def meetings_upcoming_and_past(*, actor: Actor | None, upcoming: int = 20,
                               past: int = 10) -> tuple[list[Meeting], list[Meeting]]:
    """The MARAC workspace's meetings: the next ones (including today's, for 12 hours after
    they start) soonest first, and the last ones, latest first."""
    turn = timezone.now() - datetime.timedelta(hours=12)
    meetings = meeting_list(actor=actor)
    return (list(meetings.filter(starts_at__gte=turn).order_by("starts_at")[:upcoming]),
            list(meetings.filter(starts_at__lt=turn).order_by("-starts_at")[:past]))


def meetings_to_list_at(*, actor: Actor | None, area: MaracArea,
                        future_only: bool = False) -> QuerySet[Meeting]:
    """The area's scheduled meetings a referral can be listed at, soonest first."""
    meetings = meeting_list(actor=actor).filter(area=area, status=MeetingStatus.SCHEDULED)
    if future_only:
        meetings = meetings.filter(starts_at__gt=timezone.now())
    return meetings.order_by("starts_at")


def last_meeting(*, actor: Actor | None, area: MaracArea) -> Meeting | None:
    return meeting_list(actor=actor).filter(area=area).order_by("-starts_at").first()


def meeting_get(*, actor: Actor | None, meeting_id: UUID | str) -> Meeting:
    try:
        return meeting_list(actor=actor).get(pk=meeting_id)
    except (Meeting.DoesNotExist, *_BAD_ID) as exc:
        raise Http404("No such meeting") from exc


def agenda(*, meeting: Meeting) -> list[AgendaItem]:
    """The listed cases with every agency's research (the meeting pack). Fixed queries."""
    return list(AgendaItem.objects.filter(meeting=meeting).select_related(
        "case", "case__subject", "case__lead_agency", "referral", "referral__referring_agency",
        "referral__checklist",
    ).prefetch_related(
        Prefetch("research", queryset=Research.objects.select_related("agency", "submitted_by"))
    ).order_by("position", "created_at"))


def agenda_items(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    """A visible meeting's agenda items with their research (for the API)."""
    return AgendaItem.objects.filter(meeting=meeting).select_related("case").prefetch_related(
        Prefetch("research", queryset=Research.objects.select_related("agency"))
    ).order_by("position", "created_at")


def agenda_item_get(*, meeting: Meeting, item_id: UUID | str) -> AgendaItem:
    try:
        return AgendaItem.objects.select_related("case", "case__subject", "meeting").get(
            meeting=meeting, pk=item_id)
    except (AgendaItem.DoesNotExist, *_BAD_ID) as exc:
        raise Http404("No such agenda item") from exc


def attendance_list(*, meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendance.select_related("agency").order_by("agency__name"))


def research_requests(*, actor: Actor | None, limit: int = 100) -> list[Research]:
    """Research the acting agency still owes for scheduled meetings, soonest deadline first."""
    if not _active(actor):
        return []
    return list(Research.objects.filter(
        agency_id=actor.agency_id, submitted_at__isnull=True,
        item__meeting__status=MeetingStatus.SCHEDULED,
        item__meeting__area__in=area_list(actor=actor),
    ).select_related("item", "item__meeting", "item__meeting__area", "item__case")
        .order_by("item__meeting__research_due_at", "id")[:limit])


def research_for_agency(*, item: AgendaItem, actor: Actor) -> Research | None:
    """The research asked of the acting agency for a visible agenda item (None if not asked)."""
    return Research.objects.filter(item=item, agency_id=actor.agency_id).first()


def item_research(*, item: AgendaItem) -> list[Research]:
    """Every agency's research for a visible agenda item."""
    return list(item.research.select_related("agency", "submitted_by"))


def research_list(*, actor: Actor | None) -> QuerySet[Research]:
    """Research in meetings the acting agency sits at (the API's view of the pack)."""
    return Research.objects.filter(item__meeting__in=meeting_list(actor=actor)).select_related(
        "agency", "item", "submitted_by")


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    return (Meeting.objects.filter(area_id=meeting.area_id, starts_at__lt=meeting.starts_at)
            .order_by("-starts_at").first())


# Statistics ---------------------------------------------------------------------------------


@dataclass
class AreaStats:
    cases_heard: int
    repeats: int
    repeat_rate: int
    by_agency: list[tuple[str, int]]
    by_route: list[tuple[str, int]]
    outstanding_by_agency: list[tuple[str, int]]


def area_stats(*, area: MaracArea, since: datetime.date) -> AreaStats:
    """Aggregates only (no case rows): a handful of grouped queries whatever the data size."""
    from apps.action_plans.models import Action, ActionStatus
    from apps.marac import dash

    heard = AgendaItem.objects.filter(meeting__area=area, meeting__status=MeetingStatus.HELD,
                                      meeting__starts_at__date__gte=since)
    counts = heard.aggregate(total=Count("id"), repeats=Count("id", filter=Q(is_repeat=True)))
    referrals = MaracReferral.objects.filter(area=area, created_at__date__gte=since).exclude(
        status=MaracReferralStatus.AWAITING_SIGNOFF)
    by_agency = Counter(dict(referrals.values_list("referring_agency__name")
                             .annotate(n=Count("id")).values_list("referring_agency__name", "n")))
    by_route = defaultdict(int)
    for route, n in referrals.values_list("route").annotate(n=Count("id")).values_list(
            "route", "n"):
        by_route[dash.Route.LABELS.get(route, route)] += n
    outstanding = (Action.objects.filter(meeting__area=area, status=ActionStatus.OPEN)
                   .values_list("owner_agency__name").annotate(n=Count("id"))
                   .values_list("owner_agency__name", "n"))
    total = counts["total"] or 0
    return AreaStats(
        cases_heard=total, repeats=counts["repeats"] or 0,
        repeat_rate=round(100 * (counts["repeats"] or 0) / total) if total else 0,
        by_agency=sorted(by_agency.items()), by_route=sorted(by_route.items()),
        outstanding_by_agency=sorted(outstanding),
    )
