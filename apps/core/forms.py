from __future__ import annotations

from django import forms

from apps.core.exceptions import ServiceError


def add_service_error(form: forms.Form, error: ServiceError) -> None:
    """Show a refused change on the form: on its field when it names one in the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
