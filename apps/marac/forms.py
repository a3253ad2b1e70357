from __future__ import annotations

from django import forms

from apps.cases.models import RiskLevel
from apps.consent.models import LawfulBasis
from apps.core.date_input import DateInputField, DateTimeInputField
from apps.core.dates import format_datetime
from apps.core.forms import Form, TextField
from apps.marac import dash
from apps.marac.models import AttendanceStatus, MaracArea, RouteDecision


class ChecklistForm(Form):
    """The 24 DASH questions (yes / no / not known, each with an optional note)."""

    area = forms.ModelChoiceField(label="MARAC area", queryset=MaracArea.objects.none(),
                                  empty_label=None,
                                  error_messages={"required": "Choose the MARAC area."})
    incident_date = DateInputField(kind="event", name="Date of the incident",
                                   label="Date of the incident (optional)", required=False)
    incidents_last_12_months = forms.IntegerField(
        label="Police call-outs for domestic abuse in the last 12 months", min_value=0,
        initial=0, help_text="Used for the potential escalation route.",
        error_messages={"required": "Enter the number of call-outs, 0 or more.",
                        "min_value": "Enter the number of call-outs, 0 or more."})
    professional_judgement = forms.BooleanField(
        label="In my professional judgement this case should go to MARAC", required=False)
    judgement_rationale = TextField(
        name="Rationale",
        label="Why (required for professional judgement)",
        required=False)

    def __init__(self, *args: object, areas: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        for number, (key, text) in enumerate(dash.QUESTIONS, start=1):
            self.fields[key] = forms.ChoiceField(
                label=f"{number}. {text}", choices=dash.ANSWERS, widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {number}.",
                                "invalid_choice": f"Answer question {number}."})
            self.fields[f"{key}_note"] = forms.CharField(
                label=f"Notes on question {number} (optional)", required=False,
                max_length=2000)

    def question_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[key], self[f"{key}_note"]) for key in dash.QUESTION_KEYS]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in dash.QUESTION_KEYS}

    def notes(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"{key}_note", "") for key in dash.QUESTION_KEYS}


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[(RouteDecision.REFER, RouteDecision.REFER.label),
                 (RouteDecision.NOT_REFER, RouteDecision.NOT_REFER.label)],
        error_messages={"required": "Choose whether to refer to MARAC."})
    reason = TextField(label="Reason for your decision",
                       error_messages={"required": "Give the reason for your decision."})


class MaracReferralForm(Form):
    route = forms.ChoiceField(label="Route to MARAC", widget=forms.RadioSelect, choices=(),
                              error_messages={"required": "Choose the route to MARAC."})
    reason = TextField(name="Reason", label="Anything the checklist does not say (optional)",
                       required=False)
    victim_aware = forms.TypedChoiceField(
        label="Does the victim know about this referral?", widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the victim knows about the referral."})
    victim_not_aware_reason = TextField(
        name="Reason the victim is not aware",
        label="If not, why not", required=False)
    # Nothing pre-selected: the referrer chooses the basis, which the MARAC listing records.
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing", choices=[("", "Choose the lawful basis"),
                                                   *LawfulBasis.choices],
        error_messages={"required": "Choose the lawful basis for sharing with the MARAC."})
    justification = TextField(
        label="Why sharing with the MARAC is necessary and proportionate",
        error_messages={"required": "Explain why sharing is necessary and proportionate."})

    def __init__(self, *args: object, routes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(r, dash.Route.LABELS[r]) for r in routes]
        if len(routes) == 1:
            self.fields["route"].initial = routes[0]


