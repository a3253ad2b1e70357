"""Form data for the GOV.UK date input (apps/core/date_input.py) in view tests."""

from __future__ import annotations

import datetime


def date_data(name: str, value: datetime.date | None) -> dict[str, str]:
    """``{"due_date_day": "1", "due_date_month": "2", "due_date_year": "2030"}``."""
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month),
            f"{name}_year": str(value.year)}


def datetime_data(name: str, value: datetime.datetime) -> dict[str, str]:
    """The date boxes and the time box ("14:30")."""
    return {**date_data(name, value), f"{name}_time": f"{value:%H:%M}"}
