"""The referral funnel: grouped SQL aggregates over the referrals a scope counts.

The pages and the API read the nightly summary (``SummaryReferrals``: sums over
``ReferralMonth`` and medians from ``ReferralDuration``'s histograms). ``LiveReferrals``
computes the same tables from the referrals themselves (COUNT … FILTER, percentile_cont,
TruncMonth over ``referral_report_from`` / ``referral_report_to``); the tests check that the
two agree. Both answer the same three questions: ``grouped``, ``totals`` and ``declines``."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from apps.agencies.models import AgencyKind
from apps.cases.models import CaseNote, NoteKind
from apps.insight.filters import Filters
from apps.insight.models import DurationMeasure, ReferralDuration, ReferralMonth
from apps.insight.scope import ReportScope
from apps.insight.sql import Median, histogram_median, hours_between
from apps.insight.tables import Chart, Table, hours, rate
from apps.referrals.models import DeclineCategory, Referral, ReferralStatus

ACCEPTED = Q(status__in=(ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED))
DECLINED = Q(status=ReferralStatus.DECLINED)
DECIDED = ACCEPTED | DECLINED
KIND_LABELS = dict(AgencyKind.choices)


def funnel_referrals(*, scope: ReportScope, filters: Filters) -> QuerySet[Referral]:
    return Referral.objects.filter(scope.referrals_q() & filters.referrals_q()).order_by()


COUNTS = {
    "made": None,
    "accepted": ACCEPTED,
    "declined": DECLINED,
    "withdrawn": Q(status=ReferralStatus.WITHDRAWN),
    "completed": Q(status=ReferralStatus.COMPLETED),
    "open": Q(status__in=(ReferralStatus.SUBMITTED, ReferralStatus.INFO_REQUESTED)),
}


def first_contact() -> Subquery:
    """When the receiving agency first recorded contact with the person after submission."""
    notes = CaseNote.objects.filter(
        case_id=OuterRef("case_id"), agency_id=OuterRef("to_agency_id"), kind=NoteKind.CONTACT,
        created_at__gte=OuterRef("first_submitted_at")).order_by("created_at")
    return Subquery(notes.values("created_at")[:1])


def _and(condition: Q | None, where: Q | None) -> Q | None:
    if condition is None:
        return where or None
    return condition & where if where else condition


class LiveReferrals:
    """The figures computed now, from the referrals themselves (one grouped query each)."""

    def __init__(self, referrals: QuerySet[Referral]) -> None:
        self.referrals = referrals

    @staticmethod
    def _counts(where: Q | None = None) -> dict:
        return {**{name: Count("id", filter=_and(condition, where))
                   for name, condition in COUNTS.items()},
                "decision_hours": Median(hours_between("first_submitted_at", "decided_at"),
                                         filter=_and(DECIDED, where))}

    def grouped(self, dims: list[str], *, medians: bool = True) -> list[dict]:
        rows = self.referrals
        if "month" in dims:
            rows = rows.annotate(month=TruncMonth("first_submitted_at"))
        return list(rows.values(*dims).annotate(**self._counts()).order_by(*dims))

    def totals(self, groups: list[Q]) -> list[dict]:
        values = self.referrals.aggregate(**{
            f"g{key}_{name}": agg for key, where in enumerate(groups)
            for name, agg in self._counts(where or None).items()})
        contact = (self.referrals.filter(ACCEPTED).annotate(contact_at=first_contact())
                   .filter(contact_at__isnull=False).aggregate(**{
                       f"g{key}": Median(hours_between("first_submitted_at", "contact_at"),
                                         filter=where or None)
                       for key, where in enumerate(groups)}))
        return [{**{name: values[f"g{key}_{name}"] for name in (*COUNTS, "decision_hours")},
                 "contact_hours": contact[f"g{key}"]} for key in range(len(groups))]

    def declines(self) -> list[dict]:
        return list(self.referrals.filter(DECLINED).values("decline_category")
                    .annotate(n=Count("id")).order_by("-n", "decline_category"))


class SummaryReferrals:
    """The same figures from the nightly summary (``apps/insight/models.py``): sums of monthly
    counts, and medians from the summed duration histograms."""

    def __init__(self, *, scope: ReportScope, filters: Filters) -> None:
        where = scope.pair_q("from_agency_id", "to_agency_id") & filters.summary_q()
        self.months = ReferralMonth.objects.filter(where).order_by()
        self.durations = ReferralDuration.objects.filter(where).order_by()

    @staticmethod
    def _sums(where: Q | None = None) -> dict:
        return {name: Coalesce(Sum("referrals", filter=_and(condition, where)), 0)
                for name, condition in COUNTS.items()}

    def _medians(self, dims: list[str], measure: str) -> dict[tuple, float | None]:
        rows = (self.durations.filter(measure=measure).values(*dims, "bucket")
                .annotate(n=Sum("referrals"), hours=Sum("hours_sum"))
                .order_by(*dims, "bucket"))
        histograms: dict[tuple, list] = {}
        for row in rows:  # a few dozen buckets per group, not referrals
            histograms.setdefault(tuple(row[d] for d in dims), []).append(
                (row["n"], row["hours"]))
        return {key: histogram_median(buckets) for key, buckets in histograms.items()}

    def grouped(self, dims: list[str], *, medians: bool = True) -> list[dict]:
        """``medians=False``: a table that shows no durations skips the histogram query."""
        found = self._medians(dims, DurationMeasure.DECISION) if medians else {}
        rows = list(self.months.values(*dims).annotate(**self._sums()).order_by(*dims))
        for row in rows:
            row["decision_hours"] = found.get(tuple(row[d] for d in dims))
        return rows

    def totals(self, groups: list[Q]) -> list[dict]:
        values = self.months.aggregate(**{
            f"g{key}_{name}": agg for key, where in enumerate(groups)
            for name, agg in self._sums(where or None).items()})
        histograms = list(self.durations.values("measure", "bucket").annotate(**{
            f"g{key}_{part}": Coalesce(Sum(field, filter=where or None), agg_zero)
            for key, where in enumerate(groups)
            for part, field, agg_zero in (("n", "referrals", 0), ("h", "hours_sum", 0.0))})
            .order_by("measure", "bucket"))
        result = []
        for key in range(len(groups)):
            row = {name: values[f"g{key}_{name}"] for name in COUNTS}
            for measure, name in ((DurationMeasure.DECISION, "decision_hours"),
                                  (DurationMeasure.CONTACT, "contact_hours")):
                row[name] = histogram_median([(h[f"g{key}_n"], h[f"g{key}_h"])
                                              for h in histograms if h["measure"] == measure])
            result.append(row)
        return result

    def declines(self) -> list[dict]:
        return list(self.months.filter(DECLINED).values("decline_category")
                    .annotate(n=Sum("referrals")).order_by("-n", "decline_category"))


def _row(label: str, c: dict) -> list:
    decided = c["accepted"] + c["declined"]
    return [label, c["made"], c["accepted"], c["declined"], c["withdrawn"], c["completed"],
            c["open"], rate(c["accepted"], decided), hours(c["decision_hours"])]


COLUMNS = ["Referrals", "Accepted", "Declined", "Withdrawn", "Completed", "Open",
           "Accepted of decided (%)", "Median hours to decision"]


def summary_table(*, source, scope: ReportScope) -> Table:
    """Made and received (own agency) or between parties (partnership), and the timings."""
    table = Table(key="summary", title="Referrals in the period",
                  description="Referrals made and received, how many were accepted, declined, "
                              "withdrawn and completed, and how long decisions took.",
                  columns=["", *COLUMNS, "Median hours to first contact"])
    if scope.partnership:
        groups = [("Between the partners", Q())]
    else:
        agency_id = scope.agency_ids[0]
        groups = [("Made by us", Q(from_agency_id=agency_id)),
                  ("Received by us", Q(to_agency_id=agency_id))]
    for (label, _where), counts in zip(groups, source.totals([w for _l, w in groups]),
                                       strict=True):
        table.rows.append([*_row(label, counts), hours(counts["contact_hours"])])
    return table


def by_month_table(*, source) -> Table:
    rows = source.grouped(["month"])
    return Table(key="by-month", title="Referrals by month of submission",
                 description="For each month, referrals submitted, accepted and declined.",
                 columns=["Month", *COLUMNS],
                 rows=[_row(f"{r['month']:%b %Y}", r) for r in rows],
                 chart=Chart(series=(1, 2, 3), horizontal=False))


def by_sector_table(*, source) -> Table:
    rows = source.grouped(["from_agency__kind", "to_agency__kind"])
    return Table(
        key="by-sector", title="Acceptance by referring and receiving sector",
        description="The share of decided referrals that were accepted, for each pair of "
                    "referring and receiving sectors (statutory, voluntary, social enterprise, "
                    "private).",
        columns=["Referring sector → receiving sector", *COLUMNS],
        rows=[_row(f"{KIND_LABELS.get(r['from_agency__kind'], '')} → "
                   f"{KIND_LABELS.get(r['to_agency__kind'], '')}", r) for r in rows],
        chart=Chart(series=(7,), unit="%", weight=1))


def by_agency_sector_table(*, source) -> Table:
    """Each referring agency's acceptance rate with each receiving sector: parity of esteem."""
    rows = source.grouped(["from_agency__name", "to_agency__kind"], medians=False)
    for r in rows:
        r["decided"] = r["accepted"] + r["declined"]
    kinds = [k for k, _label in AgencyKind.choices]
    by_agency: dict[str, dict] = {}
    for r in rows:  # a handful of grouped rows (agencies by sectors), not referrals
        by_agency.setdefault(r["from_agency__name"], {})[r["to_agency__kind"]] = r
    table = Table(
        key="by-agency-sector",
        title="Acceptance rate by referring agency and receiving sector",
        description="For each referring agency, the percentage of its decided referrals that "
                    "were accepted, by the sector of the receiving agency.",
        columns=["Referring agency",
                 *(f"To {KIND_LABELS[k].lower()}: accepted of decided (%)" for k in kinds),
                 *(f"To {KIND_LABELS[k].lower()}: decided" for k in kinds)],
        chart=Chart(series=tuple(range(1, len(kinds) + 1)), unit="%",
                    weight=len(kinds) + 1))
    for name, cells in by_agency.items():
        table.rows.append([
            name,
            *(rate(cells[k]["accepted"], cells[k]["decided"]) if k in cells else None
              for k in kinds),
            *(cells[k]["decided"] if k in cells else 0 for k in kinds)])
    return table


