"""``/api/v1/webhooks/``: the acting agency's endpoints, for its agency admins (anyone else:
an empty list, 404 for an endpoint, 403 to create one), and each endpoint's delivery log."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.webhooks import selectors, services
from apps.webhooks.api.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
)
from apps.webhooks.policy import require_manage_webhooks


class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             ScopedGenericViewSet):
    """Webhook endpoints of the acting agency (agency admins). The secret is in the answer to
    a creation or a rotation only."""

    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.endpoint_list(actor=actor).select_related("created_by")

    def _with_secret(self, endpoint, secret: str, code: int = status.HTTP_200_OK) -> Response:
        endpoint.secret = secret
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data, status=code)

    @extend_schema(request=WebhookEndpointCreateSerializer,
                   responses={201: WebhookEndpointWithSecretSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        require_manage_webhooks(actor=actor)
        incoming = WebhookEndpointCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(actor=actor, **incoming.validated_data)
        return self._with_secret(endpoint, secret, status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointUpdateSerializer,
                   responses=WebhookEndpointSerializer)
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        endpoint = self.get_object()  # 404 before validation
        incoming = WebhookEndpointUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(actor=self.require_actor(), endpoint=endpoint,
                                            **incoming.validated_data)
        return Response(self.get_serializer(endpoint).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        services.endpoint_delete(actor=self.require_actor(), endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookEndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, *args: object, **kwargs: object) -> Response:
        """A new secret, in this answer only; later deliveries are signed with it."""
        endpoint, secret = services.endpoint_rotate_secret(actor=self.require_actor(),
                                                           endpoint=self.get_object())
        return self._with_secret(endpoint, secret)


WEBHOOK_ID = OpenApiParameter("webhook_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema(parameters=[WEBHOOK_ID])
class WebhookDeliveryViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """An endpoint's delivery log, newest first (keyset pages): status, tries, the last
    answer's status code and first 200 characters."""

    serializer_class = WebhookDeliverySerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        endpoint = selectors.endpoint_get(actor=actor, endpoint_id=self.kwargs["webhook_id"])
        return selectors.delivery_list(endpoint=endpoint)
