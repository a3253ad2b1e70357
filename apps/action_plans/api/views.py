from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.action_plans import selectors, services
from apps.action_plans.api.serializers import (
    ActionCreateSerializer,
    ActionSerializer,
    NoteSerializer,
)
from apps.agencies.actor import Actor
from apps.agencies.selectors import agency_list, user_by_id
from apps.cases.selectors import case_get
from apps.core.api.pagination import KeysetCursorPagination
from apps.core.api.viewsets import ScopedGenericViewSet


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Actions on the cases the acting agency may see. ``?mine=true``: open actions owned by
    the acting agency; ``?status=open|done|cancelled``."""

    serializer_class = ActionSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        params = self.request.query_params
        return selectors.action_list_filtered(actor=actor, filters=selectors.ActionFilters(
            status=params.get("status", ""), mine=params.get("mine") == "true"))

    def _fresh(self, obj, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data,
                        status=code)

    @extend_schema(request=ActionCreateSerializer, responses={201: ActionSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = ActionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        try:
            case = case_get(actor=actor, case_id=values["case"])
        except Http404 as exc:
            raise ValidationError({"case": ["No case with that id."]}) from exc
        agency = agency_list().filter(pk=values["owner_agency"]).first()
        if agency is None:
            raise ValidationError({"owner_agency": ["No active agency with that id."]})
        owner = user_by_id(user_id=values["owner_user"]) if values["owner_user"] else None
        created = services.action_add(actor=actor, case=case, description=values["description"],
                                      owner_agency=agency, owner_user=owner,
                                      due_date=values["due_date"], priority=values["priority"])
        return self._fresh(created, status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        incoming = NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.action_complete(actor=self.require_actor(), action=item,
                                 note=incoming.validated_data["note"])
        return self._fresh(item)

    @extend_schema(request=NoteSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        incoming = NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.action_cancel(actor=self.require_actor(), action=item,
                               note=incoming.validated_data["note"])
        return self._fresh(item)
