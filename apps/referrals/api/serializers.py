from __future__ import annotations

from rest_framework import serializers

from apps.consent.api.serializers import SharingBasisInput
from apps.consent.models import BasisKind
from apps.core.api.fields import MemberField, TextField
from apps.referrals.models import DeclineCategory, Referral, ReferralEvent, Urgency


class _Named(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class SharingBasisSerializer(serializers.Serializer):
    kind = serializers.CharField()
    summary = serializers.CharField()
    consent_given_by = serializers.CharField()
    consent_given_on = serializers.DateField()
    lawful_basis = serializers.CharField()
    justification = serializers.CharField()
    person_told = serializers.BooleanField()
    not_told_reason = serializers.CharField()
    decided_at = serializers.DateTimeField()


class ReferralEventSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency.name", default=None)

    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "text", "at", "user", "agency"]

    def get_user(self, event: ReferralEvent) -> str | None:
        if event.user is None:
            return None
        return event.user.get_full_name() or event.user.get_username()


class ReferralSerializer(serializers.ModelSerializer):
    """What either side sees of the referral: what was shared, never the rest of the case."""

    case = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    from_agency = _Named()
    to_agency = _Named()
    to_service = _Named(allow_null=True)
    signpost_service = _Named(allow_null=True)
    from_user = serializers.SerializerMethodField()
    sharing_basis = SharingBasisSerializer(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    assigned_to = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id", "status", "urgency", "case", "subject", "from_agency", "from_user",
            "to_agency", "to_service", "reason", "shared_information", "sharing_basis",
            "created_at", "submitted_at", "first_submitted_at", "due_at", "seen_at",
            "decided_at", "decline_category", "decline_reason", "signpost_service",
            "info_request", "info_response", "withdrawn_at", "withdraw_reason", "outcome",
            "completed_at", "assigned_to", "assigned_at", "allowed_actions",
        ]

    def get_case(self, referral: Referral) -> dict:
        return {"id": str(referral.case_id), "reference": referral.case.reference}

    def get_subject(self, referral: Referral) -> dict:
        """Tell it once: the subject's name and date of birth travel with the referral."""
        subject = referral.case.subject
        return {"name": f"{subject.given_name} {subject.family_name}",
                "date_of_birth": subject.date_of_birth}

    def get_assigned_to(self, referral: Referral) -> str | None:
        user = referral.assigned_to
        return (user.get_full_name() or user.get_username()) if user else None

    def get_from_user(self, referral: Referral) -> str:
        return referral.from_user.get_full_name() or referral.from_user.get_username()

    def get_allowed_actions(self, referral: Referral) -> list[str]:
        from apps.referrals.services import allowed_actions

        actor = self.context.get("actor")
        return sorted(allowed_actions(actor=actor, referral=referral)) if actor else []


class ReferralDetailSerializer(ReferralSerializer):
    history = serializers.SerializerMethodField()

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "history"]

    def get_history(self, referral: Referral) -> list[dict]:
        from apps.referrals.selectors import referral_events

        return ReferralEventSerializer(referral_events(referral=referral), many=True).data


class ReferralCreateSerializer(SharingBasisInput):
    case = serializers.UUIDField()
    to_service = serializers.UUIDField()
    reason = TextField(required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    shared_information = TextField(required=False, allow_blank=True, allow_null=True,
                                   default=None)
    submit = serializers.BooleanField(required=False, default=False)
    override_reason = TextField(
        required=False, allow_blank=True, default="",
        help_text="Emergency only: send although the sharing check refuses (audited).")
    sharing_kind = serializers.ChoiceField(choices=BasisKind.choices, required=False,
                                           allow_blank=True, default="")


class SubmitSerializer(serializers.Serializer):
    override_reason = TextField(
        required=False, allow_blank=True, default="",
        help_text="Emergency only: send although the sharing check refuses (audited).")


class DeclineSerializer(serializers.Serializer):
    decline_category = serializers.ChoiceField(choices=DeclineCategory.choices)
    decline_reason = TextField()
    signpost_service = serializers.UUIDField(required=False, allow_null=True, default=None)


class TextSerializer(serializers.Serializer):
    text = TextField(required=False, allow_blank=True, default="")


class AcceptSerializer(serializers.Serializer):
    key_worker = MemberField(
        required=False, allow_null=True, default=None,
        help_text="User id of your agency's key worker on the case (default: you).")


class AssignSerializer(serializers.Serializer):
    user = MemberField(help_text="User id of the member of your agency who takes it on "
                                 "(yourself to pick it up; a manager may choose anyone).")
