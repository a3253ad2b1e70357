"""Limits on what people may type, shared by every channel (forms, API serializers, schema).

One definition each: forms use ``apps.core.forms`` and serializers ``apps.core.api.fields``,
both built on these constants and validators, so the browser, the API and the OpenAPI schema
give the same limits and the same messages ("Note must be 10,000 characters or fewer").
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# Free text: notes, summaries, reasons, justifications, minutes, research, outcomes.
TEXT_MAX_LENGTH = 10_000
# A one-line answer with no limit of its own (a search, a title, a reference): at most this.
LINE_MAX_LENGTH = 200
# Dates of birth: not in the future, not before this.
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Planned dates (due, review, end, meeting): not before this, at most this many years ahead.
EARLIEST_PLANNED_DATE = datetime.date(2000, 1, 1)
PLANNED_YEARS_AHEAD = 5
# Dates something happened (consent given, incident): not before this, not in the future.
EARLIEST_EVENT_DATE = datetime.date(1900, 1, 1)


def too_long_message(name: str, max_length: int) -> str:
    return f"{name} must be {max_length:,} characters or fewer"


def label_from_name(field_name: str) -> str:
    """``decline_reason`` -> "Decline reason" (for messages of fields without a label)."""
    return field_name.replace("_", " ").strip().capitalize() or "This field"


def _years_ahead(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def _date_of(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@deconstructible
class DateRangeValidator:
    """A date inside a sensible window; messages name the field.

    ``kind`` is ``"birth"`` (1900 .. today), ``"event"`` (1900 .. today) or ``"planned"``
    (2000 .. today + 5 years).
    """

    def __init__(self, kind: str, name: str = "Date") -> None:
        if kind not in ("birth", "event", "planned"):
            raise ValueError(kind)
        self.kind = kind
        self.name = name

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        if self.kind == "birth":
            return EARLIEST_BIRTH_DATE, today
        if self.kind == "event":
            return EARLIEST_EVENT_DATE, today
        return EARLIEST_PLANNED_DATE, _years_ahead(today, PLANNED_YEARS_AHEAD)

    def describe(self) -> str:
        if self.kind == "planned":
            return (f"From {EARLIEST_PLANNED_DATE.isoformat()} to at most "
                    f"{PLANNED_YEARS_AHEAD} years from today.")
        return f"From {self.bounds()[0].isoformat()}, not in the future."

    def __call__(self, value: datetime.date | datetime.datetime | None) -> None:
        if value is None:
            return
        day = _date_of(value)
        earliest, latest = self.bounds()
        if day > latest:
            if self.kind == "planned":
                raise ValidationError(
                    f"{self.name} must be within {PLANNED_YEARS_AHEAD} years from today",
                    code="date_too_late")
            raise ValidationError(f"{self.name} must be today or in the past",
                                  code="date_too_late")
        if day < earliest:
            raise ValidationError(f"{self.name} must be on or after {earliest:%-d %B %Y}",
                                  code="date_too_early")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DateRangeValidator) and other.kind == self.kind
                and other.name == self.name)

    def __hash__(self) -> int:
        return hash((self.kind, self.name))
