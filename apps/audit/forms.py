from __future__ import annotations

from django import forms


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    reference = forms.CharField(label="Case reference", required=False, max_length=20)
    action = forms.ChoiceField(label="Action", required=False, choices=[
        ("", "Any action"), ("view", "Viewed"), ("create", "Created"), ("update", "Changed"),
        ("end", "Ended")])
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput,
                                input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                help_text="For example, 01/11/2026")
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput,
                              input_formats=["%d/%m/%Y", "%Y-%m-%d"])
