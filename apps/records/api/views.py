from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.records import selectors, services
from apps.records.api.serializers import (
    SubjectAccessReleaseSerializer,
    SubjectAccessRequestCreateSerializer,
    SubjectAccessRequestSerializer,
)
from apps.records.views import bundle_response


class SubjectAccessRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                  ScopedGenericViewSet):
    """Subject access requests to the acting agency (its agency admins only; anyone else sees
    an empty list and 404s). Opening one starts the assembly of everything the agency holds
    or received about the person, in the background; the bundle marks what needs redaction
    review before release."""

    serializer_class = SubjectAccessRequestSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.sar_list(actor=actor)

    @extend_schema(request=SubjectAccessRequestCreateSerializer,
                   responses={201: SubjectAccessRequestSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = SubjectAccessRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        person = selectors.people_held(actor=actor).filter(pk=values.pop("person")).first()
        if person is None:
            from apps.cases import policy

            policy.require_answer_subject_access(actor=actor)
            raise ValidationError({"person": ["No person your agency holds data about has "
                                              "that id."]})
        sar = services.sar_open(actor=actor, person=person, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=sar.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=SubjectAccessReleaseSerializer,
                   responses=SubjectAccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Record that the reviewed bundle was released (409 unless it is ready)."""
        sar = self.get_object()
        incoming = SubjectAccessReleaseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.sar_release(actor=self.require_actor(), sar=sar,
                             note=incoming.validated_data["note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=sar.pk)).data)

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The bundle (zip), as an attachment.")})
    @action(detail=True, methods=["get"])
    def bundle(self, request: Request, *args: object, **kwargs: object):
        """The assembled bundle (404 until ready); audited."""
        return bundle_response(actor=self.actor, sar=self.get_object())
