from __future__ import annotations

from django import forms

from apps.core.exceptions import ServiceError
from apps.core.forms import Form
from apps.webhooks.events import Event
from apps.webhooks.models import DESCRIPTION_MAX_LENGTH, URL_MAX_LENGTH
from apps.webhooks.safety import check_url


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link goes to the first box (the same class name, so
    ``includes/field.html`` still renders GOV.UK checkboxes)."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index)


class EndpointForm(Form):
    url = forms.CharField(
        label="Web address", max_length=URL_MAX_LENGTH, widget=forms.URLInput,
        help_text="Where we send the events. It must start with https:// and be on the "
                  "public internet.",
        error_messages={"required": "Enter the web address",
                        "max_length": f"Web address must be {URL_MAX_LENGTH} characters or "
                                      "fewer"})
    description = forms.CharField(
        label="Description (optional)", max_length=DESCRIPTION_MAX_LENGTH, required=False,
        help_text="So your colleagues know what receives these events, for example "
                  "\"Our case management system\".",
        error_messages={"max_length": f"Description must be {DESCRIPTION_MAX_LENGTH} "
                                      "characters or fewer"})
    events = forms.MultipleChoiceField(
        label="Events to send", choices=Event.choices, widget=CheckboxSelectMultiple,
        help_text="Each message carries ids and the event's name only, never personal data.",
        error_messages={"required": "Choose at least one event",
                        "invalid_choice": "Choose events from the list"})


    def clean_url(self) -> str:
        """The address rule (https, public) here too, so every error shows at once; the
        service checks it again."""
        try:
            return check_url(self.cleaned_data["url"])
        except ServiceError as refused:
            raise forms.ValidationError(refused.message) from refused


class EndpointEditForm(EndpointForm):
    active = forms.BooleanField(label="On: send events to this address", required=False,
                                help_text="Turn it off to stop sending without losing the "
                                          "log.")
