from __future__ import annotations

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from apps.agencies.models import Role
from apps.core.forms import Form


class MemberAddForm(Form):
    """Create a new account in the acting agency."""

    username = forms.CharField(label="Username", max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text="A new username for them to sign in with.")
    first_name = forms.CharField(label="First name", max_length=150,
                                 error_messages={"required": "Enter their first name."})
    last_name = forms.CharField(label="Last name", max_length=150,
                                error_messages={"required": "Enter their last name."})
    email = forms.EmailField(label="Work email", required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.PRACTITIONER)
    job_title = forms.CharField(label="Job title", max_length=200, required=False)


class MemberRequestForm(Form):
    """Ask to add someone who already has an account (with another agency)."""

    username = forms.CharField(label="Their username", max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text="Ask them for the username they sign in with.")
    role = forms.ChoiceField(label="Role in your agency", choices=Role.choices,
                             initial=Role.PRACTITIONER)
    job_title = forms.CharField(label="Job title", max_length=200, required=False)


class SecondmentDecisionForm(Form):
    secondment = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("refuse", "Refuse")])


class RoleForm(Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
