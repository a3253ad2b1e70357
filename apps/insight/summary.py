"""Build the nightly summary (``apps/insight/models.py``) and say how fresh it is.

``summary_refresh`` rebuilds the three summary tables in **one transaction**: readers keep
seeing the previous figures until it commits, then see the new ones, never a mixture; a second
refresh started meanwhile waits for the first (``LOCK … IN EXCLUSIVE MODE`` blocks writers,
not readers). Every row is written by ``INSERT … SELECT`` from the grouped queries below, which
are the live reports' own expressions (month in the site's time zone, age band at the event,
hours between two timestamps), so the summary counts exactly what the live computation counts.

A system job, not a user's action: beat runs it nightly (``apps.insight.tasks``), an operator
on demand (``manage.py insight_refresh``); it changes no case data and writes no audit row."""

from __future__ import annotations

import datetime
import time

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.agencies.models import Membership
from apps.insight.funnel import ACCEPTED, DECIDED, first_contact
from apps.insight.models import (
    DurationMeasure,
    OutcomeMonth,
    ReferralDuration,
    ReferralMonth,
    SummaryRefresh,
)
from apps.insight.sql import age_band, duration_bucket, hours_between
from apps.marac.models import MaracReferral, MaracReferralStatus
from apps.referrals.models import Referral

NONE_ID = Cast(Value(None), output_field=UUIDField())


def month_of(field: str) -> Cast:
    return Cast(TruncMonth(field), DateField())


def referring_team() -> Subquery:
    """The team of the referrer's current membership of the referring agency."""
    return Subquery(Membership.objects.filter(
        user_id=OuterRef("from_user_id"), agency_id=OuterRef("from_agency_id"),
        ended_at__isnull=True).values("team_id")[:1])


def _referral_keys() -> dict:
    return {"s_month": month_of("first_submitted_at"), "s_from": F("from_agency_id"),
            "s_to": F("to_agency_id"), "s_team": referring_team(),
            "s_area": Coalesce(F("to_service__area"), Value(""))}


def _submitted() -> QuerySet[Referral]:
    return Referral.objects.filter(first_submitted_at__isnull=False).order_by()


def referral_facts() -> QuerySet:
    return (_submitted().values(**_referral_keys(), s_status=F("status"),
                                s_decline=F("decline_category"))
            .annotate(s_n=Count("id")))


def duration_facts(measure: str) -> QuerySet:
    if measure == DurationMeasure.DECISION:
        rows = _submitted().filter(DECIDED, decided_at__isnull=False).annotate(
            s_hours=hours_between("first_submitted_at", "decided_at"))
    else:
        rows = (_submitted().filter(ACCEPTED).annotate(contact_at=first_contact())
                .filter(contact_at__isnull=False)
                .annotate(s_hours=hours_between("first_submitted_at", "contact_at")))
    return (rows.values(**_referral_keys(), s_bucket=duration_bucket(F("s_hours")))
            .annotate(s_n=Count("id"), s_sum=Sum("s_hours")))


def _characteristics(person: str, at: str) -> dict:
    return {"s_ethnic": F(f"{person}__ethnic_group"), "s_gender": F(f"{person}__gender"),
            "s_age": age_band(at, f"{person}__date_of_birth"),
            "s_disabled": F(f"{person}__disabled"),
            "s_orientation": F(f"{person}__sexual_orientation")}


