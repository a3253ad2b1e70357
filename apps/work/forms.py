from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from apps.core.forms import Form


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ReassignForm(Form):
    """One-click reassign on the escalations list."""

    user = _MemberChoiceField(label="Reassign to", queryset=None,
                              error_messages={"required": "Choose who to reassign it to.",
                                              "invalid_choice": "Choose someone from your "
                                                                "agency."})

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members


class _TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class HandoverForm(Form):
    to_user = _MemberChoiceField(label="Hand over to a colleague", queryset=None,
                                 required=False,
                                 error_messages={"invalid_choice": "Choose someone from your "
                                                                   "agency."})
    to_team = _TeamChoiceField(label="Or to a team", queryset=None, required=False,
                               help_text="Its members are told and pick the work up: cases "
                                         "and actions are left with no key worker or owner "
                                         "until they do; referrals go back to the queue of "
                                         "the team handling their service.",
                               error_messages={"invalid_choice": "Choose a team of your "
                                                                 "agency."})
    involvements = forms.MultipleChoiceField(label="Cases (as key worker)", required=False,
                                             widget=forms.CheckboxSelectMultiple)
    actions = forms.MultipleChoiceField(label="Actions", required=False,
                                        widget=forms.CheckboxSelectMultiple)
    referrals = forms.MultipleChoiceField(label="Referrals to decide", required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: QuerySet, teams: QuerySet, work,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = members
        self.fields["to_team"].queryset = teams
        self.fields["involvements"].choices = [
            (str(i.pk), i.case.reference) for i in work.involvements]
        self.fields["actions"].choices = [
            (str(a.pk), f"{a.plan.case.reference}: {a.description[:60]}") for a in work.actions]
        self.fields["referrals"].choices = [
            (str(r.pk), r.case.reference) for r in work.referrals]

    def clean(self) -> dict:
        data = super().clean()
        if "to_user" in data and "to_team" in data:
            if data["to_user"] is None and data["to_team"] is None:
                self.add_error("to_user", "Choose a colleague or a team to take the work.")
            elif data["to_user"] is not None and data["to_team"] is not None:
                self.add_error("to_team", "Choose a colleague or a team, not both.")
        if not (data.get("involvements") or data.get("actions") or data.get("referrals")):
            raise forms.ValidationError("Choose at least one case, action or referral.")
        return data
