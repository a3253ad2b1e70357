from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

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


YES_TAG = '<strong class="govuk-tag govuk-tag--red">Yes</strong>'


@register.simple_tag
def table_rows(table) -> SafeString:
    """The ``<tr>`` rows of a report table, built here rather than by template loops: a table
    of 200 agencies is a few thousand cells, which the template engine took most of a second
    to render. Every label and figure is escaped (``html.escape``) before it is joined."""
    rows = []
    for row in table.rows:
        cells = "".join(
            f'<td class="govuk-table__cell'
            f'{" govuk-table__cell--numeric" if is_number(value) else ""}">'
            f'{YES_TAG if value == "Yes" else escape(cell(value))}</td>' for value in row[1:])
        rows.append(f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                    f"{escape(str(row[0]))}</th>{cells}</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
