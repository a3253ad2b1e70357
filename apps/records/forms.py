from __future__ import annotations

from django import forms

from apps.core.forms import DateField, TextField
from apps.records.models import RequesterKind


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Search by name", max_length=100, required=False)


class SarOpenForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput,
                             error_messages={"required": "Choose the person who asked.",
                                             "invalid": "Choose the person who asked."})
    received_on = DateField(kind="event", label="Date the request was received",
                            help_text="For example, 2026-11-28. The answer is due one "
                                      "calendar month later.",
                            error_messages={"required": "Enter the date the request was "
                                                        "received.",
                                            "invalid": "Enter the date as YYYY-MM-DD."})
    requester_kind = forms.ChoiceField(label="Who asked?", widget=forms.RadioSelect,
                                       choices=RequesterKind.choices,
                                       initial=RequesterKind.PERSON)
    requester_details = TextField(
        label="Who asked, and how they showed they may (optional for the person)",
        required=False, max_length=2000)


class SarReleaseForm(forms.Form):
    note = TextField(label="What was released, and how",
                     help_text="For example, \"Redacted bundle sent by secure email on "
                               "12 December\".",
                     error_messages={"required": "Say what was released and how."},
                     max_length=2000)


class RetentionRuleForm(forms.Form):
    months = forms.IntegerField(label="Keep closed cases for (months)", min_value=1,
                                max_value=1200,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})
    reason = TextField(label="Why (optional)", required=False, max_length=2000)


class AgreementRetentionForm(forms.Form):
    months = forms.IntegerField(label="Retention the agreement states (months)", min_value=1,
                                max_value=1200,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})


class RetentionDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the case's personal data should be deleted now",
        error_messages={"required": "Confirm that the personal data should be deleted."})


class RetentionExtendForm(forms.Form):
    months = forms.IntegerField(label="Keep it for another (months)", min_value=1,
                                max_value=120,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})
    reason = TextField(label="Why it must be kept longer", max_length=2000,
                       error_messages={"required": "Say why the case must be kept longer."})


class LegalHoldForm(forms.Form):
    reason = TextField(label="Why the case is held", max_length=2000,
                       error_messages={"required": "Say why the case is held."})
