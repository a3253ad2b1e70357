"""The MARAC data return for an area and a quarter (the figures SafeLives asks of a MARAC).

One aggregate over the quarter's agenda items of held meetings, one over its MARAC referrals,
and one count of children: each a single SQL statement (docs/insight.md)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from apps.agencies.models import AgencyKind
from apps.cases.models import CasePerson, CasePersonRole
from apps.insight.sql import age_years
from apps.insight.suppression import is_small
from apps.insight.tables import SUPPRESSED, Chart, Table, rate
from apps.marac.models import (
    AgendaItem,
    MaracArea,
    MaracReferral,
    MaracReferralStatus,
    MeetingStatus,
)
from apps.people.models import EthnicGroup, Gender, SexualOrientation

BENCHMARK_PER_10000 = 40  # SafeLives: cases a year per 10,000 women aged 16 and over
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:  # inclusive
        following = (datetime.date(self.year + 1, 1, 1) if self.number == 4
                     else datetime.date(self.year, 3 * self.number + 1, 1))
        return following - datetime.timedelta(days=1)


def quarter_parse(text: str | None) -> Quarter | None:
    """``2026-Q3`` as a quarter, None when it is not one."""
    match = QUARTER_RE.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return Quarter(int(match.group(1)), int(match.group(2)))


def current_quarter(today: datetime.date | None = None) -> Quarter:
    today = today or timezone.localdate()
    return Quarter(today.year, (today.month - 1) // 3 + 1)


def quarter_choices(count: int = 8) -> list[tuple[str, str]]:
    quarter = current_quarter()
    choices = []
    for _ in range(count):
        choices.append((quarter.key, f"{quarter.key} ({quarter.label})"))
        quarter = (Quarter(quarter.year - 1, 4) if quarter.number == 1
                   else Quarter(quarter.year, quarter.number - 1))
    return choices


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


BME = Q(case__subject__ethnic_group__in=(EthnicGroup.ASIAN, EthnicGroup.BLACK,
                                          EthnicGroup.MIXED, EthnicGroup.OTHER))
LGBT = (Q(case__subject__sexual_orientation__in=(SexualOrientation.GAY_LESBIAN,
                                                 SexualOrientation.BISEXUAL,
                                                 SexualOrientation.OTHER))
        | Q(case__subject__gender=Gender.NON_BINARY))


def _young_harmer() -> Exists:
    """The case has a person causing harm aged under 18 on the day of the meeting."""
    return Exists(CasePerson.objects.filter(
        case_id=OuterRef("case_id"), role=CasePersonRole.ALLEGED_PERPETRATOR,
        person__date_of_birth__isnull=False)
        .annotate(years=age_years(OuterRef("meeting__starts_at"), "person__date_of_birth"))
        .filter(years__lt=18))


def _count_cell(count: int, total: int) -> tuple:
    if is_small(count):
        return SUPPRESSED, SUPPRESSED
    return count, rate(count, total)


def marac_return_tables(*, area: MaracArea, quarter: Quarter) -> list[Table]:
    start, end_before = _aware(quarter.start), _aware(quarter.end + datetime.timedelta(days=1))
    items = AgendaItem.objects.filter(meeting__area=area, meeting__status=MeetingStatus.HELD,
                                      meeting__starts_at__gte=start,
                                      meeting__starts_at__lt=end_before)
    figures = items.aggregate(
        discussed=Count("id"), repeats=Count("id", filter=Q(is_repeat=True)),
        bme=Count("id", filter=BME),
        disabled=Count("id", filter=Q(case__subject__disabled="yes")),
        lgbt=Count("id", filter=LGBT),
        male=Count("id", filter=Q(case__subject__gender=Gender.MALE)),
        young_harmer=Count("id", filter=Q(_young_harmer())))
    children = (CasePerson.objects.filter(role=CasePersonRole.CHILD,
                                          case__marac_items__in=items)
                .aggregate(n=Count("person_id", distinct=True))["n"])
    discussed = figures["discussed"]
    population = area.adult_female_population
    expected = round(population * BENCHMARK_PER_10000 / 10000 / 4, 1) if population else None
    per_10000 = (round(discussed * 4 * 10000 / population, 1) if population else None)
    summary = Table(
        key="return", title=f"{area.name} MARAC data return, {quarter.key}",
        description="Cases discussed against the SafeLives benchmark, the repeat rate, "
                    "children in the households and who the victims were.",
        columns=["Measure", "Number", "Percentage of cases discussed (%)"])
    summary.rows += [
        ["Cases discussed", discussed, ""],
        ["Cases expected at the SafeLives benchmark (40 a year per 10,000 adult women)",
         expected if expected is not None else "area population not recorded", ""],
        ["Cases discussed per 10,000 adult women, a year", per_10000
         if per_10000 is not None else "area population not recorded", ""],
        ["Repeat cases", *_count_cell(figures["repeats"], discussed)],
        ["Children in the households", SUPPRESSED if is_small(children) else children, ""],
        ["Victims from Black and minority ethnic groups",
         *_count_cell(figures["bme"], discussed)],
        ["Disabled victims", *_count_cell(figures["disabled"], discussed)],
        ["LGBT+ victims", *_count_cell(figures["lgbt"], discussed)],
        ["Male victims", *_count_cell(figures["male"], discussed)],
        ["Cases where the person causing harm is under 18",
         *_count_cell(figures["young_harmer"], discussed)],
    ]
    proportions = Table(
        key="proportions", title="Victims' characteristics, share of cases discussed",
        description="The percentage of cases discussed whose victim is from a Black or "
                    "minority ethnic group, disabled, LGBT+ or male, or where the person "
                    "causing harm is under 18; small numbers are not shown.",
        columns=["Group", "Percentage of cases discussed (%)"],
        rows=[[row[0], row[2]] for row in summary.rows[3:] if row[0] != "Children in the "
              "households"],
        chart=Chart(series=(1,), unit="%"))
    kinds = dict(AgencyKind.choices)
    referrals = (MaracReferral.objects.filter(area=area, submitted_at__gte=start,
                                              submitted_at__lt=end_before)
                 .exclude(status=MaracReferralStatus.AWAITING_SIGNOFF)
                 .values("referring_agency__name", "referring_agency__kind")
                 .annotate(n=Count("id")).order_by("referring_agency__name"))
    by_agency = Table(
        key="referrals-by-agency", title="MARAC referrals by referring agency",
        description="How many cases each agency referred to this MARAC in the quarter.",
        columns=["Agency", "Sector", "Referrals"],
        rows=[[r["referring_agency__name"], kinds.get(r["referring_agency__kind"], ""), r["n"]]
              for r in referrals],
        chart=Chart(series=(2,)))
    return [summary, proportions, by_agency]
