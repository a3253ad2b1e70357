from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agencies.models import Agency
from apps.cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    Involvement,
    InvolvementRole,
    NoteKind,
    NoteVisibility,
    RiskLevel,
)
from apps.cases.permissions import CONTRIBUTE, MANAGE, VIEW
from apps.cases.sections import Section, Visible, WorksWith
from apps.consent.api.serializers import SharingBasisInput
from apps.consent.models import BasisKind
from apps.core.api.fields import MemberField, TextField
from apps.people.models import Person


def display_name(user: AbstractBaseUser | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name"]
        read_only_fields = fields


class SubjectSerializer(serializers.ModelSerializer):
    """Who the case is about. Addresses are served by ``/people/{id}/`` only."""

    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "date_of_birth"]
        read_only_fields = fields


# Fields of a case and the section whose scope they need; omitted when it is not shared.
CASE_SECTION_FIELDS = {"subject": Section.IDENTITY, "risk_level": Section.RISK,
                       "summary": Section.CHRONOLOGY}
_OMITTED = ("Omitted when the acting agency's scope does not include the {} section "
            "(see docs/sharing.md).")


class CaseSerializer(serializers.ModelSerializer):
    """A case, with only the sections the acting agency's scope includes: ``subject``
    (identity), ``risk_level`` (risk) and ``summary`` (chronology) are omitted otherwise."""

    subject = SubjectSerializer(read_only=True, required=False,
                                help_text=_OMITTED.format("identity"))
    lead_agency = AgencyRefSerializer(read_only=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, read_only=True,
                                         required=False, help_text=_OMITTED.format("risk"))
    summary = serializers.CharField(read_only=True, required=False,
                                    help_text=_OMITTED.format("chronology"))

    class Meta:
        model = Case
        fields = ["id", "reference", "subject", "lead_agency", "status", "risk_level",
                  "restricted", "summary", "last_activity_at", "created_at"]
        read_only_fields = fields

    def _shown(self, case: Case) -> set[str]:
        visible = self.context.get("visible")
        if isinstance(visible, Visible):
            return set(visible.sections)
        # Lists: marked by cases.selectors.case_list_marked.
        shown = {Section.IDENTITY}
        if getattr(case, "shows_risk", False):
            shown.add(Section.RISK)
        if getattr(case, "shows_chronology", False):
            shown.add(Section.CHRONOLOGY)
        return shown

    def to_representation(self, instance: Case) -> dict:
        data = super().to_representation(instance)
        shown = self._shown(instance)
        for name, section in CASE_SECTION_FIELDS.items():
            if section not in shown:
                data.pop(name, None)
        return data


class CaseDetailSerializer(CaseSerializer):
    capabilities = serializers.SerializerMethodField(
        help_text="What the acting agency may do: view_case, contribute_case, manage_case.")
    sections = serializers.SerializerMethodField(
        help_text="The sections of the case the acting agency's scope includes: identity, "
                  "contact, people, risk, chronology, plan or plan_own (only its own actions). "
                  "Fields and endpoints of the other sections are omitted or answer 404.")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "capabilities", "sections"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_capabilities(self, case: Case) -> list[str]:
        return sorted(set(self.context.get("capabilities", ())) & {VIEW, CONTRIBUTE, MANAGE})

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=Section.choices)))
    def get_sections(self, case: Case) -> list[str]:
        visible = self.context.get("visible")
        return [s.value for s in Section if visible is not None and s.value in visible]


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.UUIDField(help_text="The id of a person the caller can see.")
    summary = TextField(required=False, allow_blank=True, default="")
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.STANDARD)
    restricted = serializers.BooleanField(required=False, default=False)


class CaseUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    summary = TextField(required=False, allow_blank=True)


class CaseFilterSerializer(serializers.Serializer):
    # Blank means "any" (as in the web filter form); the schema says so.
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False,
                                     allow_blank=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False,
                                         allow_blank=True)
    assigned_to_me = serializers.BooleanField(
        required=False, default=False,
        help_text="Only cases where the caller is their agency's key worker.")


