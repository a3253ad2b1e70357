"""ORUK query parameters, checked: a bad value is a ``BadParameter`` (400), never a 500."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_SEARCH = 200
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
        "FRIDAY", "SATURDAY", "SUNDAY"}
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.IGNORECASE)
TRUE_FALSE = {"true": True, "1": True, "false": False, "0": False}


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def paging(query: QueryDict) -> Paging:
    return Paging(page=_int(query, "page", 1, minimum=1, maximum=1_000_000),
                  per_page=_int(query, "per_page", DEFAULT_PER_PAGE, minimum=1,
                                maximum=MAX_PER_PAGE))


def _int(query: QueryDict, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise BadParameter(name, f"{name} must be a whole number from {minimum} to {maximum}.")
    return int(raw)


def text(query: QueryDict, name: str) -> str:
    value = query.get(name, "").strip()
    if len(value) > MAX_SEARCH:
        raise BadParameter(name, f"{name} must be at most {MAX_SEARCH} characters.")
    return value


def uuid_text(query: QueryDict, name: str) -> str:
    value = query.get(name, "").strip()
    if not value:
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise BadParameter(name, f"{name} must be a UUID.") from exc


def number(query: QueryDict, name: str) -> float | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    try:
        result = float(value)
    except ValueError as exc:
        raise BadParameter(name, f"{name} must be a number.") from exc
    if not 0 <= result <= 150:
        raise BadParameter(name, f"{name} must be from 0 to 150.")
    return result


def boolean(query: QueryDict, name: str) -> bool:
    value = query.get(name, "").strip().lower()
    if not value:
        return False
    if value not in TRUE_FALSE:
        raise BadParameter(name, f"{name} must be true or false.")
    return TRUE_FALSE[value]


def moment(query: QueryDict, name: str) -> datetime.datetime | None:
    value = query.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadParameter(name, f"{name} must be a date or date-time, e.g. "
                                 "2026-11-30T09:00:00Z.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def check_schedule(query: QueryDict) -> None:
    """``day``, ``start_time`` and ``end_time`` are checked; Wraparound services keep no
    opening hours (referral services are reached by referral), so none narrows the list."""
    day = query.get("day", "").strip()
    if day and day.upper() not in DAYS:
        raise BadParameter("day", "day must be a day of the week, e.g. MO or Monday.")
    for name in ("start_time", "end_time"):
        value = query.get(name, "").strip()
        if value and not TIME.match(value):
            raise BadParameter(name, f"{name} must be a time as HH:MM.")
    number(query, "minimum_age")
    number(query, "maximum_age")


def check_place(query: QueryDict) -> None:
    postcode = query.get("postcode", "").strip()
    if postcode and not POSTCODE.match(postcode):
        raise BadParameter("postcode", "postcode must be a UK postcode, e.g. NB1 2AB.")
    proximity = query.get("proximity", "").strip()
    if proximity and not proximity.isdigit():
        raise BadParameter("proximity", "proximity must be a whole number of metres.")
