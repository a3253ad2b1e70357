"""Template filters for the one way of showing dates (see ``apps.core.dates``). Built in to
every template (``TEMPLATES`` ``builtins``): ``{{ action.due_date|govuk_date }}`` gives
"30 November 2026", ``{{ note.created_at|govuk_datetime }}`` "30 November 2026, 2:05pm"."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from apps.core.dates import format_date, format_datetime, format_time

register = template.Library()


@register.filter(expects_localtime=False)
def govuk_date(value: Any) -> str:
    return format_date(value) if isinstance(value, datetime.date) else ""


@register.filter(expects_localtime=False)
def govuk_time(value: Any) -> str:
    return format_time(value) if isinstance(value, datetime.datetime | datetime.time) else ""


@register.filter(expects_localtime=False)
def govuk_datetime(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    return format_date(value) if isinstance(value, datetime.date) else ""
