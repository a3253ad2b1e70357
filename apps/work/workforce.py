"""Workforce figures for an agency's managers and admins (issue 13), by team: how caseloads
are spread, how long from accepting a referral to the first contact with the person, and how
much work nobody holds, now and month by month. Aggregates over the agency's own rows; a
fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from statistics import median

from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Membership, Team
from apps.cases.models import CaseNote, CaseStatus, Involvement, NoteKind
from apps.referrals.models import Referral, ReferralStatus
from apps.work.caseload import Unallocated, may_see_workforce, unallocated

BANDS = ((0, 0, "0"), (1, 5, "1 to 5"), (6, 10, "6 to 10"), (11, 20, "11 to 20"),
         (21, None, "21 or more"))
CONTACT_WINDOW = datetime.timedelta(days=90)
# Unallocated over time: a referral received in a month counts as unallocated when nobody
# picked it up, was assigned it or decided it within this many days of its first submission.
ALLOCATION_DAYS = 2
MONTHS = 12


@dataclass
class TeamFigures:
    name: str
    workers: int = 0
    bands: dict[str, int] = field(default_factory=lambda: {label: 0 for *_, label in BANDS})
    contact_hours: list[float] = field(default_factory=list)
    never_contacted: int = 0
    # Per month (oldest first, as Workforce.months): (referrals received, not allocated in time)
    monthly: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(MONTHS)])
    monthly_rows: list[tuple[datetime.date, list[int]]] = field(default_factory=list)

    @property
    def median_contact_hours(self) -> float | None:
        return round(median(self.contact_hours), 1) if self.contact_hours else None


@dataclass
class Workforce:
    teams: list[TeamFigures]
    unallocated: Unallocated
    months: list[datetime.date] = field(default_factory=list)


def _months(today: datetime.date) -> list[datetime.date]:
    """The first days of the last ``MONTHS`` months, this one last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(MONTHS):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _band(n: int) -> str:
    for low, high, label in BANDS:
        if n >= low and (high is None or n <= high):
            return label
    return BANDS[-1][2]


def workforce(*, actor: Actor | None) -> Workforce | None:
    """The figures, or None for anyone but the agency's managers and admins (5 queries)."""
    if not may_see_workforce(actor=actor):
        return None
    agency_id = actor.agency_id
    teams = {t.pk: TeamFigures(t.name) for t in Team.objects.filter(agency_id=agency_id)}
    no_team = TeamFigures("No team")

    def figures(team_id) -> TeamFigures:
        return teams.get(team_id, no_team)

    loads = dict(Involvement.objects.filter(
        agency_id=agency_id, ended_at__isnull=True, case__status=CaseStatus.OPEN,
        key_worker__isnull=False).values("key_worker_id").annotate(n=Count("pk"))
        .values_list("key_worker_id", "n"))
    for user_id, team_id in (Membership.objects.active().filter(agency_id=agency_id)
                             .values_list("user_id", "team_id")):
        row = figures(team_id)
        row.workers += 1
        row.bands[_band(loads.get(user_id, 0))] += 1
    first_contact = Subquery(CaseNote.objects.filter(
        case_id=OuterRef("case_id"), agency_id=agency_id, kind=NoteKind.CONTACT,
        created_at__gte=OuterRef("decided_at")).values("case_id")
        .annotate(first=Min("created_at")).values("first")[:1])
    key_team = Subquery(Membership.objects.filter(
        agency_id=agency_id, ended_at__isnull=True,
        user_id=OuterRef("involvement__key_worker_id")).values("team_id")[:1])
    accepted = (Referral.objects.filter(
        to_agency_id=agency_id, decided_at__gte=timezone.now() - CONTACT_WINDOW)
        .filter(Q(status=ReferralStatus.ACCEPTED) | Q(status=ReferralStatus.COMPLETED))
        .annotate(first=first_contact, team=key_team).values_list("decided_at", "first", "team"))
    for decided_at, first, team_id in accepted:
        row = figures(team_id)
        if first is None:
            row.never_contacted += 1
        else:
            row.contact_hours.append((first - decided_at).total_seconds() / 3600)
    months = _months(timezone.localdate())
    index = {m: i for i, m in enumerate(months)}
    now = timezone.now()
    late_by = datetime.timedelta(days=ALLOCATION_DAYS)
    in_time = (Q(assigned_at__lte=F("first_submitted_at") + late_by)
               | Q(decided_at__lte=F("first_submitted_at") + late_by))
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time()))
    by_month = (Referral.objects.filter(to_agency_id=agency_id, first_submitted_at__gte=start)
                .annotate(month=TruncMonth("first_submitted_at"),
                          team=F("to_service__handling_team_id"))
                .values("month", "team")
                .annotate(received=Count("pk"), late=Count("pk", filter=~in_time & Q(
                    first_submitted_at__lte=now - late_by)))
                .order_by())
    for row in by_month:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        if month in index:
            cell = figures(row["team"]).monthly[index[month]]
            cell[0] += row["received"]
            cell[1] += row["late"]
    rows = [*sorted(teams.values(), key=lambda t: t.name), no_team]
    for row in rows:
        row.monthly_rows = list(zip(months, row.monthly, strict=True))
    return Workforce(teams=rows, unallocated=unallocated(actor=actor), months=months)


def workforce_csv_rows(figures: Workforce) -> list[list[object]]:
    header = ["Team", "Workers", *[f"Workers with {label} open cases" for *_, label in BANDS],
              "Median hours to first contact (last 90 days)",
              "Accepted referrals with no contact yet"]
    rows = [header]
    for team in figures.teams:
        rows.append([team.name, team.workers, *team.bands.values(),
                     team.median_contact_hours if team.median_contact_hours is not None
                     else "", team.never_contacted])
    rows.append([])
    rows.append(["Unallocated now", "Cases", figures.unallocated.cases, "Actions",
                 figures.unallocated.actions, "Referrals", figures.unallocated.referrals])
    rows.append([])
    rows.append(["Team", "Month", "Referrals received",
                 f"Not picked up, assigned or decided within {ALLOCATION_DAYS} days"])
    for team in figures.teams:
        for month, (received, late) in zip(figures.months, team.monthly, strict=True):
            rows.append([team.name, month.strftime("%Y-%m"), received, late])
    return rows
