from __future__ import annotations

from rest_framework import serializers

from apps.core.api.fields import CharField, DateField, TextField
from apps.records.models import (
    PersonCorrection,
    RequesterKind,
    RetentionReview,
    RightsRequest,
    RightsRequestKind,
    SubjectAccessRequest,
)


class SubjectAccessRequestSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id", read_only=True)
    bundle_url = serializers.SerializerMethodField(
        help_text="Where to download the bundle (zip); null until assembled.")

    class Meta:
        model = SubjectAccessRequest
        fields = ["id", "person", "requester_kind", "requester_details", "received_on",
                  "due_on", "status", "summary", "assembled_at", "released_at",
                  "release_note", "bundle_url", "created_at"]
        read_only_fields = fields

    def get_bundle_url(self, sar: SubjectAccessRequest) -> str | None:
        if not sar.bundle_key:
            return None
        return f"/api/v1/subject-access-requests/{sar.pk}/bundle/"


class SubjectAccessRequestCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField(help_text="A person your agency recorded or worked with.")
    received_on = DateField(kind="event")
    requester_kind = serializers.ChoiceField(choices=RequesterKind.choices,
                                             default=RequesterKind.PERSON)
    requester_details = TextField(max_length=2000, required=False, allow_blank=True,
                                  default="")


class SubjectAccessReleaseSerializer(serializers.Serializer):
    note = TextField(max_length=2000, label="Note")


class RetentionReviewSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)

    class Meta:
        model = RetentionReview
        fields = ["id", "case", "case_reference", "due_on", "rule", "state", "extended_until",
                  "extend_reason", "legal_hold", "hold_reason", "decided_at", "kept"]
        read_only_fields = fields


class RetentionExtendSerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=120)
    reason = TextField(max_length=2000, label="Reason")


class LegalHoldSerializer(serializers.Serializer):
    reason = TextField(max_length=2000, label="Reason")


class RetentionRuleSerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=1200,
                                      help_text="Keep the agency's closed cases this many "
                                                "months (at most the default).")
    reason = TextField(max_length=2000, required=False, allow_blank=True, default="")
    default_months = serializers.IntegerField(read_only=True)


class PersonCorrectionSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id", read_only=True)

    class Meta:
        model = PersonCorrection
        fields = ["id", "person", "fields", "reason", "agencies_told", "created_at"]
        read_only_fields = fields


class PersonCorrectionCreateSerializer(serializers.Serializer):
    """The person and the new values of the details being corrected (only those given)."""

    person = serializers.UUIDField()
    reason = TextField(max_length=2000, label="Reason")
    given_name = CharField(max_length=100, required=False)
    family_name = CharField(max_length=100, required=False)
    other_names = CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = DateField(kind="birth", required=False, allow_null=True)
    address_line_1 = CharField(max_length=200, required=False, allow_blank=True)
    address_line_2 = CharField(max_length=200, required=False, allow_blank=True)
    town = CharField(max_length=100, required=False, allow_blank=True)
    postcode = CharField(max_length=10, required=False, allow_blank=True)
    phone = CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class RightsRequestSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="person_id", read_only=True)

    class Meta:
        model = RightsRequest
        fields = ["id", "person", "kind", "received_on", "details", "decision",
                  "decision_reasons", "decided_at", "created_at"]
        read_only_fields = fields


class RightsRequestCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=RightsRequestKind.choices)
    received_on = DateField(kind="event")
    details = TextField(max_length=5000, label="Details")


class RightsDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("granted", "Granted"),
                                                ("partly", "Partly granted"),
                                                ("refused", "Refused")])
    reasons = TextField(max_length=5000, label="Reasons")
