"""Serializer fields with the shared input limits (``apps.core.limits``).

``TextField`` (free text, at most 10,000 characters), ``CharField`` (a short text with the
model's ``max_length``) and ``DateField(kind=…)`` (a date inside a sensible window). Their
messages name the field ("Note must be 10,000 characters or fewer"); drf-spectacular puts
``maxLength`` in the schema and the date window in the description.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from rest_framework import serializers

from apps.core.limits import (
    TEXT_MAX_LENGTH,
    DateRangeValidator,
    label_from_name,
    too_long_message,
)


class CharField(serializers.CharField):
    """A text field whose length message names the field. Only a JSON string is text: a
    number is refused (DRF would turn 42 into "42"), as the schema says."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        if self.max_length is None:
            return
        name = self.label or label_from_name(field_name)
        for validator in self.validators:
            if isinstance(validator, MaxLengthValidator):
                validator.message = too_long_message(name, self.max_length)


class TextField(CharField):
    """Free text: notes, summaries, reasons, justifications (at most 10,000 characters)."""

    def __init__(self, *, max_length: int = TEXT_MAX_LENGTH, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)


class _DateWindow:
    """A date (or the day of a date and time) inside the window of its ``kind``: ``birth``,
    ``event`` (1900 to today) or ``planned`` (2000 to five years ahead), stated in the help
    text (and so in the schema)."""

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        window = DateRangeValidator(kind).describe()
        kwargs["help_text"] = f"{kwargs['help_text']} {window}" if kwargs.get(
            "help_text") else window
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.validators.append(
            DateRangeValidator(self.kind, self.label or label_from_name(field_name)))


class DateField(_DateWindow, serializers.DateField):
    """A date inside the window of its ``kind``."""


class DateTimeField(_DateWindow, serializers.DateTimeField):
    """A date and time whose day is inside the window of its ``kind``."""


class MemberField(serializers.IntegerField):
    """A user id chosen from the acting agency's members (key worker, assignee). An unknown
    id answers 400 with the same words as a user of another agency, so it does not tell
    whether the id exists; the service checks the membership."""

    default_error_messages = {"not_member": "Choose a member of your agency."}

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)

    def run_validation(self, data=serializers.empty):
        from apps.agencies.selectors import user_by_id

        value = super().run_validation(data)
        if value is None:
            return None
        user = user_by_id(user_id=value)
        if user is None or not user.is_active:
            self.fail("not_member")
        return user
