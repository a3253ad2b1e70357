from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.actor import actor_from_request
from apps.notifications import services
from apps.notifications.models import Notification
from apps.notifications.selectors import notification_get, notification_list, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "target_type", "target_id", "title", "url", "created_at",
                  "read_at"]


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications for the agency they act for (a token's membership, or
    the session's chosen agency), newest first; ``?unread=1`` for unread only."""

    serializer_class = NotificationSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "") in {"1", "true", "yes"}
        return notification_list(actor=actor_from_request(self.request), unread_only=unread)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notification_get(actor=actor_from_request(request), notification_id=pk)
        notification = services.notification_mark_read(user=request.user,
                                                       notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer(
        "ReadAll", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        actor = actor_from_request(request)
        marked = services.notification_mark_all_read(actor=actor)
        return Response({"marked": marked, "unread": unread_count(actor=actor)})

    @extend_schema(responses=inline_serializer(
        "UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": unread_count(actor=actor_from_request(request))})
