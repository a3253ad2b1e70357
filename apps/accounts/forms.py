from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from apps.agencies.models import Membership
from apps.core.forms import Form, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account is not active.",
    }


class SwitchAgencyForm(Form):
    membership = forms.ChoiceField(label="Which agency are you acting for?",
                                   widget=forms.RadioSelect)

    def __init__(self, *args: object, memberships: list[Membership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (str(m.pk), f"{m.agency.name} ({m.get_role_display()})") for m in memberships
        ]


class ApiTokenForm(Form):
    name = forms.CharField(label="Token name", max_length=100,
                           help_text="For example, the name of the system that will use it.")
    membership = forms.ChoiceField(label="Acts for", widget=forms.RadioSelect)

    def __init__(self, *args: object, memberships: list[Membership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (str(m.pk), f"{m.agency.name} ({m.get_role_display()})") for m in memberships
        ]
        if len(memberships) == 1:
            self.fields["membership"].initial = str(memberships[0].pk)


class TokenForm(Form):
    token = forms.CharField(label="Code", max_length=20,
                            help_text="The 6-digit code from your authenticator app, "
                                      "or one of your backup codes.",
                            error_messages={"required": "Enter the code."})
