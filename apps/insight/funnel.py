"""The referral funnel: grouped SQL aggregates over the referrals a scope counts.

Each table is one grouped query (COUNT … FILTER, percentile_cont, TruncMonth) over indexed
columns (``referral_report_from`` / ``referral_report_to``: agency and first submission)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from apps.agencies.models import AgencyKind
from apps.cases.models import CaseNote, NoteKind
from apps.insight.filters import Filters
from apps.insight.scope import ReportScope
from apps.insight.sql import Median, hours_between
from apps.insight.tables import Chart, Table, hours, rate
from apps.referrals.models import DeclineCategory, Referral, ReferralStatus

ACCEPTED = Q(status__in=(ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED))
DECLINED = Q(status=ReferralStatus.DECLINED)
DECIDED = ACCEPTED | DECLINED
KIND_LABELS = dict(AgencyKind.choices)


def funnel_referrals(*, scope: ReportScope, filters: Filters) -> QuerySet[Referral]:
    return Referral.objects.filter(scope.referrals_q() & filters.referrals_q()).order_by()


def _counts() -> dict:
    return {
        "made": Count("id"),
        "accepted": Count("id", filter=ACCEPTED),
        "declined": Count("id", filter=DECLINED),
        "withdrawn": Count("id", filter=Q(status=ReferralStatus.WITHDRAWN)),
        "completed": Count("id", filter=Q(status=ReferralStatus.COMPLETED)),
        "open": Count("id", filter=Q(status__in=(ReferralStatus.SUBMITTED,
                                                  ReferralStatus.INFO_REQUESTED))),
        "decision_hours": Median(hours_between("first_submitted_at", "decided_at"),
                                 filter=DECIDED),
    }


def _first_contact() -> Subquery:
    """When the receiving agency first recorded contact with the person after submission."""
    notes = CaseNote.objects.filter(
        case_id=OuterRef("case_id"), agency_id=OuterRef("to_agency_id"), kind=NoteKind.CONTACT,
        created_at__gte=OuterRef("first_submitted_at")).order_by("created_at")
    return Subquery(notes.values("created_at")[:1])


def _row(label: str, c: dict) -> list:
    decided = c["accepted"] + c["declined"]
    return [label, c["made"], c["accepted"], c["declined"], c["withdrawn"], c["completed"],
            c["open"], rate(c["accepted"], decided), hours(c["decision_hours"])]


COLUMNS = ["Referrals", "Accepted", "Declined", "Withdrawn", "Completed", "Open",
           "Accepted of decided (%)", "Median hours to decision"]


def summary_table(*, referrals: QuerySet[Referral], scope: ReportScope) -> Table:
    """Made and received (own agency) or between parties (partnership), and the timings."""
    table = Table(key="summary", title="Referrals in the period",
                  description="Referrals made and received, how many were accepted, declined, "
                              "withdrawn and completed, and how long decisions took.",
                  columns=["", *COLUMNS, "Median hours to first contact"])
    contact = (referrals.filter(ACCEPTED).annotate(contact_at=_first_contact())
               .filter(contact_at__isnull=False))
    if scope.partnership:
        groups = [("Between the partners", Q())]
    else:
        agency_id = scope.agency_ids[0]
        groups = [("Made by us", Q(from_agency_id=agency_id)),
                  ("Received by us", Q(to_agency_id=agency_id))]
    aggregates = {}
    for key, (_label, where) in enumerate(groups):
        for name, agg in _counts().items():
            agg.filter = (agg.filter & where) if agg.filter is not None else where or None
            aggregates[f"g{key}_{name}"] = agg
    values = referrals.aggregate(**aggregates)
    contact_values = contact.aggregate(**{
        f"g{key}": Median(hours_between("first_submitted_at", "contact_at"), filter=where or None)
        for key, (_label, where) in enumerate(groups)})
    for key, (label, _where) in enumerate(groups):
        counts = {name: values[f"g{key}_{name}"] for name in _counts()}
        table.rows.append([*_row(label, counts), hours(contact_values[f"g{key}"])])
    return table


def by_month_table(*, referrals: QuerySet[Referral]) -> Table:
    rows = (referrals.annotate(month=TruncMonth("first_submitted_at")).values("month")
            .annotate(**_counts()).order_by("month"))
    return Table(key="by-month", title="Referrals by month of submission",
                 description="For each month, referrals submitted, accepted and declined.",
                 columns=["Month", *COLUMNS],
                 rows=[_row(f"{r['month']:%b %Y}", r) for r in rows],
                 chart=Chart(series=(1, 2, 3), horizontal=False))


def by_sector_table(*, referrals: QuerySet[Referral]) -> Table:
    rows = (referrals.values("from_agency__kind", "to_agency__kind").annotate(**_counts())
            .order_by("from_agency__kind", "to_agency__kind"))
    return Table(
        key="by-sector", title="Acceptance by referring and receiving sector",
        description="The share of decided referrals that were accepted, for each pair of "
                    "referring and receiving sectors (statutory, voluntary, social enterprise, "
                    "private).",
        columns=["Referring sector → receiving sector", *COLUMNS],
        rows=[_row(f"{KIND_LABELS.get(r['from_agency__kind'], '')} → "
                   f"{KIND_LABELS.get(r['to_agency__kind'], '')}", r) for r in rows],
        chart=Chart(series=(7,), unit="%", weight=1))


def by_agency_sector_table(*, referrals: QuerySet[Referral]) -> Table:
    """Each referring agency's acceptance rate with each receiving sector: parity of esteem."""
    rows = (referrals.values("from_agency__name", "to_agency__kind")
            .annotate(decided=Count("id", filter=DECIDED), accepted=Count("id", filter=ACCEPTED))
            .order_by("from_agency__name", "to_agency__kind"))
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


