from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.agencies.actor import Actor
from apps.cases import policy
from apps.core.api.actor import actor_from_request
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.records import selectors, services
from apps.records.api.serializers import (
    LegalHoldSerializer,
    PersonCorrectionCreateSerializer,
    PersonCorrectionSerializer,
    RetentionExtendSerializer,
    RetentionReviewSerializer,
    RetentionRuleSerializer,
    RightsDecisionSerializer,
    RightsRequestCreateSerializer,
    RightsRequestSerializer,
    SubjectAccessReleaseSerializer,
    SubjectAccessRequestCreateSerializer,
    SubjectAccessRequestSerializer,
)
from apps.records.retention import default_months
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
        policy.require_answer_subject_access(actor=actor)
        incoming = SubjectAccessRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        person = selectors.people_held(actor=actor).filter(pk=values.pop("person")).first()
        if person is None:
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


class RetentionReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             ScopedGenericViewSet):
    """Closed cases the acting agency leads whose retention ran out (found by the nightly
    sweep): a manager deletes their personal data or keeps them longer with a reason; a
    manager or admin places or lifts a legal hold. Other agencies see none (404)."""

    serializer_class = RetentionReviewSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.retention_reviews(actor=actor)

    def _fresh(self, review: object) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=None, responses=RetentionReviewSerializer)
    @action(detail=True, methods=["post"], url_path="delete")
    def erase(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Delete the case's personal data now, keeping what statistics need (409 when held
        or not due)."""
        review = services.retention_delete(actor=self.require_actor(),
                                           review_id=self.get_object().pk)
        return self._fresh(review)

    @extend_schema(request=RetentionExtendSerializer, responses=RetentionReviewSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, *args: object, **kwargs: object) -> Response:
        review = self.get_object()  # 404 before validation
        incoming = RetentionExtendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.retention_extend(actor=self.require_actor(), review_id=review.pk,
                                           **incoming.validated_data)
        return self._fresh(review)

    @extend_schema(request=LegalHoldSerializer, responses=RetentionReviewSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, *args: object, **kwargs: object) -> Response:
        review = self.get_object()  # 404 before validation
        incoming = LegalHoldSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.retention_hold(actor=self.require_actor(), review_id=review.pk,
                                         hold=True,
                                         reason=incoming.validated_data["reason"])
        return self._fresh(review)

    @extend_schema(request=None, responses=RetentionReviewSerializer)
    @action(detail=True, methods=["post"], url_path="lift-hold")
    def lift_hold(self, request: Request, *args: object, **kwargs: object) -> Response:
        review = services.retention_hold(actor=self.require_actor(),
                                         review_id=self.get_object().pk, hold=False)
        return self._fresh(review)


class RetentionRuleView(APIView):
    """The acting agency's own retention period for closed cases (agency admins)."""

    @extend_schema(responses=RetentionRuleSerializer)
    def get(self, request: Request) -> Response:
        actor = actor_from_request(request)
        if not policy.may_set_retention_rules(actor=actor):
            raise Http404("No such rule")
        rule = selectors.agency_retention_rule(actor=actor)
        return Response({"months": rule.months if rule else default_months(),
                         "reason": rule.reason if rule else "",
                         "default_months": default_months()})

    @extend_schema(request=RetentionRuleSerializer, responses=RetentionRuleSerializer)
    def post(self, request: Request) -> Response:
        actor = actor_from_request(request)
        policy.require_set_retention_rules(actor=actor)
        incoming = RetentionRuleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rule = services.retention_rule_set(actor=actor, months=incoming.validated_data["months"],
                                           reason=incoming.validated_data["reason"])
        return Response({"months": rule.months, "reason": rule.reason,
                         "default_months": default_months()})


class PersonCorrectionViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Corrections to people's details made by the acting agency (rectification). Creating
    one changes the person's details, keeps the history and tells the other agencies the
    record is shared with (no personal data in the notification)."""

    serializer_class = PersonCorrectionSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        return selectors.person_corrections(actor=actor)

    @extend_schema(request=PersonCorrectionCreateSerializer,
                   responses={201: PersonCorrectionSerializer})
    def create(self, request: Request) -> Response:
        from apps.people.selectors import person_get
        from apps.records.rectification import person_correct

        actor = self.require_actor()
        incoming = PersonCorrectionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        try:
            person = person_get(actor=actor, person_id=values.pop("person"))
        except Http404 as exc:
            raise ValidationError({"person": ["No person with that id."]}) from exc
        reason = values.pop("reason")
        correction = person_correct(actor=actor, person=person, changes=values, reason=reason)
        return Response(self.get_serializer(correction).data, status=status.HTTP_201_CREATED)


class RightsRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           ScopedGenericViewSet):
    """Restriction, erasure and objection requests to the acting agency, with their
    decisions and reasons (its agency admins only)."""

    serializer_class = RightsRequestSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        from apps.records.rectification import rights_requests

        return rights_requests(actor=actor)

    @extend_schema(request=RightsRequestCreateSerializer,
                   responses={201: RightsRequestSerializer})
    def create(self, request: Request) -> Response:
        from apps.records.rectification import rights_request_record

        actor = self.require_actor()
        policy.require_answer_subject_access(actor=actor)
        incoming = RightsRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        person = selectors.people_held(actor=actor).filter(pk=values.pop("person")).first()
        if person is None:
            raise ValidationError({"person": ["No person your agency holds data about has "
                                              "that id."]})
        item = rights_request_record(actor=actor, person=person, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=RightsDecisionSerializer, responses=RightsRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Record the decision and its reasons (409 once decided)."""
        from apps.records.rectification import rights_request_decide

        item = self.get_object()
        incoming = RightsDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rights_request_decide(actor=self.require_actor(), request=item,
                              **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)
