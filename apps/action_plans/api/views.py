from __future__ import annotations

from django.contrib.auth import get_user_model
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
from apps.agencies.models import Agency
from apps.cases.selectors import case_get
from apps.core.api.pagination import KeysetCursorPagination
from apps.core.api.viewsets import ScopedGenericViewSet

User = get_user_model()


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Actions on the cases the acting agency may see. ``?mine=true``: open actions owned by
    the acting agency; ``?status=open|done|cancelled``."""

    serializer_class = ActionSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        rows = selectors.action_list(actor=actor)
        params = self.request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("mine") == "true" and actor is not None:
            rows = rows.filter(owner_agency_id=actor.agency_id)
        return rows

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
        agency = Agency.objects.filter(pk=values["owner_agency"], active=True).first()
        if agency is None:
            raise ValidationError({"owner_agency": ["No active agency with that id."]})
        owner = User.objects.filter(pk=values["owner_user"]).first() if values[
            "owner_user"] else None
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
