from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from apps.agencies.models import Role

User = get_user_model()


class MemberAddForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               validators=[UnicodeUsernameValidator()],
                               help_text="An existing username, or a new one to create.")
    first_name = forms.CharField(label="First name (new users)", max_length=150, required=False)
    last_name = forms.CharField(label="Last name (new users)", max_length=150, required=False)
    email = forms.EmailField(label="Work email (new users)", required=False)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.PRACTITIONER)
    job_title = forms.CharField(label="Job title", max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        username = data.get("username", "").strip()
        is_new = username and not User.objects.filter(username=username).exists()
        if is_new and not (data.get("first_name") and data.get("last_name")):
            self.add_error("first_name", "Enter the new user's first and last name.")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