def outcome_facts(outcome: str) -> QuerySet:
    """One outcome's grouped counts, as equality monitoring counts them live
    (``apps.insight.equality.outcome_groups``)."""
    if outcome == "marac":
        rows = MaracReferral.objects.filter(
            submitted_at__isnull=False,
            status__in=(MaracReferralStatus.SUBMITTED, MaracReferralStatus.LISTED,
                        MaracReferralStatus.RETURNED)).order_by()
        keys = {"s_month": month_of("submitted_at"), "s_agency": F("referring_agency_id"),
                "s_other": NONE_ID, "s_team": NONE_ID, "s_area": Value(""),
                **_characteristics("case__subject", "submitted_at")}
        success = Q(status=MaracReferralStatus.LISTED)
    elif outcome == "action":
        rows = Action.objects.exclude(status=ActionStatus.CANCELLED).order_by()
        keys = {"s_month": Cast(TruncMonth("due_date"), DateField()),
                "s_agency": F("owner_agency_id"), "s_other": NONE_ID, "s_team": NONE_ID,
                "s_area": Value(""), **_characteristics("plan__case__subject", "due_date")}
        success = Q(status=ActionStatus.DONE)
    else:
        rows = _submitted().filter(DECIDED)
        referral = _referral_keys()
        keys = {"s_month": referral["s_month"], "s_agency": referral["s_from"],
                "s_other": referral["s_to"], "s_team": referral["s_team"],
                "s_area": referral["s_area"],
                **_characteristics("case__subject", "first_submitted_at")}
        success = ACCEPTED
    return rows.values(**keys).annotate(s_n=Count("id"), s_k=Count("id", filter=success))


def _insert(cursor, model, columns: dict[str, str], facts: QuerySet,
            constants: dict[str, str] | None = None) -> int:
    """``INSERT INTO model (columns) SELECT … FROM (facts) q``; ``columns`` maps a model
    column to the facts' alias; ``constants`` adds fixed values (query parameters)."""
    sql, params = facts.query.sql_with_params()
    constants = constants or {}
    names = [*constants, *columns]
    selected = ["%s"] * len(constants) + [f'q."{alias}"' for alias in columns.values()]
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "  # noqa: S608 - names
        f"SELECT {', '.join(selected)} FROM ({sql}) q",  # are the models' own; values params
        [*constants.values(), *params])
    return cursor.rowcount


REFERRAL_COLUMNS = {"month": "s_month", "from_agency_id": "s_from", "to_agency_id": "s_to",
                    "from_team_id": "s_team", "area": "s_area"}


def summary_refresh() -> SummaryRefresh:
    """Rebuild every summary table in one transaction; returns the refresh's record."""
    started = time.perf_counter()
    tables = [m._meta.db_table for m in (ReferralMonth, ReferralDuration, OutcomeMonth)]
    with transaction.atomic(), connection.cursor() as cursor:
        computed_at = timezone.now()
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the models' own tables
        referral_rows = _insert(cursor, ReferralMonth, {
            **REFERRAL_COLUMNS, "status": "s_status", "decline_category": "s_decline",
            "referrals": "s_n"}, referral_facts())
        duration_rows = sum(
            _insert(cursor, ReferralDuration, {**REFERRAL_COLUMNS, "bucket": "s_bucket",
                                               "referrals": "s_n", "hours_sum": "s_sum"},
                    duration_facts(measure), constants={"measure": measure})
            for measure in DurationMeasure.values)
        outcome_rows = sum(
            _insert(cursor, OutcomeMonth, {
                "month": "s_month", "agency_id": "s_agency", "other_agency_id": "s_other",
                "from_team_id": "s_team", "area": "s_area", "ethnic_group": "s_ethnic",
                "gender": "s_gender", "age": "s_age", "disabled": "s_disabled",
                "sexual_orientation": "s_orientation", "total": "s_n", "achieved": "s_k"},
                outcome_facts(outcome), constants={"outcome": outcome})
            for outcome in ("referral", "marac", "action"))
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
        return SummaryRefresh.objects.create(
            computed_at=computed_at, seconds=time.perf_counter() - started,
            referral_rows=referral_rows, duration_rows=duration_rows,
            outcome_rows=outcome_rows)


def figures_as_of() -> datetime.datetime | None:
    """When the figures the reports show were computed; None before the first refresh."""
    latest = SummaryRefresh.objects.order_by("-computed_at").values_list(
        "computed_at", flat=True).first()
    return latest
