"""SQL expressions the reports share. Django has no median or age aggregate: these two are
written here (a few lines each) rather than computing them in Python over rows."""

from __future__ import annotations

from django.db.models import Aggregate, Case, CharField, F, FloatField, Func, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.lookups import GreaterThanOrEqual, LessThan


class Median(Aggregate):
    """PostgreSQL ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``; honours ``filter=``."""

    function = "percentile_cont"
    name = "Median"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def hours_between(start: str, end: str) -> Func:
    """Hours from ``start`` to ``end`` (two timestamp columns), as a float."""
    return Func(F(end) - F(start), template="EXTRACT(EPOCH FROM %(expressions)s) / 3600.0",
                output_field=FloatField())


AGE_BANDS = (("under_18", "Under 18", 0, 18), ("18_24", "18 to 24", 18, 25),
             ("25_34", "25 to 34", 25, 35), ("35_44", "35 to 44", 35, 45),
             ("45_54", "45 to 54", 45, 55), ("55_64", "55 to 64", 55, 65),
             ("65_plus", "65 and over", 65, 200))
AGE_LABELS = {key: label for key, label, _low, _high in AGE_BANDS} | {"not_known": "Not known"}


def age_years(at: str | Combinable, date_of_birth: str) -> Func:
    """Whole years of age at ``at`` (a timestamp or date column) of ``date_of_birth``."""
    at_expr = F(at) if isinstance(at, str) else at
    return Func(Func(at_expr, F(date_of_birth), function="AGE"),
                template="date_part('year', %(expressions)s)", output_field=FloatField())


def age_band(at: str | Combinable, date_of_birth: str) -> Case:
    """The age band key (``AGE_BANDS``) at ``at``, or "not_known" without a date of birth."""
    years = age_years(at, date_of_birth)
    return Case(
        When(**{f"{date_of_birth}__isnull": True}, then=Value("not_known")),
        *(When(_between(years, low, high), then=Value(key))
          for key, _label, low, high in AGE_BANDS),
        default=Value("not_known"), output_field=CharField())


def _between(years: Func, low: int, high: int) -> Q:
    return Q(GreaterThanOrEqual(years, low)) & Q(LessThan(years, high))
