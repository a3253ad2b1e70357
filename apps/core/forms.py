from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.core.exceptions import ServiceError
from apps.core.limits import TEXT_MAX_LENGTH, too_long_message


def add_service_error(form: forms.Form, error: ServiceError) -> None:
    """Show a refused change on the form: on its field when it names one in the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _name(label: Any, name: str | None) -> str:
    """The field's name for messages: given, or its label without "(optional)" etc."""
    if name:
        return name
    text = re.sub(r"\s*\([^)]*\)\s*$", "", str(label or "")).strip()
    return text or "This field"


class TextField(forms.CharField):
    """Free text (a GOV.UK textarea with a character count): at most 10,000 characters, or
    the given ``max_length``; the message names the field ("Note must be 10,000 characters
    or fewer"). The same limit as the API's ``apps.core.api.fields.TextField``."""

    def __init__(self, *, name: str | None = None, max_length: int = TEXT_MAX_LENGTH,
                 widget: Any = forms.Textarea, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, widget=widget, **kwargs)
        self.error_messages["max_length"] = too_long_message(
            _name(kwargs.get("label"), name), max_length)
