"""One way of showing dates and times everywhere, in the GOV.UK style.

- a date: "30 November 2026" (no leading zero, the month in full)
- a time: "2:05pm", "10am", "midday", "midnight"
- a date and time: "30 November 2026, 2:05pm"

Templates use the filters ``govuk_date``, ``govuk_time`` and ``govuk_datetime``
(``apps/core/templatetags/govuk_dates.py``, built in to every template); Python code (messages,
notification text, choice labels) calls these functions. Aware datetimes are shown in the
local time zone (``TIME_ZONE``). Machine-readable dates stay ISO 8601 (the API, CSV files,
``<time datetime="…">``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_date(value: datetime.date | datetime.datetime | None) -> str:
    """"30 November 2026" ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_time(value: datetime.datetime | datetime.time | None) -> str:
    """"2:05pm", "10am", "midday", "midnight" ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def format_datetime(value: datetime.datetime | None) -> str:
    """"30 November 2026, 2:05pm" ("" for None)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{format_date(value)}, {format_time(value)}"
