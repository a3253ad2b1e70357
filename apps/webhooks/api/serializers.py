from __future__ import annotations

from rest_framework import serializers

from apps.core.api.fields import CharField
from apps.webhooks.events import Event
from apps.webhooks.models import (
    DESCRIPTION_MAX_LENGTH,
    URL_MAX_LENGTH,
    WebhookDelivery,
    WebhookEndpoint,
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as listed: never its secret."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "active", "created_by", "created_at",
                  "updated_at", "secret_rotated_at"]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The answer to a creation or a rotation: the secret, this once."""

    secret = serializers.CharField(read_only=True,
                                   help_text="Shown only in this answer: keep it safe.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = CharField(max_length=URL_MAX_LENGTH,
                    help_text="https only; must resolve to a public address.")
    description = CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False,
                            allow_blank=True, default="")
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices),
                                   allow_empty=False, max_length=len(Event.values) * 2)


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = CharField(max_length=URL_MAX_LENGTH, required=False)
    description = CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False,
                            allow_blank=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices),
                                   allow_empty=False, max_length=len(Event.values) * 2,
                                   required=False)
    active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "event_id", "status", "attempts", "next_attempt_at",
                  "last_attempt_at", "sent_at", "response_status", "response_excerpt",
                  "last_error", "payload", "created_at"]
        read_only_fields = fields