class NoteFilterSerializer(serializers.Serializer):
    # The case page's chronology filters; blank means "any".
    kind = serializers.ChoiceField(choices=NoteKind.choices, required=False, allow_blank=True)
    agency = serializers.UUIDField(required=False, allow_null=True,
                                   help_text="Only entries recorded by this agency.")


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    agency = AgencyRefSerializer(read_only=True)

    class Meta:
        model = CaseNote
        fields = ["id", "kind", "text", "visibility", "author", "agency", "created_at"]
        read_only_fields = fields

    def get_author(self, note: CaseNote) -> str | None:
        return display_name(note.author)


NOTE_KINDS = [(value, label) for value, label in NoteKind.choices if value != NoteKind.SYSTEM]


class NoteCreateSerializer(serializers.Serializer):
    text = TextField(label="Note")
    kind = serializers.ChoiceField(choices=NOTE_KINDS, default=NoteKind.NOTE)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices,
                                         default=NoteVisibility.SHARED)


class InvolvementSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    key_worker = serializers.SerializerMethodField()
    started_by = serializers.SerializerMethodField()
    ended_by = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Involvement
        fields = ["id", "agency", "role", "basis", "key_worker", "active", "started_at",
                  "started_by", "ended_at", "ended_by", "end_reason", "works_with", "sections",
                  "scope_reason", "scope_changed_at", "ends_at"]
        read_only_fields = fields
        extra_kwargs = {
            "sections": {"help_text": "What the agency may see (its scope): identity, contact, "
                                      "people, risk, chronology, plan, plan_own."},
            "ends_at": {"help_text": "When the access ends by itself (a MARAC involvement)."},
        }

    def get_key_worker(self, involvement: Involvement) -> str | None:
        return display_name(involvement.key_worker)

    def get_started_by(self, involvement: Involvement) -> str | None:
        return display_name(involvement.started_by)

    def get_ended_by(self, involvement: Involvement) -> str | None:
        return display_name(involvement.ended_by)

    def get_active(self, involvement: Involvement) -> bool:
        return involvement.ended_at is None


INVOLVEMENT_ROLES = [(value, label) for value, label in InvolvementRole.choices
                     if value != InvolvementRole.LEAD]


class InvolvementCreateSerializer(SharingBasisInput):
    agency = serializers.UUIDField(help_text="The id of an active agency (see /agencies/).")
    basis = TextField(help_text="Why the agency is involved and on what basis "
                                  "information is shared with it.")
    role = serializers.ChoiceField(choices=INVOLVEMENT_ROLES, default=InvolvementRole.PARTNER)
    override_reason = TextField(
        required=False, allow_blank=True, default="",
        help_text="Emergency only: involve although the sharing check refuses (audited).")
    works_with = serializers.ChoiceField(
        choices=WorksWith.choices, required=False, default=WorksWith.VICTIM,
        help_text="Whom the agency works with; an agency working with the person causing harm "
                  "never sees the victim's contact and location.")
    sharing_kind = serializers.ChoiceField(
        choices=BasisKind.choices, required=False, allow_blank=True, default="",
        help_text="The structured basis for the share (with the consent or lawful-basis "
                  "fields).")


class InvolvementEndSerializer(serializers.Serializer):
    reason = TextField()


class InvolvementScopeSerializer(serializers.Serializer):
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=Section.choices), allow_empty=False,
        help_text="The new scope; must include identity and stay inside what the involvement's "
                  "purpose allows (never contact for the person causing harm's side).")
    reason = TextField(help_text="Why the scope changes (audited, in the "
                                   "chronology).")


class CaseAssignSerializer(serializers.Serializer):
    user = MemberField(help_text="User id of the member of your agency who becomes its key "
                                 "worker on the case (yourself to pick it up).")
