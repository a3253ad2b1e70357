"""Wording filters, built in to every template: ``{{ agency.name|possessive }}`` gives
"Safe Haven's" and "Children's Services'"."""

from __future__ import annotations

from django import template

from apps.core.text import possessive as _possessive

register = template.Library()


@register.filter
def possessive(value: object) -> str:
    return _possessive(value) if value not in (None, "") else ""
