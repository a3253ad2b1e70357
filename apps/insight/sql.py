"""SQL expressions the reports share. Django has no median or age aggregate: these two are
written here (a few lines each) rather than computing them in Python over rows."""

from __future__ import annotations

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
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


# Durations are summarised as a histogram: bucket 0 holds under a quarter of an hour, bucket i
# (1 ≤ i ≤ len) from DURATION_EDGES[i - 1] hours up to (not including) DURATION_EDGES[i]. Each
# bucket keeps its count and the sum of its hours.
DURATION_EDGES = (0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 30, 36, 48, 60, 72, 96, 120, 144,
                  168, 216, 264, 336, 504, 672, 1008, 1344, 2160, 4380, 8760)


def duration_bucket(hours: Func) -> Func:
    """PostgreSQL ``width_bucket`` of ``hours`` over ``DURATION_EDGES`` (constants)."""
    edges = ", ".join(f"{edge:g}" for edge in DURATION_EDGES)
    return Func(hours, template=f"width_bucket(%(expressions)s, ARRAY[{edges}]::float8[])",
                output_field=IntegerField())


def histogram_median(buckets: list[tuple[int, float]]) -> float | None:
    """The median (as ``percentile_cont(0.5)``) of the durations in ``buckets`` — (count,
    sum of hours) in bucket order — taking every duration in a bucket as the bucket's mean.

    Exact when a bucket's durations are equal; otherwise off by less than the width of the
    bucket the median falls in (a quarter of an hour under one hour, an hour under four
    hours, four hours under a day, 12 hours under three days, a day under a week)."""
    buckets = [(n, total) for n, total in buckets if n]
    count = sum(n for n, _total in buckets)
    if not count:
        return None
    position = (count - 1) / 2
    low, high = int(position), int(position) + (position % 1 > 0)

    def value_at(index: int) -> float:
        seen = 0
        for n, total in buckets:
            seen += n
            if index < seen:
                return total / n
        return buckets[-1][1] / buckets[-1][0]

    low_value, high_value = value_at(low), value_at(high)
    return low_value + (high_value - low_value) * (position - low)
