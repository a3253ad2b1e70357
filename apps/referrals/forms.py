"""Forms for the referral screens: thin, the services check every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from apps.agencies.models import Service
from apps.consent.forms import SharingBasisFields
from apps.core.forms import Form, TextField
from apps.referrals.models import DeclineCategory, Urgency


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        closed = "" if obj.accepting_referrals else " – not accepting referrals"
        return f"{obj.name} ({obj.agency.name}){closed}"


class ReferralForm(SharingBasisFields):
    """One screen: service, reason, urgency, what is shared, and the basis for sharing."""

    to_service = ServiceChoiceField(
        label="Service you are referring to", queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose the service you are referring to.",
                        "invalid_choice": "Choose the service you are referring to."})
    override_reason = TextField(
        name="Emergency override reason",
        label="Emergency override (only if sharing is refused)",
        required=False,
        help_text="If there is no data-sharing agreement or valid basis and someone is at "
                  "immediate risk, say why this must be shared now. Both agencies' admins are "
                  "told and the share is flagged in the audit.")
    reason = TextField(label="Reason for the referral",
                       required=False,
                       help_text="What you are asking the service to do, and why now.")
    urgency = forms.ChoiceField(label="How urgent is it?", choices=Urgency.choices,
                                widget=forms.RadioSelect, initial=Urgency.ROUTINE,
                                error_messages={"required": "Choose how urgent the referral is."})
    shared_information = TextField(
        label="What you are sharing", required=False,
        help_text="Filled in from the case summary. The receiving agency sees only this, the "
                  "case reference and the person's name and date of birth until it accepts.")
    def __init__(self, *args: Any, services: QuerySet[Service], submitting: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["person_told"].label = "Does the person know about this referral?"
        self.fields["sharing_kind"].help_text = (
            "Needed to send the referral; a draft can be saved without it.")
        self.fields["to_service"].queryset = services

    def clean(self) -> dict[str, Any]:
        """Sending needs a reason, what is shared and a basis (``referral_submit`` checks the
        same again); all of them are asked for at once, with the basis's own parts."""
        data = super().clean()
        if self.submitting:
            needed = {"reason": "Enter the reason for the referral.",
                      "shared_information": "Enter what you are sharing with the receiving "
                                            "agency.",
                      "sharing_kind": "Record the basis for sharing: consent or a lawful "
                                      "basis."}
            for name, message in needed.items():
                if name not in self.errors and not data.get(name):
                    self.add_error(name, message)
            service = data.get("to_service")
            if service is not None and not service.accepting_referrals:
                self.add_error("to_service",
                               f"{service.name} is not accepting referrals at the moment.")
        return data


class DeclineForm(Form):
    decline_category = forms.ChoiceField(
        label="Why are you declining?", choices=DeclineCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are declining the referral.",
                        "invalid_choice": "Choose why you are declining the referral."})
    decline_reason = TextField(
        label="Explain your decision",
        error_messages={"required": "Explain why you are declining the referral."})
    signpost_service = ServiceChoiceField(
        label="Suggest a better service (optional)", queryset=Service.objects.none(),
        required=False, empty_label="No suggestion")

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signpost_service"].queryset = services


class InfoRequestForm(Form):
    info_request = TextField(name="Information request", label="What information do you need?",
                             error_messages={"required": "Enter the information you need."})


class InfoResponseForm(Form):
    info_response = TextField(label="Your answer",
                              error_messages={"required": "Enter your answer."})


class WithdrawForm(Form):
    withdraw_reason = TextField(name="Reason", label="Why are you withdrawing it? (optional)",
                                required=False)


class OutcomeForm(Form):
    outcome = TextField(label="Outcome",
                        help_text="What your agency did and what happened. The referrer "
                                  "sees this.",
                        error_messages={"required": "Enter the outcome."})


class OutgoingFilterForm(Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from apps.referrals.models import ReferralStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ReferralStatus.choices]


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class AcceptForm(Form):
    """Accept, naming the key worker in the same step (blank: the person accepting)."""

    key_worker = _MemberChoiceField(
        label="Key worker (optional)", queryset=None, required=False,
        empty_label="Me", help_text="Who in your agency will work with the person.",
        error_messages={"invalid_choice": "Choose a key worker from your agency."})

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = members


class AssignForm(Form):
    """Pick up (yourself) or, for a manager, assign to a member of the agency."""

    user = _MemberChoiceField(
        label="Assign to", queryset=None,
        error_messages={"required": "Choose who to assign it to.",
                        "invalid_choice": "Choose someone from your agency."})

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
