"""The one GOV.UK date input: every date a user types is a day, a month and a year box.

``DateInputField`` (a date) and ``DateTimeInputField`` (a date and a time of day) give the
design system's messages, naming the field:

- nothing entered (required): "Enter the due date" (or the form's ``required`` message)
- part missing: "Date of birth must include a month", "... must include a day and year"
- not a date: "Date of birth must be a real date"; a year of 2 digits: "Year must include 4
  numbers"
- outside the window of its ``kind`` (``apps.core.limits.DateRangeValidator``, shared with
  the API): "Date of birth must be today or in the past", "Due date must be within 5 years
  from today"

and mark only the boxes at fault (the missing month, or every box for an impossible date);
the error summary links to the first of them. Rendered by ``templates/includes/date_input.html``
(``includes/field.html`` hands these fields to it). The API keeps ISO 8601 dates.

Written here rather than taken from a library: the maintained GOV.UK Django form libraries
(crispy-forms-gds, django-gov-forms) bring their own form rendering, which would replace the
project's templates rather than fit them.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.limits import DateRangeValidator

DATE_PARTS = ("day", "month", "year")
_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?$")


def _field_name(label: Any, name: str | None) -> str:
    if name:
        return name
    text = re.sub(r"\s*\([^)]*\)\s*$", "", str(label or "")).strip()
    return text or "Date"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes: ``<name>_day``, ``<name>_month``, ``<name>_year``.

    ``error_parts`` is set by the field while cleaning: the boxes to mark as wrong."""

    parts: tuple[str, ...] = DATE_PARTS

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({part: forms.TextInput for part in self.parts}, attrs)
        self.error_parts: tuple[str, ...] = ()

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.day, value.month, value.year, format_time_input(value)]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:  # an ISO date (or date and time) as initial data
            parse = datetime.datetime if "time" in self.parts else datetime.date
            try:
                return self.decompress(parse.fromisoformat(value))
            except ValueError:
                pass
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[Any]:
        """The boxes; or, when none was sent, one ISO value under the field's own name (a
        link or an API query such as ``?date_from=2026-06-01``): an unreadable one fails as
        "must be a real date"."""
        if name in data and not any(f"{name}_{part}" in data for part in self.parts):
            single = data.get(name) or ""
            parts = self.decompress(single)
            if single and not any(parts):
                return [single] * len(self.parts)
            return [str(part) if part is not None else "" for part in parts]
        return super().value_from_datadict(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id")
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["part"] = part
            sub["error"] = part in self.error_parts
            if base_id:
                sub["attrs"]["id"] = f"{base_id}_{part}"
        return context

    def id_for_label(self, id_: str) -> str:
        if not id_:
            return ""
        return f"{id_}_{self.error_parts[0] if self.error_parts else self.parts[0]}"


class GovukDateTimeInput(GovukDateInput):
    """The date boxes and a time box (``<name>_time``: "10:30am", "2pm" or "14:30")."""

    parts = (*DATE_PARTS, "time")


def format_time_input(value: datetime.datetime | datetime.time) -> str:
    """The time as a user would type it back: "10:30am", "2pm", "12pm"."""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


class DateInputField(forms.MultiValueField):
    """A date from day, month and year boxes, inside the window of its ``kind`` (``birth``,
    ``event``, ``planned``; None for no window, e.g. search filters)."""

    widget = GovukDateInput

    def __init__(self, *, kind: str | None = None, name: str | None = None,
                 **kwargs: Any) -> None:
        self.kind = kind
        self.name = _field_name(kwargs.get("label"), name)
        kwargs.setdefault("help_text", self.example())
        parts = [forms.CharField(required=False, strip=True) for _ in self.widget.parts]
        error_messages = {"required": f"Enter {_lower_first(self.name)}",
                          **(kwargs.pop("error_messages", None) or {})}
        super().__init__(fields=parts, require_all_fields=False,
                         error_messages=error_messages, **kwargs)
        if kind:
            self.validators.append(DateRangeValidator(kind, self.name))

    def example(self) -> str:
        """The design system's hint: "For example, 27 3 2027" (a year that fits the kind)."""
        year = timezone.localdate().year
        year = {"birth": 1985, "event": year - 1, "planned": year + 1}.get(self.kind or "", year)
        return f"For example, 27 3 {year}"

    def clean(self, value: Any) -> Any:
        self.widget.error_parts = ()
        try:
            return super().clean(value)
        except ValidationError:
            if not self.widget.error_parts:
                self.widget.error_parts = self.widget.parts
            raise

    def _fail(self, message: str, parts: tuple[str, ...], code: str) -> ValidationError:
        self.widget.error_parts = parts
        return ValidationError(message, code=code)

    def _date(self, day: str, month: str, year: str) -> datetime.date:
        given = {"day": day, "month": month, "year": year}
        missing = tuple(part for part in DATE_PARTS if not given[part])
        if missing:
            raise self._fail(f"{self.name} must include a {' and '.join(missing)}", missing,
                             "incomplete")
        not_numbers = tuple(part for part in DATE_PARTS if not given[part].isdigit())
        if not_numbers:
            raise self._fail(f"{self.name} must be a real date", not_numbers, "invalid")
        if len(year) != 4:
            raise self._fail("Year must include 4 numbers", ("year",), "invalid_year")
        if not 1 <= int(month) <= 12:
            raise self._fail(f"{self.name} must be a real date", ("month",), "invalid")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise self._fail(f"{self.name} must be a real date", ("day",), "invalid") from exc

    def compress(self, data_list: list[str]) -> Any:
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list[:3]
        return self._date(day, month, year)


class DateTimeInputField(DateInputField):
    """A date from day, month and year boxes and a time of day ("10:30am", "14:30"), as an
    aware datetime in the current time zone."""

    widget = GovukDateTimeInput

    def example(self) -> str:
        return f"{super().example()} and 10:30am"

    def compress(self, data_list: list[str]) -> Any:
        if not data_list or not any(data_list):
            return None
        day, month, year, time = data_list
        date = self._date(day, month, year)
        if not time:
            raise self._fail(f"{self.name} must include a time", ("time",), "incomplete")
        match = _TIME.match(time.lower().replace(" ", ""))
        hour = int(match["hour"]) if match else -1
        minute = int(match["minute"] or 0) if match else -1
        if match and match["ampm"]:
            hour = -1 if not 1 <= hour <= 12 else hour % 12 + (12 if match["ampm"] == "pm" else 0)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise self._fail(f"{self.name} must be a real time, like 10:30am or 14:30",
                             ("time",), "invalid_time")
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))
