from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.service_selectors import service_get
from apps.cases.selectors import case_get
from apps.core.api.actor import actor_or_404
from apps.core.db import joins_as_written
from apps.referrals import services
from apps.referrals.api.serializers import (
    AcceptSerializer,
    AssignSerializer,
    DeclineSerializer,
    ReferralCreateSerializer,
    ReferralDetailSerializer,
    ReferralSerializer,
    SharingBasisInput,
    SubmitSerializer,
    TextSerializer,
)
from apps.referrals.models import Referral
from apps.referrals.selectors import ReferralFilters, referral_get, referral_list_filtered


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Referrals sent by or to the acting agency. ``?box=inbox&tab=new|awaiting|overdue`` or
    ``?box=outgoing``; ``?status=``. Transitions are POST actions; 409 when refused."""

    serializer_class = ReferralSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self):
        actor = actor_or_404(self.request)
        params = self.request.query_params
        filters = ReferralFilters(box=params.get("box", ""), tab=params.get("tab", "new"),
                                  status=params.get("status", ""))
        try:
            return referral_list_filtered(actor=actor, filters=filters)
        except Http404 as exc:
            raise ValidationError({"tab": ["Choose new, awaiting or overdue."]}) from exc

    def list(self, request: Request, *args, **kwargs) -> Response:
        with joins_as_written():  # the page's query plans in ~1 ms instead of ~15 ms
            return super().list(request, *args, **kwargs)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "actor": actor_or_404(self.request)}

    def _get(self, pk: str) -> Referral:
        return referral_get(actor=actor_or_404(self.request), referral_id=pk)

    def _done(self, referral: Referral, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._get(referral.pk)
        return Response(ReferralDetailSerializer(fresh, context=self.get_serializer_context())
                        .data, status=code)

    @extend_schema(responses=ReferralDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        actor = actor_or_404(request)
        referral = services.referral_open(actor=actor, referral=self._get(pk))
        return Response(ReferralDetailSerializer(referral,
                                                 context=self.get_serializer_context()).data)

    @extend_schema(request=ReferralCreateSerializer, responses=ReferralDetailSerializer)
    def create(self, request: Request) -> Response:
        actor = actor_or_404(request)
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            case = case_get(actor=actor, case_id=values["case"])
        except Http404 as exc:
            raise ValidationError({"case": ["No case with that id."]}) from exc
        try:
            service = service_get(actor=actor, service_id=values["to_service"])
        except Http404 as exc:
            raise ValidationError({"to_service": ["No service with that id."]}) from exc
        referral = services.referral_create(
            actor=actor, case=case, to_service=service, reason=values["reason"],
            urgency=values["urgency"], shared_information=values["shared_information"],
            basis=SharingBasisInput.basis(values), submit=values["submit"],
            override_reason=values["override_reason"],
        )
        return self._done(referral, status.HTTP_201_CREATED)

    @extend_schema(request=SubmitSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        actor = actor_or_404(request)
        referral = self._get(pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.referral_submit(
            actor=actor, referral=referral,
            override_reason=data.validated_data["override_reason"]))

    @extend_schema(request=AcceptSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        actor = actor_or_404(request)
        referral = self._get(pk)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.referral_accept(
            actor=actor, referral=referral, key_worker=data.validated_data["key_worker"]))

    @extend_schema(request=AssignSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Pick up (``user`` = yourself) or, as a manager, assign an open or accepted
        referral of your agency's queue. 400 when the user is not a member of your agency or
        the agency can no longer see the case."""
        actor = actor_or_404(request)
        referral = self._get(pk)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(services.referral_assign(actor=actor, referral=referral,
                                                   user=data.validated_data["user"]))

    @extend_schema(request=DeclineSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        actor = actor_or_404(request)
        referral = self._get(pk)
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signpost = None
        if data.validated_data["signpost_service"]:
            try:
                signpost = service_get(actor=actor,
                                       service_id=data.validated_data["signpost_service"])
            except Http404 as exc:
                raise ValidationError({"signpost_service": ["No service with that id."]}) \
                    from exc
        return self._done(services.referral_decline(
            actor=actor, referral=referral, category=data.validated_data["decline_category"],
            reason=data.validated_data["decline_reason"], signpost_service=signpost))

    def _text(self, request: Request) -> str:
        data = TextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["text"]

    @extend_schema(request=TextSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request: Request, pk: str | None = None) -> Response:
        referral = self._get(pk)
        return self._done(services.referral_request_info(
            actor=actor_or_404(request), referral=referral, question=self._text(request)))

    @extend_schema(request=TextSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        referral = self._get(pk)
        return self._done(services.referral_respond(
            actor=actor_or_404(request), referral=referral, answer=self._text(request)))

    @extend_schema(request=TextSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        referral = self._get(pk)
        return self._done(services.referral_withdraw(
            actor=actor_or_404(request), referral=referral, reason=self._text(request)))

    @extend_schema(request=TextSerializer, responses=ReferralDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        referral = self._get(pk)
        return self._done(services.referral_complete(
            actor=actor_or_404(request), referral=referral, outcome=self._text(request)))
