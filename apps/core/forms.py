"""The shared form mechanism: every form in the product is an ``apps.core.forms.Form`` (or
``ModelForm``), so that

- every field is validated in one pass and every error is listed at once in the one GOV.UK
  error summary (``templates/includes/error_summary.html``): forms add their cross-field
  errors with ``add_error`` and never stop at the first;
- each message names its field: Django's "This field is required." becomes "Enter the reason
  for the referral" (text) or "Select who gave consent" (a choice), "Ensure this value has at
  most 100 characters" becomes "First name must be 100 characters or fewer", "Select a valid
  choice" becomes "Select the urgency from the list". A message a form sets itself is kept;
- every one-line text input carries ``maxlength``: its own ``max_length`` (the model's for a
  ``ModelForm``), or ``apps.core.limits.LINE_MAX_LENGTH`` when it has none; free text
  (``TextField``) is at most 10,000 characters with a GOV.UK character count.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from apps.core.exceptions import ServiceError
from apps.core.limits import LINE_MAX_LENGTH, TEXT_MAX_LENGTH, too_long_message


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


def field_name(field: forms.Field, name: str) -> str:
    """How messages call a field: its ``message_name`` (set by ``TextField(name=…)``), else
    its label without "(optional)", else its name in words."""
    given = getattr(field, "message_name", None)
    if given:
        return given
    label = field.label if field.label is not None else name.replace("_", " ").capitalize()
    return _name(label, None).rstrip("?:. ")


def _object(name: str) -> str:
    """"Reason for the referral" -> "the reason for the referral"; a question ("Who gave
    consent") or a name with capitals inside ("NHS number") is kept as it is."""
    first = name.partition(" ")[0]
    if first.lower() in {"who", "what", "why", "how", "when", "where", "which", "does", "is",
                         "are", "do", "the", "a", "an", "your", "their", "any"}:
        return name[:1].lower() + name[1:]
    if first[1:] and not first[1:].islower():  # "NHS", "DASH": an acronym keeps its case
        return f"the {name}"
    return f"the {name[:1].lower()}{name[1:]}"


_DEFAULTS = {
    key: str(message) for key, message in {
        **forms.Field.default_error_messages, **forms.ChoiceField.default_error_messages,
        **forms.MultipleChoiceField.default_error_messages,
        **forms.ModelChoiceField.default_error_messages,
        **forms.ModelMultipleChoiceField.default_error_messages,
    }.items()
}
_CHOOSING = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.FileField)


def _is_default(field: forms.Field, key: str) -> bool:
    message = str(field.error_messages.get(key) or "")
    return not message or message == _DEFAULTS.get(key) or message.startswith(
        ("Ensure this value has at most", "Select a valid choice"))


def govuk_field(field: forms.Field, name: str) -> None:
    """Give one field the design system's messages (naming it) and its ``maxlength``."""
    label = field_name(field, name)
    choosing = isinstance(field, _CHOOSING)
    if _is_default(field, "required"):
        verb = "Select" if choosing else "Enter"
        field.error_messages["required"] = f"{verb} {_object(label)}"
    for key in ("invalid_choice", "invalid_list", "invalid_pk_value"):
        if key in field.error_messages and _is_default(field, key):
            field.error_messages[key] = f"Select {_object(label)} from the list"  # noqa: S608
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
        if field.max_length is None:
            limit = TEXT_MAX_LENGTH if isinstance(field.widget, forms.Textarea) else (
                LINE_MAX_LENGTH)
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs.update(field.widget_attrs(field.widget))
        if _is_default(field, "max_length"):
            field.error_messages["max_length"] = too_long_message(label, field.max_length)


class GovukFormMixin:
    """Named messages and ``maxlength`` for every field (see the module docstring)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._govuk_done: set[int] = set()
        self._govuk_fields()

    def _govuk_fields(self) -> None:
        """Also for fields a form adds in its own ``__init__`` (after this one's): run again
        before validating and rendering, once per field."""
        for name, field in self.fields.items():
            if id(field) not in self._govuk_done:
                govuk_field(field, name)
                self._govuk_done.add(id(field))

    def full_clean(self) -> None:
        self._govuk_fields()
        super().full_clean()

    def __getitem__(self, name: str) -> forms.BoundField:
        self._govuk_fields()
        return super().__getitem__(name)


class Form(GovukFormMixin, forms.Form):
    """The base of every form in the product."""


class ModelForm(GovukFormMixin, forms.ModelForm):
    """The base of every model form in the product: the model's ``max_length`` becomes the
    input's ``maxlength`` and its message names the field."""


class TextField(forms.CharField):
    """Free text (a GOV.UK textarea with a character count): at most 10,000 characters, or
    the given ``max_length``; the message names the field ("Note must be 10,000 characters
    or fewer"). The same limit as the API's ``apps.core.api.fields.TextField``."""

    def __init__(self, *, name: str | None = None, max_length: int = TEXT_MAX_LENGTH,
                 widget: Any = forms.Textarea, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, widget=widget, **kwargs)
        self.message_name = _name(kwargs.get("label"), name)
        self.error_messages["max_length"] = too_long_message(self.message_name, max_length)
