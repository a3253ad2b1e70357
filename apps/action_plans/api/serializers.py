from __future__ import annotations

from rest_framework import serializers

from apps.action_plans.models import Action, Priority
from apps.cases.api.serializers import AgencyRefSerializer, display_name
from apps.core.api.fields import DateField, TextField


class ActionSerializer(serializers.ModelSerializer):
    owner_agency = AgencyRefSerializer(read_only=True)
    owner_user = serializers.SerializerMethodField()
    case = serializers.UUIDField(source="plan.case_id", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "case", "description", "owner_agency", "owner_user", "due_date",
                  "priority", "status", "overdue", "completion_note", "closed_at", "meeting",
                  "created_at"]
        read_only_fields = fields

    def get_owner_user(self, obj: Action) -> str | None:
        return display_name(obj.owner_user)

    def get_overdue(self, obj: Action) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())


class ActionCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    description = TextField()
    owner_agency = serializers.UUIDField(help_text="An agency involved in the case.")
    owner_user = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          min_value=1, max_value=2**31 - 1)
    due_date = DateField(kind="planned")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)

    def validate_owner_user(self, value: int | None) -> int | None:
        """An unknown id is invalid input (400), never silently dropped. The message is the
        one the service gives for a user outside the owner agency, so it does not tell
        whether a user id exists."""
        from django.contrib.auth import get_user_model

        if value is not None and not get_user_model().objects.filter(
                pk=value, is_active=True).exists():
            raise serializers.ValidationError("The owner must be a member of the owner agency.")
        return value


class NoteSerializer(serializers.Serializer):
    note = TextField()
