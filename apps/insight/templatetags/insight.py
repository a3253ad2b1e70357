from __future__ import annotations

from django import template

from apps.insight.tables import SUPPRESSED

register = template.Library()


@register.filter
def cell(value: object) -> str:
    """A figure as shown in a report table."""
    if value is None or value == "":
        return "–"
    if value == SUPPRESSED:
        return "Fewer than 5"
    if isinstance(value, float):
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
