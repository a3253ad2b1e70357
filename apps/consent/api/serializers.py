from __future__ import annotations

from rest_framework import serializers

from apps.agencies.models import AgencyKind
from apps.consent.models import (
    BasisKind,
    ConsentGivenBy,
    ConsentMethod,
    ConsentRecord,
    DataSharingAgreement,
    DsaLawfulBasis,
    DsaParty,
    EmergencyAccess,
    LawfulBasis,
    SharingBasis,
    SharingPurpose,
)
from apps.core.api.fields import CharField, DateField, TextField


class ConsentSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id", read_only=True)
    scope_agencies = serializers.SerializerMethodField()
    recorded_by_agency = serializers.CharField(source="recorded_by_agency.name", read_only=True)
    withdrawn = serializers.BooleanField(read_only=True)

    class Meta:
        model = ConsentRecord
        fields = ["id", "person", "given_by", "given_on", "method", "scope_agencies",
                  "scope_agency_kinds", "purposes", "review_date", "recorded_by_agency",
                  "created_at", "withdrawn", "withdrawn_at", "withdrawal_note"]
        read_only_fields = fields

    def get_scope_agencies(self, obj: ConsentRecord) -> list[str]:
        return [str(a.pk) for a in obj.scope_agencies.all()]


class ConsentCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    given_by = serializers.ChoiceField(choices=ConsentGivenBy.choices)
    given_on = DateField(kind="event")
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    review_date = DateField(kind="planned")
    scope_agencies = serializers.ListField(child=serializers.UUIDField(), required=False,
                                           default=list)
    scope_agency_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=AgencyKind.choices), required=False,
        default=list)
    purposes = serializers.ListField(child=serializers.ChoiceField(
        choices=SharingPurpose.choices))


class WithdrawSerializer(serializers.Serializer):
    note = TextField()


class SharingBasisRecordSerializer(serializers.ModelSerializer):
    decided_by_agency = serializers.CharField(source="decided_by_agency.name", read_only=True)
    consent = serializers.UUIDField(source="consent_id", read_only=True)
    approved = serializers.SerializerMethodField()

    class Meta:
        model = SharingBasis
        fields = ["id", "kind", "summary", "consent_given_by", "consent_given_on", "consent",
                  "lawful_basis", "justification", "decided_by_agency", "decided_at",
                  "person_told", "not_told_reason", "approved", "approved_at"]
        read_only_fields = fields

    def get_approved(self, obj: SharingBasis) -> bool:
        return obj.kind == BasisKind.CONSENT or obj.approved_at is not None


class PartySerializer(serializers.ModelSerializer):
    agency = serializers.UUIDField(source="agency_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    signed = serializers.SerializerMethodField()

    class Meta:
        model = DsaParty
        fields = ["agency", "agency_name", "signed", "signed_at"]
        read_only_fields = fields

    def get_signed(self, obj: DsaParty) -> bool:
        return obj.signed_at is not None


class AgreementSerializer(serializers.ModelSerializer):
    parties = PartySerializer(many=True, read_only=True)
    drafted_by_agency = serializers.CharField(source="drafted_by_agency.name", read_only=True)

    class Meta:
        model = DataSharingAgreement
        fields = ["id", "title", "purpose", "lawful_basis", "data_categories", "retention",
                  "start_date", "review_date", "end_date", "status", "parties",
                  "reporting_allowed",
                  "drafted_by_agency", "activated_at", "terminated_at", "termination_reason",
                  "created_at"]
        read_only_fields = fields


class AgreementCreateSerializer(serializers.Serializer):
    title = CharField(max_length=200)
    purpose = TextField()
    lawful_basis = serializers.ChoiceField(choices=DsaLawfulBasis.choices)
    data_categories = TextField()
    retention = TextField()
    start_date = DateField(kind="planned")
    review_date = DateField(kind="planned")
    end_date = DateField(kind="planned")
    parties = serializers.ListField(child=serializers.UUIDField(), min_length=1)
    reporting_allowed = serializers.BooleanField(
        required=False, default=False,
        help_text="The parties may see aggregate, suppressed figures across the partnership.")


class TerminateSerializer(serializers.Serializer):
    reason = TextField()


class EmergencyAccessSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    live = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyAccess
        fields = ["id", "case", "case_reference", "agency", "reason", "started_at",
                  "expires_at", "ended_at", "live"]
        read_only_fields = fields

    def get_live(self, obj: EmergencyAccess) -> bool:
        from django.utils import timezone

        return obj.ended_at is None and obj.expires_at > timezone.now()


class EmergencyAccessCreateSerializer(serializers.Serializer):
    case_reference = CharField(max_length=20)
    reason = TextField()


class WhyReasonSerializer(serializers.Serializer):
    agency = serializers.UUIDField(source="agency_id")
    agency_name = serializers.CharField()
    own_agency = serializers.BooleanField(source="own")
    involvement_role = serializers.CharField(source="role")
    involved_since = serializers.DateTimeField(source="started_at")
    basis = serializers.CharField(source="basis_text")
    sharing_basis = SharingBasisRecordSerializer(allow_null=True)
    agreement = serializers.SerializerMethodField()
    consent_withdrawn = serializers.BooleanField()
    sections = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the agency sees of the case (its scope, in words).")
    hidden = serializers.ListField(child=serializers.CharField(),
                                   help_text="What is not shared with the agency.")
    scope_since = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        allow_null=True, help_text="When the access ends by itself (MARAC), or null.")

    def get_agreement(self, obj) -> dict | None:
        if obj.agreement is None:
            return None
        return {"id": str(obj.agreement.pk), "title": obj.agreement.title,
                "end_date": obj.agreement.end_date.isoformat()}


class WhySerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.pk")
    all_agencies = serializers.BooleanField()
    reasons = WhyReasonSerializer(many=True)
    emergency_access = EmergencyAccessSerializer(source="emergency", many=True)


class SharingBasisInput(serializers.Serializer):
    sharing_kind = serializers.ChoiceField(choices=BasisKind.choices)
    consent_given_by = serializers.ChoiceField(choices=ConsentGivenBy.choices, required=False,
                                               allow_blank=True, default="")
    consent_given_on = DateField(kind="event", required=False, allow_null=True, default=None)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, required=False,
                                           allow_blank=True, default="")
    justification = TextField(required=False, allow_blank=True, default="")
    person_told = serializers.BooleanField(required=False, default=True)
    not_told_reason = TextField(required=False, allow_blank=True, default="")

    @staticmethod
    def basis(data: dict) -> dict | None:
        if not data.get("sharing_kind"):
            return None
        return {"kind": data["sharing_kind"], "consent_given_by": data["consent_given_by"],
                "consent_given_on": data["consent_given_on"],
                "lawful_basis": data["lawful_basis"], "justification": data["justification"],
                "person_told": data["person_told"], "not_told_reason": data["not_told_reason"]}
