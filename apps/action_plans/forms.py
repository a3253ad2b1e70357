from __future__ import annotations

from django import forms

from apps.action_plans.models import Priority
from apps.core.date_input import DateInputField
from apps.core.forms import Form, TextField


class ActionForm(Form):
    description = TextField(label="Action",
                            error_messages={"required": "Describe the action."})
    owner_agency = forms.ChoiceField(label="Owner agency",
                                     error_messages={"required": "Choose the owner agency."})
    owner_user = forms.ChoiceField(label="Owner (optional)", required=False)
    due_date = DateInputField(kind="planned", label="Due date",
                              error_messages={"required": "Enter the due date"})
    priority = forms.ChoiceField(label="Priority", choices=Priority.choices,
                                 initial=Priority.MEDIUM)

    def __init__(self, *args: object, agencies: list, memberships: object,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {str(a.pk): a for a in agencies}
        self._users = {}
        choices = [("", "Anyone in the owner agency")]
        for m in memberships:
            self._users[f"{m.agency_id}:{m.user_id}"] = m
            name = m.user.get_full_name() or m.user.username
            choices.append((f"{m.agency_id}:{m.user_id}", f"{name} ({m.agency.name})"))
        self.fields["owner_agency"].choices = [("", "Choose an agency"),
                                               *[(k, a.name) for k, a in self._agencies.items()]]
        self.fields["owner_user"].choices = choices

    def owner_groups(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The owner choices by agency, (agency id, agency name, [(value, name)]), for the
        select's groups (JavaScript then offers only the chosen owner agency's staff)."""
        groups: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
        for value, m in self._users.items():
            key = str(m.agency_id)
            groups.setdefault(key, (key, m.agency.name, []))[2].append(
                (value, m.user.get_full_name() or m.user.username))
        return [groups[key] for key in self._agencies if key in groups]

    def clean(self) -> dict:
        data = super().clean()
        owner = data.get("owner_user")
        if owner and data.get("owner_agency") and not owner.startswith(
                f"{data['owner_agency']}:"):
            self.add_error("owner_user", "The owner must be a member of the owner agency.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        owner = self._users.get(data["owner_user"]) if data["owner_user"] else None
        return {"description": data["description"],
                "owner_agency": self._agencies[data["owner_agency"]],
                "owner_user": owner.user if owner else None, "due_date": data["due_date"],
                "priority": data["priority"]}


class WishesForm(Form):
    what_person_wants = TextField(name="What the person wants",
                                  label="What the person wants, in their own words",
                                  required=False)


class CloseForm(Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect, choices=[
        ("done", "Done"), ("cancelled", "Cancelled: circumstances changed")],
        error_messages={"required": "Choose done or cancelled."})
    note = TextField(label="Note",
                     error_messages={"required": "Add a note saying what happened."})
