from __future__ import annotations

from django import forms

from apps.cases.models import RiskLevel
from apps.people.models import Person


class PersonForm(forms.ModelForm):
    summary = forms.CharField(label="Why are you opening a case?", widget=forms.Textarea,
                              required=False, max_length=5000,
                              help_text="A short summary other agencies will see if involved.")
    risk_level = forms.ChoiceField(label="Risk level", choices=RiskLevel.choices,
                                   initial=RiskLevel.STANDARD)
    restricted = forms.BooleanField(
        label="Restricted case", required=False,
        help_text="Share only with named workers, not whole agencies.")
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "given_name", "family_name", "other_names", "date_of_birth", "gender", "ethnicity",
            "disability", "address_line_1", "address_line_2", "town", "postcode",
            "address_restricted", "phone", "email", "may_phone", "may_text", "may_write",
            "may_leave_voicemail", "safe_times", "safe_word", "communication_needs",
        ]
        labels = {
            "given_name": "First name", "family_name": "Last name",
            "date_of_birth": "Date of birth", "address_line_1": "Address line 1",
            "address_line_2": "Address line 2 (optional)", "town": "Town or city",
            "address_restricted": "Restricted address (only the lead agency sees it)",
            "may_phone": "May we phone?", "may_text": "May we send texts?",
            "may_write": "May we write?", "may_leave_voicemail": "May we leave voicemail?",
            "safe_times": "Safe times to contact", "safe_word": "Safe word",
        }
        help_texts = {"date_of_birth": "For example, 27/03/1985"}
        widgets = {"communication_needs": forms.Textarea, "date_of_birth": forms.DateInput}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].input_formats = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
        self.fields["given_name"].error_messages["required"] = "Enter the person's first name."
        self.fields["family_name"].error_messages["required"] = "Enter the person's last name."
        self.fields["date_of_birth"].error_messages["invalid"] = (
            "Enter the date of birth as day/month/year, for example 27/03/1985.")

    PERSON_FIELDS = Meta.fields


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=100)


class OpenCaseForm(forms.Form):
    summary = forms.CharField(label="Why are you opening a case?", widget=forms.Textarea,
                              required=False, max_length=5000)
    risk_level = forms.ChoiceField(label="Risk level", choices=RiskLevel.choices,
                                   initial=RiskLevel.STANDARD)
    restricted = forms.BooleanField(label="Restricted case", required=False)
