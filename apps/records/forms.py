from __future__ import annotations

from django import forms

from apps.core.date_input import DateInputField
from apps.core.forms import Form, TextField
from apps.records.models import RequesterKind, RightsRequestKind


class PersonSearchForm(Form):
    q = forms.CharField(label="Search by name", max_length=100, required=False)


class SarOpenForm(Form):
    person = forms.UUIDField(widget=forms.HiddenInput,
                             error_messages={"required": "Choose the person who asked.",
                                             "invalid": "Choose the person who asked."})
    received_on = DateInputField(kind="event", label="Date the request was received",
                                 error_messages={"required": "Enter the date the request "
                                                             "was received"})
    requester_kind = forms.ChoiceField(label="Who asked?", widget=forms.RadioSelect,
                                       choices=RequesterKind.choices,
                                       initial=RequesterKind.PERSON)
    requester_details = TextField(
        label="Who asked, and how they showed they may (optional for the person)",
        required=False, max_length=2000)


class SarReleaseForm(Form):
    note = TextField(label="What was released, and how",
                     help_text="For example, \"Redacted bundle sent by secure email on "
                               "12 December\".",
                     error_messages={"required": "Say what was released and how."},
                     max_length=2000)


class RetentionRuleForm(Form):
    months = forms.IntegerField(label="Keep closed cases for (months)", min_value=1,
                                max_value=1200,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})
    reason = TextField(label="Why (optional)", required=False, max_length=2000)


class AgreementRetentionForm(Form):
    months = forms.IntegerField(label="Retention the agreement states (months)", min_value=1,
                                max_value=1200,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})


class RetentionDeleteForm(Form):
    confirm = forms.BooleanField(
        label="I confirm the case's personal data should be deleted now",
        error_messages={"required": "Confirm that the personal data should be deleted."})


class RetentionExtendForm(Form):
    months = forms.IntegerField(label="Keep it for another (months)", min_value=1,
                                max_value=120,
                                error_messages={"required": "Enter the number of months.",
                                                "invalid": "Enter a whole number of months."})
    reason = TextField(label="Why it must be kept longer", max_length=2000,
                       error_messages={"required": "Say why the case must be kept longer."})


class LegalHoldForm(Form):
    reason = TextField(label="Why the case is held", max_length=2000,
                       error_messages={"required": "Say why the case is held."})


class CorrectionForm(Form):
    given_name = forms.CharField(label="Given name", max_length=100,
                                 error_messages={"required": "Enter the person's given name."})
    family_name = forms.CharField(label="Family name", max_length=100,
                                  error_messages={"required": "Enter the person's family "
                                                              "name."})
    other_names = forms.CharField(label="Other names or aliases", max_length=200,
                                  required=False)
    date_of_birth = DateInputField(kind="birth", label="Date of birth", required=False)
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False,
                             error_messages={"invalid": "Enter an email address like "
                                                        "name@example.com."})
    reason = TextField(label="Why the details are being corrected", max_length=2000,
                       error_messages={"required": "Say why the details are being "
                                                   "corrected."})

    def __init__(self, *args: object, contact: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not contact:
            from apps.records.rectification import CONTACT_FIELDS

            for name in CONTACT_FIELDS:
                del self.fields[name]


class RightsRequestForm(Form):
    person = forms.UUIDField(widget=forms.HiddenInput,
                             error_messages={"required": "Choose the person who asked.",
                                             "invalid": "Choose the person who asked."})
    kind = forms.ChoiceField(label="What did the person ask for?", widget=forms.RadioSelect,
                             choices=RightsRequestKind.choices,
                             error_messages={"required": "Choose what the person asked for."})
    received_on = DateInputField(kind="event", label="Date the request was received",
                                 error_messages={"required": "Enter the date the request "
                                                             "was received"})
    details = TextField(label="What they asked for", max_length=5000,
                        error_messages={"required": "Say what the person asked for."})


class RightsDecisionForm(Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("granted", "Granted"), ("partly", "Partly granted"), ("refused", "Refused")],
        error_messages={"required": "Choose the decision."})
    reasons = TextField(label="Reasons", max_length=5000,
                        help_text="For example, the exemption relied on, or what was "
                                  "restricted or erased.",
                        error_messages={"required": "Give the reasons for the decision."})
