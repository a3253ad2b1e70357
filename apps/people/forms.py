from __future__ import annotations

from typing import Any

from django import forms

from apps.cases.models import RiskLevel
from apps.core.date_input import DateInputField
from apps.core.forms import Form, ModelForm, TextField
from apps.people.models import Person

MONITORING_FIELDS = ("ethnic_group", "disabled", "sexual_orientation")
PERSON_FIELDS = [
    "given_name", "family_name", "other_names", "date_of_birth", "gender", "ethnicity",
    "disability", "ethnic_group", "disabled", "sexual_orientation",
    "address_line_1", "address_line_2", "town", "postcode",
    "address_restricted", "phone", "email", "may_phone", "may_text", "may_write",
    "may_leave_voicemail", "safe_times", "safe_word", "communication_needs",
]


class PersonDetailsForm(ModelForm):
    """Everything recorded about a person (names, equality monitoring, address, safe contact)."""

    date_of_birth = DateInputField(kind="birth", name="Date of birth",
                                   label="Date of birth (optional)", required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        labels = {
            "given_name": "First name", "family_name": "Last name",
            "other_names": "Other names or aliases (optional)",
            "ethnicity": "Ethnicity in the person's words (optional)",
            "disability": "Disability (optional)",
            "ethnic_group": "Ethnic group (optional)",
            "disabled": "Does the person consider themselves disabled? (optional)",
            "sexual_orientation": "Sexual orientation (optional)",
            "address_line_1": "Address line 1 (optional)",
            "address_line_2": "Address line 2 (optional)", "town": "Town or city (optional)",
            "postcode": "Postcode (optional)",
            "address_restricted": "Restricted address (only the lead agency sees it)",
            "phone": "Phone number (optional)", "email": "Email address (optional)",
            "may_phone": "May we phone?", "may_text": "May we send texts?",
            "may_write": "May we write?", "may_leave_voicemail": "May we leave voicemail?",
            "safe_times": "Safe times to contact (optional)", "safe_word": "Safe word (optional)",
            "communication_needs": "Communication needs (optional)",
        }
        help_texts = {
            "ethnicity": "For equality monitoring.",
            "disability": "For equality monitoring and to plan support.",
            "ethnic_group": "For equality monitoring: figures are only ever shown as counts "
                            "of 5 or more.",
            "address_restricted": "Tick if the person's address must not reach partner "
                                  "agencies, for example when they have fled abuse.",
            "communication_needs": "For example, an interpreter, British Sign Language or "
                                   "easy read.",
        }
        widgets = {"communication_needs": forms.Textarea}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_name"].error_messages["required"] = "Enter the person's first name."
        self.fields["family_name"].error_messages["required"] = "Enter the person's last name."
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com")
        for name in MONITORING_FIELDS:  # optional: left empty, it is "not known"
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in MONITORING_FIELDS:
            if not cleaned.get(name):
                cleaned[name] = "not_known"
        return cleaned

    def person_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class CaseFieldsMixin(Form):
    summary = TextField(name="Summary", label="Why are you opening a case?",
                        required=False,
                        help_text="A short summary other agencies will see if involved.")
    risk_level = forms.ChoiceField(label="Risk level", choices=RiskLevel.choices,
                                   initial=RiskLevel.STANDARD,
                                   error_messages={"required": "Choose a risk level.",
                                                   "invalid_choice": "Choose a risk level."})
    restricted = forms.BooleanField(
        label="Restricted case", required=False,
        help_text="Share only with named workers, not whole agencies.")

    def case_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("summary", "risk_level", "restricted")}


class PersonForm(PersonDetailsForm, CaseFieldsMixin):
    """Add a person and open a case for them."""

    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PersonSearchForm(Form):
    q = forms.CharField(label="Search by name", required=False, max_length=100)
    after = forms.CharField(required=False, widget=forms.HiddenInput)  # an opaque cursor


class OpenCaseForm(CaseFieldsMixin):
    pass


class SamePersonForm(Form):
    """Link two records as the same person, or merge the other into this one."""

    reason = TextField(name="Reason", label="Why are these records the same person?",
                       error_messages={"required": "Explain why these records are the same "
                                                   "person."})
    date_of_birth_reason = TextField(
        name="Date of birth reason",
        label="If the dates of birth differ, which is right and why? (needed to merge)",
        required=False)