class ListForm(Form):
    meeting = forms.ModelChoiceField(label="Meeting", queryset=None, empty_label=None,
                                     error_messages={"required": "Choose a meeting."})

    def __init__(self, *args: object, meetings: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = (
            lambda m: format_datetime(m.starts_at) + (f", {m.location}" if m.location else ""))


class ReturnForm(Form):
    reason = TextField(name="Reason", label="Why are you returning this referral?",
                       error_messages={"required": "Give the reason for returning the "
                                                   "referral."})


class MeetingForm(Form):
    area = forms.ModelChoiceField(label="MARAC area", queryset=None, empty_label=None)
    starts_at = DateTimeInputField(kind="planned", name="Date and time of the meeting",
                                   label="Date and time",
                                   error_messages={"required": "Enter the date and time of "
                                                               "the meeting"})
    location = forms.CharField(label="Location", required=False, max_length=200)
    chair = forms.CharField(label="Chair", required=False, max_length=200)

    def __init__(self, *args: object, areas: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ResearchForm(Form):
    text = TextField(
        label="What your agency holds that is relevant and proportionate",
        required=False,
        help_text="Only what helps reduce the risk. Do not copy whole records.")
    nothing_held = forms.BooleanField(label="My agency holds nothing relevant", required=False)


class MinutesForm(Form):
    minutes = TextField(label="Minutes",
                        error_messages={"required": "Enter the minutes for this case."})
    risk_confirmed = forms.ChoiceField(
        label="Risk level confirmed by the meeting", choices=RiskLevel.choices,
        widget=forms.RadioSelect, initial=RiskLevel.HIGH,
        error_messages={"required": "Choose the risk level the meeting confirmed."})


class AttendanceForm(Form):
    confidentiality_read = forms.BooleanField(
        label="The confidentiality statement was read and agreed", required=False)

    def __init__(self, *args: object, agencies: list, current: dict, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.agency_rows = []
        for agency in agencies:
            status, rep = current.get(agency.pk, (AttendanceStatus.PRESENT, ""))
            self.fields[f"status_{agency.pk}"] = forms.ChoiceField(
                label=agency.name, choices=AttendanceStatus.choices, initial=status)
            self.fields[f"rep_{agency.pk}"] = forms.CharField(
                label=f"Representative for {agency.name}", required=False, max_length=200,
                initial=rep)
            self.agency_rows.append((agency, f"status_{agency.pk}", f"rep_{agency.pk}"))

    def rows(self) -> list:
        return [(self[status], self[rep]) for _agency, status, rep in self.agency_rows]

    def attendance(self) -> dict:
        return {agency.pk: (self.cleaned_data[status], self.cleaned_data[rep])
                for agency, status, rep in self.agency_rows}


class AreaForm(Form):
    meeting_frequency_days = forms.IntegerField(label="Days between meetings", min_value=1,
                                                max_value=365)
    high_risk_threshold = forms.IntegerField(
        label="'Yes' answers for visible high risk", min_value=1, max_value=24)
    escalation_threshold = forms.IntegerField(
        label="Police call-outs in 12 months for potential escalation", min_value=0,
        max_value=100, help_text="0 turns the escalation route off.")
    repeat_window_months = forms.IntegerField(label="Repeat window in months", min_value=1,
                                              max_value=60)
    research_days_before = forms.IntegerField(label="Research due this many days before",
                                              min_value=0, max_value=30)
    manager_signoff_required = forms.BooleanField(
        label="Referrals need a manager's sign-off", required=False)
    lawful_basis = forms.ChoiceField(label="Lawful basis for MARAC sharing",
                                     choices=LawfulBasis.choices)
    dsa_reference = forms.CharField(label="Information sharing agreement", required=False,
                                    max_length=200)
    adult_female_population = forms.IntegerField(
        label="Women aged 16 and over living in the area (optional)", required=False,
        min_value=1, max_value=10_000_000,
        help_text="From the ONS mid-year estimates. The MARAC data return compares cases "
                  "discussed with the SafeLives benchmark of 40 a year per 10,000.")
    member_agencies = forms.ModelMultipleChoiceField(
        label="Member agencies", queryset=None, widget=forms.CheckboxSelectMultiple,
        required=False)

    def __init__(self, *args: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_agencies"].queryset = agencies
