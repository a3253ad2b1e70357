from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.audit.services import access_record
from apps.cases.selectors import case_get
from apps.core.api.pagination import KeysetCursorPagination
from apps.core.api.viewsets import UUID_REGEX, ScopedGenericViewSet
from apps.marac import selectors, services
from apps.marac.api.serializers import (
    AgendaItemSerializer,
    DecisionSerializer,
    ListSerializer,
    MaracReferralCreateSerializer,
    MaracReferralSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MinutesSerializer,
    ReasonSerializer,
    ResearchSubmitSerializer,
    RiskChecklistCreateSerializer,
    RiskChecklistSerializer,
)
from apps.marac.models import MaracArea


def _area(area_id) -> MaracArea:
    area = selectors.area_choices().filter(pk=area_id).first()
    if area is None:
        raise ValidationError({"area": ["No MARAC area with that id."]})
    return area


class RiskChecklistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           ScopedGenericViewSet):
    """DASH risk checklists on cases the acting agency may see."""

    serializer_class = RiskChecklistSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.checklist_list(actor=actor)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        checklist = self.get_object()
        access_record(actor=self.actor, object_type="risk_checklist", object_id=checklist.pk,
                      case_id=checklist.case_id, action="view")
        return Response(self.get_serializer(checklist).data)

    @extend_schema(request=RiskChecklistCreateSerializer,
                   responses={201: RiskChecklistSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = RiskChecklistCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        try:
            case = case_get(actor=actor, case_id=values.pop("case"))
        except Http404 as exc:
            raise ValidationError({"case": ["No case with that id."]}) from exc
        checklist = services.risk_checklist_create(
            actor=actor, case=case, area=_area(values.pop("area")), **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=checklist.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=RiskChecklistSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Record the decision to refer to MARAC or not, with its reason (409 if decided)."""
        checklist = self.get_object()
        incoming = DecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.risk_checklist_decide(actor=self.require_actor(), checklist=checklist,
                                       **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=checklist.pk)).data)


class MaracReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           ScopedGenericViewSet):
    """MARAC referrals: the acting agency's own, and (for coordinators) those submitted to
    their MARAC. ``?status=`` filters."""

    serializer_class = MaracReferralSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.marac_referral_list(
            actor=actor, status=self.request.query_params.get("status", ""))

    def _fresh(self, referral) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=referral.pk)).data)

    @extend_schema(request=MaracReferralCreateSerializer,
                   responses={201: MaracReferralSerializer})
    def create(self, request: Request) -> Response:
        """Refer from a checklist whose decision was to refer; its answers are reused."""
        actor = self.require_actor()
        incoming = MaracReferralCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        try:
            checklist = selectors.checklist_get(actor=actor, checklist_id=values["checklist"])
        except Http404 as exc:
            raise ValidationError({"checklist": ["No checklist with that id."]}) from exc
        referral = services.marac_referral_create(
            actor=actor, checklist=checklist, route=values["route"], reason=values["reason"],
            victim_aware=values["victim_aware"],
            victim_not_aware_reason=values["victim_not_aware_reason"],
            sharing={"lawful_basis": values["lawful_basis"],
                     "justification": values["justification"]})
        response = self._fresh(referral)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=None, responses=MaracReferralSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        referral = services.marac_referral_sign_off(actor=self.require_actor(),
                                                    referral=self.get_object())
        return self._fresh(referral)

    @extend_schema(request=ListSerializer, responses=MaracReferralSerializer)
    @action(detail=True, methods=["post"], url_path="list")
    def list_for_meeting(self, request: Request, pk: str | None = None) -> Response:
        """The coordinator lists the case on a scheduled meeting's agenda."""
        referral = self.get_object()
        incoming = ListSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            meeting = selectors.meeting_get(actor=self.actor,
                                            meeting_id=incoming.validated_data["meeting"])
        except Http404 as exc:
            raise ValidationError({"meeting": ["No meeting with that id."]}) from exc
        services.marac_referral_list_for_meeting(actor=self.require_actor(), referral=referral,
                                                 meeting=meeting)
        return self._fresh(referral)

    @extend_schema(request=ReasonSerializer, responses=MaracReferralSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()
        incoming = ReasonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.marac_referral_return(actor=self.require_actor(), referral=referral,
                                       reason=incoming.validated_data["reason"])
        return self._fresh(referral)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """MARAC meetings of the areas the acting agency sits at."""

    serializer_class = MeetingSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.meeting_list(actor=actor)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        incoming = MeetingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        meeting = services.meeting_schedule(actor=actor, area=_area(values.pop("area")),
                                            **values)
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


class AgendaItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """A meeting's listed cases with every member agency's research (the meeting pack)."""

    serializer_class = AgendaItemSerializer

    @property
    def meeting(self):
        if not hasattr(self, "_meeting"):
            self._meeting = selectors.meeting_get(actor=self.actor,
                                                  meeting_id=self.kwargs["meeting_id"])
        return self._meeting

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.agenda_items(meeting=self.meeting)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        access_record(actor=self.actor, object_type="marac_pack", object_id=self.meeting.pk,
                      action="view", basis="MARAC member agency")
        return response

    @extend_schema(request=ResearchSubmitSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def research(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Submit the acting agency's research for this case (404 if it was not asked)."""
        item = self.get_object()
        research = selectors.research_for_agency(item=item, actor=self.require_actor())
        if research is None:
            raise Http404("No research requested from your agency")
        incoming = ResearchSubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.research_submit(actor=self.actor, research=research, **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=MinutesSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, *args: object, **kwargs: object) -> Response:
        item = self.get_object()
        incoming = MinutesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.agenda_item_minute(actor=self.require_actor(), item=item,
                                    **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


AGENDA_PREFIX = rf"marac/meetings/(?P<meeting_id>{UUID_REGEX})/agenda-items"
