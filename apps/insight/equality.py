"""Equality monitoring: outcomes by the person's ethnic group, gender, age band, disability and
sexual orientation, with differences flagged and small numbers suppressed (docs/insight.md).

One grouped query per outcome groups by every characteristic at once (over the nightly summary's
``OutcomeMonth``, or live over the rows); the per-characteristic tables are sums over those few
hundred groups (never over rows)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum

from apps.action_plans.models import Action, ActionStatus
from apps.insight.filters import Filters
from apps.insight.funnel import ACCEPTED, DECIDED, funnel_referrals
from apps.insight.models import OutcomeMonth
from apps.insight.scope import ReportScope
from apps.insight.sql import AGE_LABELS, age_band
from apps.insight.suppression import Group, safe_count, suppress
from apps.insight.tables import SUPPRESSED, Chart, Table, rate
from apps.marac.models import MaracReferral, MaracReferralStatus
from apps.people.models import Disabled, EthnicGroup, Gender, SexualOrientation


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    unit: str  # what is counted


OUTCOMES = (
    Outcome("referral", "Referral accepted", "decided referrals"),
    Outcome("marac", "MARAC referral listed for a meeting", "MARAC referrals"),
    Outcome("action", "Action completed", "actions due"),
)
OUTCOME_CHOICES = [(o.key, o.label) for o in OUTCOMES]

DIMENSIONS = (
    ("ethnic_group", "Ethnic group", dict(EthnicGroup.choices)),
    ("gender", "Sex or gender", dict(Gender.choices)),
    ("age", "Age band", AGE_LABELS),
    ("disabled", "Disabled", dict(Disabled.choices)),
    ("sexual_orientation", "Sexual orientation", dict(SexualOrientation.choices)),
)


def threshold_points() -> float:
    """A group is flagged when its rate differs from the rest's by more than this many
    percentage points (setting ``INSIGHT_EQUALITY_THRESHOLD``, default 10)."""
    return float(getattr(settings, "INSIGHT_EQUALITY_THRESHOLD", 10))


def _grouped(rows: QuerySet, person: str, at: str, success: Q) -> QuerySet:
    return (rows.values(ethnic_group=F(f"{person}__ethnic_group"),
                        gender=F(f"{person}__gender"),
                        age=age_band(at, f"{person}__date_of_birth"),
                        disabled=F(f"{person}__disabled"),
                        sexual_orientation=F(f"{person}__sexual_orientation"))
            .annotate(n=Count("id"), k=Count("id", filter=success)).order_by())


def outcome_groups(*, outcome: str, scope: ReportScope, filters: Filters) -> list[dict]:
    """The grouped counts (one row per combination of characteristics) for one outcome, computed
    now from the rows themselves."""
    if outcome == "marac":
        rows = MaracReferral.objects.filter(
            referring_agency_id__in=scope.agency_ids,
            submitted_at__gte=filters.start_at, submitted_at__lt=filters.end_before,
            status__in=(MaracReferralStatus.SUBMITTED, MaracReferralStatus.LISTED,
                        MaracReferralStatus.RETURNED))
        if filters.agency_id:
            rows = rows.filter(referring_agency_id=filters.agency_id)
        return list(_grouped(rows, "case__subject", "submitted_at",
                             Q(status=MaracReferralStatus.LISTED)))
    if outcome == "action":
        rows = Action.objects.filter(
            owner_agency_id__in=scope.agency_ids, due_date__gte=filters.start,
            due_date__lte=filters.end).exclude(status=ActionStatus.CANCELLED)
        if filters.agency_id:
            rows = rows.filter(owner_agency_id=filters.agency_id)
        return list(_grouped(rows, "plan__case__subject", "due_date",
                             Q(status=ActionStatus.DONE)))
    rows = funnel_referrals(scope=scope, filters=filters).filter(DECIDED)
    return list(_grouped(rows, "case__subject", "first_submitted_at", ACCEPTED))


def summary_groups(*, outcome: str, scope: ReportScope, filters: Filters) -> list[dict]:
    """The same grouped counts, summed from the nightly summary (``OutcomeMonth``)."""
    if outcome in ("marac", "action"):
        where = Q(agency_id__in=scope.agency_ids) & filters.summary_q(
            from_field="agency", referrals=False)
    else:
        where = scope.pair_q("agency_id", "other_agency_id") & filters.summary_q(
            from_field="agency", to_field="other_agency")
    return list(OutcomeMonth.objects.filter(where, outcome=outcome)
                .values("ethnic_group", "gender", "age", "disabled", "sexual_orientation")
                .annotate(n=Sum("total"), k=Sum("achieved")).order_by())


def dimension_table(*, groups: list[dict], outcome: Outcome, dimension: tuple) -> Table:
    key, title, labels = dimension
    sums: dict[str, list[int]] = {}
    for row in groups:  # combinations of characteristics, not people
        cell = sums.setdefault(row[key] or "not_known", [0, 0])
        cell[0] += row["n"]
        cell[1] += row["k"]
    total_n = sum(n for n, _k in sums.values())
    total_k = sum(k for _n, k in sums.values())
    marked = suppress([Group(key=g, label=labels.get(g, g), n=n, k=k)
                       for g, (n, k) in sorted(sums.items(), key=lambda i: str(labels.get(
                           i[0], i[0])))])
    limit = threshold_points()
    table = Table(
        key=f"{outcome.key}-{key}", title=f"{outcome.label}, by {title.lower()}",
        description=f"The percentage of {outcome.unit} with the outcome "
                    f"“{outcome.label.lower()}” for each {title.lower()} group, compared with "
                    f"everyone else. Groups under 5 are not shown.",
        columns=[title, "Number", "With the outcome", "Rate (%)", "Rate of everyone else (%)",
                 "Difference (percentage points)", f"Differs by more than {limit:g} points"],
        chart=Chart(series=(3, 4), unit="%"))
    for group in marked:
        if group.suppressed:
            table.rows.append([group.label, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED,
                               SUPPRESSED, ""])
            continue
        own = rate(group.k, group.n)
        rest_n, rest_k = total_n - group.n, total_k - group.k
        rest = rate(rest_k, rest_n) if rest_n >= 5 else None
        difference = round(own - rest, 1) if own is not None and rest is not None else None
        flagged = difference is not None and abs(difference) > limit
        table.rows.append([group.label, group.n, group.k, own, rest, difference,
                           "Yes" if flagged else "No"])
    table.note = (f"All {outcome.unit}: {safe_count(total_n)}, with the outcome: "
                  f"{safe_count(total_k)}.")
    return table


def equality_tables(*, outcome: str, scope: ReportScope, filters: Filters,
                    live: bool = False) -> list[Table]:
    """One outcome's tables, from the nightly summary; ``live=True``: computed now."""
    chosen = next((o for o in OUTCOMES if o.key == outcome), OUTCOMES[0])
    groups = (outcome_groups if live else summary_groups)(outcome=chosen.key, scope=scope,
                                                          filters=filters)
    return [dimension_table(groups=groups, outcome=chosen, dimension=d) for d in DIMENSIONS]
