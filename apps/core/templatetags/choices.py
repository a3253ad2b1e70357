"""``{{ choices|options }}``: (value, label) pairs as ``<option>`` elements, escaped. For long
lists (an agency's 2,000 members): one ``format_html_join`` instead of a template loop that
renders and localises two variables per option."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def options(choices: Iterable[tuple[object, object]]) -> SafeString:
    return format_html_join("", '<option value="{}">{}</option>', choices)
