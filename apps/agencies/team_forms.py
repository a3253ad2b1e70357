from __future__ import annotations

from django import forms

from apps.agencies.models import Membership, Service
from apps.agencies.team_services import NAME_MAX_LENGTH
from apps.core.forms import Form


class TeamForm(Form):
    name = forms.CharField(label="Team name", max_length=NAME_MAX_LENGTH,
                           error_messages={"required": "Enter the team's name."})


class TeamMemberAddForm(Form):
    membership = forms.ModelChoiceField(
        label="Add a member", queryset=Membership.objects.none(), empty_label="Choose a member",
        error_messages={"required": "Choose a member to add.",
                        "invalid_choice": "Choose a member from the list."})

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members
        self.fields["membership"].label_from_instance = (
            lambda m: f"{m.user.get_full_name() or m.user.username} ({m.get_role_display()})")


class TeamMemberRemoveForm(Form):
    membership = forms.UUIDField(widget=forms.HiddenInput)


class TeamServiceForm(Form):
    service = forms.ModelChoiceField(
        label="Handles referrals to", queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose a service.",
                        "invalid_choice": "Choose a service from the list."})

    def __init__(self, *args, services, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: s.name
