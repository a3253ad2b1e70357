from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.agencies.actor import Actor
from apps.agencies.selectors import agencies_by_ids
from apps.cases.selectors import case_get
from apps.consent import selectors, services
from apps.consent.api.serializers import (
    AgreementCreateSerializer,
    AgreementSerializer,
    ConsentCreateSerializer,
    ConsentSerializer,
    EmergencyAccessCreateSerializer,
    EmergencyAccessSerializer,
    SharingBasisRecordSerializer,
    TerminateSerializer,
    WhySerializer,
    WithdrawSerializer,
)
from apps.core.api.actor import actor_or_404
from apps.core.api.pagination import KeysetCursorPagination
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.people.selectors import person_get


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Consent records about people the acting agency may see. POST to record one;
    POST ``{id}/withdraw/`` with a ``note`` to withdraw it."""

    serializer_class = ConsentSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.consent_list(actor=actor)

    @extend_schema(request=ConsentCreateSerializer, responses={201: ConsentSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        data = ConsentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = person_get(actor=actor, person_id=values.pop("person"))
        agency_ids = values.pop("scope_agencies")
        agencies = agencies_by_ids(agency_ids=agency_ids, active_only=True)
        consent = services.consent_record(actor=actor, person=person,
                                          scope_agencies=agencies, **values)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        actor = self.require_actor()
        consent = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.consent_withdraw(actor=actor, consent=consent,
                                            note=data.validated_data["note"])
        return Response(ConsentSerializer(consent).data)


class SharingBasisViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          ScopedGenericViewSet):
    """Sharing bases the acting agency decided. POST ``{id}/approve/`` (a manager) approves
    sharing without consent where the agency's policy requires it."""

    serializer_class = SharingBasisRecordSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.sharing_basis_list(actor=actor)

    @extend_schema(request=None, responses=SharingBasisRecordSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        actor = self.require_actor()
        basis = services.sharing_basis_approve(actor=actor, sharing_basis=self.get_object())
        return Response(SharingBasisRecordSerializer(basis).data)


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Data-sharing agreements the acting agency is a party to. Agency admins draft (POST),
    sign for their own agency (``{id}/sign/``) and terminate (``{id}/terminate/``)."""

    serializer_class = AgreementSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.dsa_list(actor=actor)

    def _fresh(self, agreement) -> Response:
        return Response(AgreementSerializer(
            selectors.dsa_get(actor=self.actor, agreement_id=agreement.pk)).data)

    @extend_schema(request=AgreementCreateSerializer, responses={201: AgreementSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        data = AgreementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        party_ids = set(values.pop("parties"))
        parties = agencies_by_ids(agency_ids=party_ids)
        if len(parties) != len(party_ids):
            return Response({"parties": ["Select agencies from the directory."]},
                            status=status.HTTP_400_BAD_REQUEST)
        agreement = services.dsa_create(actor=actor, parties=parties, **values)
        response = self._fresh(agreement)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=None, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        actor = self.require_actor()
        agreement = services.dsa_sign(actor=actor, agreement=self.get_object())
        return self._fresh(agreement)

    @extend_schema(request=TerminateSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str) -> Response:
        actor = self.require_actor()
        agreement = self.get_object()  # 404 before anything else when it is not visible
        data = TerminateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.dsa_terminate(actor=actor, agreement=agreement,
                                           reason=data.validated_data["reason"])
        return self._fresh(agreement)


class EmergencyAccessViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             ScopedGenericViewSet):
    """The caller's emergency accesses and those on cases their agency leads. POST with a
    ``case_reference`` and a ``reason`` to break glass (view only, for a limited time)."""

    serializer_class = EmergencyAccessSerializer
    pagination_class = KeysetCursorPagination

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.emergency_access_list(actor=actor)

    @extend_schema(request=EmergencyAccessCreateSerializer,
                   responses={201: EmergencyAccessSerializer})
    def create(self, request: Request) -> Response:
        actor = self.require_actor()
        data = EmergencyAccessCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        access = services.emergency_access_request(
            actor=actor, case_reference=data.validated_data["case_reference"],
            reason=data.validated_data["reason"])
        return Response(EmergencyAccessSerializer(access).data,
                        status=status.HTTP_201_CREATED)


class CaseWhyView(APIView):
    """Why can I see this case: the basis of the caller's access (agency admins: of every
    involved agency's access)."""

    @extend_schema(responses=WhySerializer)
    def get(self, request: Request, case_id: str) -> Response:
        actor = actor_or_404(request)
        case = case_get(actor=actor, case_id=case_id)
        return Response(WhySerializer(selectors.access_explanation(actor=actor,
                                                                   case=case)).data)
