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
from apps.consent.api.serializers import SharingBasisInput
from apps.consent.models import BasisKind
from apps.core.api.fields import TextField
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


class CaseSerializer(serializers.ModelSerializer):
    subject = SubjectSerializer(read_only=True)
    lead_agency = AgencyRefSerializer(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "reference", "subject", "lead_agency", "status", "risk_level",
                  "restricted", "summary", "last_activity_at", "created_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    capabilities = serializers.SerializerMethodField(
        help_text="What the acting agency may do: view_case, contribute_case, manage_case.")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "capabilities"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_capabilities(self, case: Case) -> list[str]:
        return sorted(self.context.get("capabilities", ()))


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
                  "started_by", "ended_at", "ended_by", "end_reason"]
        read_only_fields = fields

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
    sharing_kind = serializers.ChoiceField(
        choices=BasisKind.choices, required=False, allow_blank=True, default="",
        help_text="The structured basis for the share (with the consent or lawful-basis "
                  "fields).")


class InvolvementEndSerializer(serializers.Serializer):
    reason = TextField()