def by_referring_agency_table(*, source) -> Table:
    rows = source.grouped(["from_agency__name"])
    return Table(key="by-referring-agency", title="Referrals by referring agency",
                 description="Referrals each agency made, and how many were accepted.",
                 columns=["Referring agency", *COLUMNS],
                 rows=[_row(r["from_agency__name"], r) for r in rows],
                 chart=Chart(series=(1, 2, 3)))


def by_receiving_agency_table(*, source) -> Table:
    rows = source.grouped(["to_agency__name"])
    return Table(key="by-receiving-agency",
                 title="Referrals by receiving agency, and hours to decide",
                 description="Referrals each agency received, how many it accepted, and the "
                             "median hours from submission to its decision (the chart).",
                 columns=["Receiving agency", *COLUMNS],
                 rows=[_row(r["to_agency__name"], r) for r in rows],
                 chart=Chart(series=(8,), weight=1))


def declines_table(*, source) -> Table:
    rows = source.declines()
    labels = dict(DeclineCategory.choices)
    return Table(key="declines", title="Declined referrals by reason",
                 description="How many referrals were declined for each reason category.",
                 columns=["Reason", "Declined"],
                 rows=[[labels.get(r["decline_category"], "Not given"), r["n"]] for r in rows],
                 chart=Chart(series=(1,)))


def funnel_tables(*, scope: ReportScope, filters: Filters, live: bool = False) -> list[Table]:
    """The funnel's tables, from the nightly summary; ``live=True``: computed now from the
    referrals (the tests compare the two)."""
    source = (LiveReferrals(funnel_referrals(scope=scope, filters=filters)) if live
              else SummaryReferrals(scope=scope, filters=filters))
    return [summary_table(source=source, scope=scope),
            by_month_table(source=source),
            by_agency_sector_table(source=source),
            by_sector_table(source=source),
            by_referring_agency_table(source=source),
            by_receiving_agency_table(source=source),
            declines_table(source=source)]
