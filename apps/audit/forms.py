from __future__ import annotations

from django import forms

from apps.core.date_input import DateInputField
from apps.core.forms import Form


class AccessLogFilterForm(Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    reference = forms.CharField(label="Case reference", required=False, max_length=20)
    action = forms.ChoiceField(label="Action", required=False, choices=[
        ("", "Any action"), ("view", "Viewed"), ("create", "Created"), ("update", "Changed"),
        ("end", "Ended")])
    date_from = DateInputField(name="Date from", label="From", required=False)
    date_to = DateInputField(name="Date to", label="To", required=False)
