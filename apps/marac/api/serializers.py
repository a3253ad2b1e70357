from __future__ import annotations

from rest_framework import serializers

from apps.cases.api.serializers import AgencyRefSerializer, display_name
from apps.cases.models import RiskLevel
from apps.consent.models import LawfulBasis
from apps.core.api.fields import CharField, DateField, DateTimeField, TextField
from apps.marac import dash
from apps.marac.models import (
    AgendaItem,
    MaracReferral,
    Meeting,
    Research,
    RiskChecklist,
    RouteDecision,
)


class RiskChecklistSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    assessor = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    routes = serializers.SerializerMethodField()

    class Meta:
        model = RiskChecklist
        fields = ["id", "case", "area", "agency", "assessor", "incident_date", "answers",
                  "answer_notes", "score", "incidents_last_12_months", "professional_judgement",
                  "judgement_rationale", "visible_high_risk", "escalation", "routes",
                  "decision", "decision_reason", "decided_by", "decided_at", "created_at"]
        read_only_fields = fields

    def get_assessor(self, obj: RiskChecklist) -> str | None:
        return display_name(obj.assessor)

    def get_decided_by(self, obj: RiskChecklist) -> str | None:
        return display_name(obj.decided_by)

    def get_routes(self, obj: RiskChecklist) -> list[str]:
        return obj.routes.names


class RiskChecklistCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    area = serializers.UUIDField()
    answers = serializers.DictField(child=serializers.ChoiceField(choices=dash.ANSWERS),
                                    help_text="q01 … q24: yes | no | not_known.")
    answer_notes = serializers.DictField(child=TextField(allow_blank=True),
                                         required=False, default=dict)
    incident_date = DateField(kind="event", required=False, allow_null=True, default=None)
    incidents_last_12_months = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    professional_judgement = serializers.BooleanField(default=False)
    judgement_rationale = TextField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[RouteDecision.REFER, RouteDecision.NOT_REFER])
    reason = TextField()


class MaracReferralSerializer(serializers.ModelSerializer):
    referring_agency = AgencyRefSerializer(read_only=True)
    referrer = serializers.SerializerMethodField()
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    score = serializers.IntegerField(source="checklist.score", read_only=True)

    class Meta:
        model = MaracReferral
        fields = ["id", "case", "case_reference", "checklist", "area", "referring_agency",
                  "referrer", "route", "score", "reason", "victim_aware",
                  "victim_not_aware_reason", "status", "is_repeat", "last_heard_on",
                  "signed_off_at", "submitted_at", "returned_reason", "created_at"]
        read_only_fields = fields

    def get_referrer(self, obj: MaracReferral) -> str | None:
        return display_name(obj.referrer)


class MaracReferralCreateSerializer(serializers.Serializer):
    checklist = serializers.UUIDField()
    route = serializers.ChoiceField(choices=dash.Route.CHOICES)
    reason = TextField(required=False, allow_blank=True, default="")
    victim_aware = serializers.BooleanField()
    victim_not_aware_reason = TextField(required=False, allow_blank=True, default="")
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    justification = TextField()


class ListSerializer(serializers.Serializer):
    meeting = serializers.UUIDField()


class ReasonSerializer(serializers.Serializer):
    reason = TextField()


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "area", "starts_at", "location", "chair", "research_due_at", "status",
                  "confidentiality_read", "held_at"]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    area = serializers.UUIDField()
    starts_at = DateTimeField(kind="planned")
    location = CharField(max_length=200, required=False, allow_blank=True, default="")
    chair = CharField(max_length=200, required=False, allow_blank=True, default="")


class ResearchSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(read_only=True)

    class Meta:
        model = Research
        fields = ["id", "agency", "text", "nothing_held", "submitted_at"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    research = ResearchSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "case", "case_reference", "position", "is_repeat", "minutes",
                  "risk_confirmed", "research"]
        read_only_fields = fields


class ResearchSubmitSerializer(serializers.Serializer):
    text = TextField(required=False, allow_blank=True, default="")
    nothing_held = serializers.BooleanField(default=False)


class MinutesSerializer(serializers.Serializer):
    minutes = TextField()
    risk_confirmed = serializers.ChoiceField(choices=RiskLevel.choices)
