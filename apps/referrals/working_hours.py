"""Working-hours arithmetic for response targets: Monday to Friday, 09:00-17:00 Europe/London.

Pure functions (no database); wall-clock times, so a clock change is handled by zoneinfo.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_START = time(9, 0)
DAY_END = time(17, 0)


def _is_working_day(moment: datetime) -> bool:
    return moment.weekday() < 5


def _next_day_start(moment: datetime) -> datetime:
    day = moment.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, DAY_START, tzinfo=LONDON)


def _clamp_to_working_time(local: datetime) -> datetime:
    """The first working moment at or after ``local``."""
    if not _is_working_day(local) or local.time() >= DAY_END:
        return _next_day_start(local)
    if local.time() < DAY_START:
        return datetime.combine(local.date(), DAY_START, tzinfo=LONDON)
    return local


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` working hours after the aware datetime ``start``."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    remaining = timedelta(hours=hours)
    current = _clamp_to_working_time(start.astimezone(LONDON))
    while True:
        end_of_day = datetime.combine(current.date(), DAY_END, tzinfo=LONDON)
        available = end_of_day - current
        if remaining <= available:
            return (current + remaining).astimezone(start.tzinfo)
        remaining -= available
        current = _next_day_start(current)