def by_referring_agency_table(*, referrals: QuerySet[Referral]) -> Table:
    rows = (referrals.values("from_agency__name").annotate(**_counts())
            .order_by("from_agency__name"))
    return Table(key="by-referring-agency", title="Referrals by referring agency",
                 description="Referrals each agency made, and how many were accepted.",
                 columns=["Referring agency", *COLUMNS],
                 rows=[_row(r["from_agency__name"], r) for r in rows],
                 chart=Chart(series=(1, 2, 3)))


def by_receiving_agency_table(*, referrals: QuerySet[Referral]) -> Table:
    rows = (referrals.values("to_agency__name").annotate(**_counts())
            .order_by("to_agency__name"))
    return Table(key="by-receiving-agency",
                 title="Referrals by receiving agency, and hours to decide",
                 description="Referrals each agency received, how many it accepted, and the "
                             "median hours from submission to its decision (the chart).",
                 columns=["Receiving agency", *COLUMNS],
                 rows=[_row(r["to_agency__name"], r) for r in rows],
                 chart=Chart(series=(8,), weight=1))


def declines_table(*, referrals: QuerySet[Referral]) -> Table:
    rows = (referrals.filter(DECLINED).values("decline_category").annotate(n=Count("id"))
            .order_by("-n", "decline_category"))
    labels = dict(DeclineCategory.choices)
    return Table(key="declines", title="Declined referrals by reason",
                 description="How many referrals were declined for each reason category.",
                 columns=["Reason", "Declined"],
                 rows=[[labels.get(r["decline_category"], "Not given"), r["n"]] for r in rows],
                 chart=Chart(series=(1,)))


def funnel_tables(*, scope: ReportScope, filters: Filters) -> list[Table]:
    referrals = funnel_referrals(scope=scope, filters=filters)
    return [summary_table(referrals=referrals, scope=scope),
            by_month_table(referrals=referrals),
            by_agency_sector_table(referrals=referrals),
            by_sector_table(referrals=referrals),
            by_referring_agency_table(referrals=referrals),
            by_receiving_agency_table(referrals=referrals),
            declines_table(referrals=referrals)]
