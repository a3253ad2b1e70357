from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from apps.agencies.models import Agency
from apps.cases.models import CasePersonRole, CaseStatus, NoteKind, NoteVisibility, RiskLevel
from apps.cases.sections import WorksWith
from apps.consent.forms import SharingBasisFields
from apps.core.forms import Form, TextField
from apps.people.forms import PersonDetailsForm
from apps.people.models import Person, RelationshipKind

NOTE_KINDS = [(k.value, k.label) for k in NoteKind if k != NoteKind.SYSTEM]
LINKED_ROLES = [(r.value, r.label) for r in CasePersonRole if r != CasePersonRole.SUBJECT]


class MyWorkFilterForm(Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *CaseStatus.choices])
    risk_level = forms.ChoiceField(label="Risk level", required=False,
                                   choices=[("", "Any risk level"), *RiskLevel.choices])
    assigned_to_me = forms.BooleanField(label="Only cases where I am the key worker",
                                        required=False)


class NoteForm(Form):
    text = TextField(label="Note",
                     error_messages={"required": "Enter the note."})
    kind = forms.ChoiceField(label="Kind of note", choices=NOTE_KINDS, initial=NoteKind.NOTE)
    visibility = forms.ChoiceField(label="Who can see this note", widget=forms.RadioSelect,
                                   choices=NoteVisibility.choices, initial=NoteVisibility.SHARED)


class ChronologyFilterForm(Form):
    """The chronology's filters (GET): kind of entry and the agency that recorded it."""

    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "All kinds"), *NoteKind.choices])
    agency = forms.ChoiceField(label="Recorded by", required=False)

    def __init__(self, *args: object, agencies: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Any agency"),
                                         *[(str(a.pk), a.name) for a in agencies]]


class CaseEditForm(Form):
    status = forms.ChoiceField(label="Status", choices=CaseStatus.choices)
    risk_level = forms.ChoiceField(label="Risk level", choices=RiskLevel.choices)
    summary = TextField(label="Summary", required=False)


class InvolvementForm(SharingBasisFields):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(),
                                    empty_label="Choose an agency",
                                    error_messages={"required": "Choose an agency."})
    basis = TextField(
        name="Basis",
        label="Why this agency is involved",
        help_text="In plain words; record the basis for sharing below.",
        error_messages={"required": "Enter the basis for involving this agency."},
    )
    works_with = forms.ChoiceField(
        label="Who will this agency work with?", widget=forms.RadioSelect,
        choices=WorksWith.choices, initial=WorksWith.VICTIM, required=False,
        help_text="An agency working with the person causing harm never sees the victim's "
                  "contact and location.")
    override_reason = TextField(
        name="Emergency override reason",
        label="Emergency override (only if sharing is refused)",
        required=False,
        help_text="If there is no data-sharing agreement with this agency and someone is at "
                  "immediate risk, say why it must be involved now. Both agencies' admins "
                  "are told and the share is flagged in the audit.")

    def __init__(self, *args: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class InvolvementEndForm(Form):
    reason = TextField(name="Reason", label="Why is this involvement ending?",
                       error_messages={"required": "Enter why the involvement is ending."})


class KeyWorkerForm(Form):
    key_worker = forms.ModelChoiceField(label="Key worker", queryset=None, required=False,
                                        empty_label="No key worker")

    def __init__(self, *args: object, users: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = users
        self.fields["key_worker"].label_from_instance = (
            lambda u: u.get_full_name() or u.username)


class CaseRoleFields(Form):
    role = forms.ChoiceField(label="Their role in the case", choices=LINKED_ROLES,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose the person's role in the case.",
                                             "invalid_choice": "Choose the person's role in "
                                                               "the case."})
    relationship_kind = forms.ChoiceField(
        label="How are they related to the subject?", required=False,
        choices=[("", "Not recorded"), *RelationshipKind.choices],
        help_text="For example, choose Partner if they are the subject's partner.",
        error_messages={"invalid_choice": "Choose how they are related to the subject."},
    )


class CasePersonForm(PersonDetailsForm, CaseRoleFields):
    """A new person linked to a case, optionally with their relationship to the subject."""

    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CaseExistingPersonForm(CaseRoleFields):
    """Link a person already on record (one the actor can see) to the case."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"invalid_choice": "Choose a person.",
                                                    "required": "Choose a person."})

    def __init__(self, *args: object, people: QuerySet[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class InvolvementScopeForm(Form):
    """What an involved agency may see: the sections its purpose allows, with a reason."""

    sections = forms.MultipleChoiceField(
        label="Which parts of the case may this agency see?", widget=forms.CheckboxSelectMultiple,
        help_text="Identity is always shared. Share only what the agency needs for its work.",
        error_messages={"required": "Choose at least identity."})
    reason = forms.CharField(label="Why are you changing what this agency sees?",
                             widget=forms.Textarea, max_length=2000,
                             error_messages={"required": "Enter why the scope is changing."})

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = choices
