from __future__ import annotations

from django import forms

from apps.agencies.models import Agency, AgencyKind
from apps.consent.models import (
    BasisKind,
    ConsentGivenBy,
    ConsentMethod,
    DsaLawfulBasis,
    LawfulBasis,
    SharingPurpose,
)
from apps.core.date_input import DateInputField
from apps.core.forms import Form, TextField


class DsaForm(Form):
    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Enter a title."})
    purpose = TextField(label="Purpose of sharing",
                        error_messages={"required": "Enter the purpose."})
    lawful_basis = forms.ChoiceField(label="Lawful basis", choices=DsaLawfulBasis.choices)
    data_categories = TextField(
        label="Categories of data shared",
        error_messages={"required": "Enter the categories of data shared."})
    retention = TextField(label="Retention",
                          help_text="How long each party keeps the data, and how it is "
                                    "destroyed.",
                          error_messages={"required": "Enter how long data is kept."})
    start_date = DateInputField(kind="planned", label="Start date",
                                error_messages={"required": "Enter the start date"})
    review_date = DateInputField(kind="planned", label="Review date",
                                 error_messages={"required": "Enter the review date"})
    end_date = DateInputField(kind="planned", label="End date",
                              error_messages={"required": "Enter the end date"})
    reporting_allowed = forms.BooleanField(
        label="The parties may see figures across the partnership", required=False,
        help_text="Aggregate referral and equality figures only, with counts under 5 "
                  "suppressed. No case or person is shown.")
    parties = forms.ModelMultipleChoiceField(
        label="Other parties", queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Your agency is a party. Select every other agency that will sign.",
        error_messages={"required": "Select at least one other agency."})

    def __init__(self, *args: object, exclude_agency_id: object = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Agency.objects.filter(active=True).exclude(
            pk=exclude_agency_id).order_by("name")


class SignForm(Form):
    confirm = forms.BooleanField(
        label="I confirm the declaration above", required=True,
        error_messages={"required": "Confirm the declaration to sign the agreement"})


class TerminateForm(Form):
    reason = TextField(name="Reason", label="Why is the agreement being terminated?",
                       error_messages={"required": "Enter why the agreement is being "
                                                   "terminated."})


class ConsentForm(Form):
    given_by = forms.ChoiceField(label="Who gave consent", widget=forms.RadioSelect,
                                 choices=ConsentGivenBy.choices,
                                 error_messages={"required": "Select who gave consent."})
    given_on = DateInputField(kind="event", label="Date consent was given",
                              error_messages={"required": "Enter the date consent was given."})
    method = forms.ChoiceField(label="How consent was given", widget=forms.RadioSelect,
                               choices=ConsentMethod.choices,
                               error_messages={"required": "Select how consent was given."})
    scope_agency_kinds = forms.MultipleChoiceField(
        label="Kinds of agency the person agreed to share with", required=False,
        widget=forms.CheckboxSelectMultiple, choices=AgencyKind.choices)
    scope_agencies = forms.ModelMultipleChoiceField(
        label="Named agencies the person agreed to share with", required=False,
        queryset=Agency.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple)
    purposes = forms.MultipleChoiceField(
        label="Purposes the person agreed to", widget=forms.CheckboxSelectMultiple,
        choices=SharingPurpose.choices,
        error_messages={"required": "Select at least one purpose the person agreed to."})
    review_date = DateInputField(kind="planned", label="Review date",
                                 error_messages={"required": "Enter the review date"})


class WithdrawForm(Form):
    note = TextField(label="Note about the withdrawal",
                     error_messages={"required": "Enter a note about the withdrawal."})


class EmergencyAccessForm(Form):
    case_reference = forms.CharField(label="Case reference", max_length=20,
                                     help_text="For example, NB-000123",
                                     error_messages={"required": "Enter the case reference."})
    reason = TextField(name="Reason", label="Why do you need to see this case now?",
                       help_text="Your reason is recorded, and the lead agency's managers "
                                 "are told at once.",
                       error_messages={"required": "Explain the emergency."})


class SharingPolicyForm(Form):
    without_consent_needs_approval = forms.BooleanField(
        label="Sharing without consent needs a manager's approval first", required=False,
        help_text="When ticked, a practitioner's decision to share without consent is held "
                  "until a manager of your agency approves it.")


YES_NO = [("yes", "Yes"), ("no", "No")]


class SharingBasisFields(Form):
    """The structured basis for a share, one set of fields wherever information goes to
    another agency (referrals, involvements). ``basis()`` gives ``sharing_basis_create``'s
    arguments, or None when no basis was chosen."""

    person_told = forms.ChoiceField(
        label="Does the person know about this?", choices=YES_NO, widget=forms.RadioSelect,
        required=False)
    not_told_reason = TextField(name="Reason for not telling the person", label="If not, why not?",
                                required=False)
    sharing_kind = forms.ChoiceField(label="Basis for sharing", choices=BasisKind.choices,
                                     widget=forms.RadioSelect, required=False)
    consent_given_by = forms.ChoiceField(
        label="Consent given by", required=False,
        choices=[("", "Choose who gave consent"), *ConsentGivenBy.choices])
    consent_given_on = DateInputField(kind="event", name="The date consent was given",
                                      label="Date consent was given", required=False)
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing without consent", required=False,
        choices=[("", "Choose a lawful basis"), *LawfulBasis.choices])
    justification = TextField(name="Justification", label="Why are you sharing without consent?",
                              required=False)

    def clean(self) -> dict:
        """Every missing part of the chosen basis at once (``sharing_basis_create`` checks the
        same again): who consented and when, or the lawful basis and why; and why the person
        was not told."""
        data = super().clean()
        kind = data.get("sharing_kind")
        needed: dict[str, str] = {}
        if kind == BasisKind.CONSENT:
            needed = {"consent_given_by": "Select who gave consent.",
                      "consent_given_on": "Enter the date consent was given."}
        elif kind == BasisKind.LAWFUL_BASIS:
            needed = {"lawful_basis": "Select the lawful basis for sharing without consent.",
                      "justification": "Explain why you are sharing without consent."}
        if data.get("person_told") == "no":
            needed["not_told_reason"] = "Explain why the person has not been told."
        for name, message in needed.items():
            if name not in self.errors and not data.get(name):
                self.add_error(name, message)
        return data

    def basis(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("sharing_kind"):
            return None
        told = data.get("person_told") != "no"
        return {
            "kind": data["sharing_kind"], "consent_given_by": data.get("consent_given_by", ""),
            "consent_given_on": data.get("consent_given_on"),
            "lawful_basis": data.get("lawful_basis", ""),
            "justification": data.get("justification", ""), "person_told": told,
            "not_told_reason": "" if told else data.get("not_told_reason", ""),
        }
