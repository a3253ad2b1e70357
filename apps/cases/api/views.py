from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.agencies.actor import Actor
from apps.agencies.selectors import agency_list
from apps.audit.services import access_record
from apps.cases import policy, selectors, services
from apps.cases.api.serializers import (
    CaseAssignSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    InvolvementCreateSerializer,
    InvolvementEndSerializer,
    InvolvementScopeSerializer,
    InvolvementSerializer,
    NoteCreateSerializer,
    NoteFilterSerializer,
    NoteSerializer,
)
from apps.cases.models import Case, CaseNote, Involvement
from apps.core.api.pagination import KeysetCursorPagination
from apps.core.api.viewsets import ScopedGenericViewSet
from apps.people.selectors import person_get


class CaseCursorPagination(KeysetCursorPagination):
    ordering = selectors.MY_WORK_ORDERING


CASE_ID = OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH,
                           description="The case's id.")


@extend_schema_view(list=extend_schema(parameters=[CaseFilterSerializer]))
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Cases the acting agency may see, most recently active first.

    Filters: ``?status=open|closed``, ``?risk_level=standard|medium|high``,
    ``?assigned_to_me=true`` (cases where the caller is their agency's key worker)."""

    serializer_class = CaseSerializer
    pagination_class = CaseCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def selector_queryset(self, actor: Actor | None) -> QuerySet[Case]:
        if self.action == "list":  # the same selector and filters as My work
            return selectors.case_list_marked(actor=actor, cases=selectors.case_list_filtered(
                actor=actor, filters=self._filters()))
        return selectors.case_list(actor=actor).select_related("subject", "lead_agency")

    def _filters(self) -> selectors.MyWorkFilters:
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        return selectors.MyWorkFilters(status=values.get("status", ""),
                                       risk_level=values.get("risk_level", ""),
                                       assigned_to_me=values.get("assigned_to_me", False))

    def _detail(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        may = policy.case_abilities(actor=self.actor, case=case)
        visible = may.visible
        context = {**self.get_serializer_context(), "capabilities": may.held,
                   "visible": visible}
        return Response(CaseDetailSerializer(case, context=context).data, status=code)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        case = self.get_object()
        access_record(actor=self.actor, object_type="case", object_id=case.pk, case_id=case.pk,
                      action="view")
        return self._detail(case)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        """Open a case about a person the caller can see; the caller's agency leads it."""
        actor = self.require_actor()
        incoming = CaseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        try:
            subject = person_get(actor=actor, person_id=values["subject"])
        except Http404 as exc:
            raise ValidationError({"subject": ["No person with that id."]}) from exc
        case = services.case_open(actor=actor, subject=subject, summary=values["summary"],
                                  risk_level=values["risk_level"],
                                  restricted=values["restricted"])
        return self._detail(self.get_queryset().get(pk=case.pk), status.HTTP_201_CREATED)

    @extend_schema(request=CaseAssignSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Make ``user`` your agency's key worker on the case: yourself (pick up) when you
        may contribute to it, anyone of your agency when you are its manager. 400 when the
        user is not a member of your agency or your agency can no longer see the case."""
        case = self.get_object()
        incoming = CaseAssignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.case_assign(actor=self.require_actor(), case=case,
                             user=incoming.validated_data["user"])
        return self._detail(self.get_queryset().get(pk=case.pk))

    @extend_schema(request=CaseUpdateSerializer, responses=CaseDetailSerializer)
    def partial_update(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Change the status, risk level or summary (a manager of the lead agency)."""
        case = self.get_object()
        incoming = CaseUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        services.case_update(
            actor=self.require_actor(), case=case,
            status=values.get("status", case.status),
            risk_level=values.get("risk_level", case.risk_level),
            summary=values.get("summary", case.summary))
        return self._detail(self.get_queryset().get(pk=case.pk))


class CaseChildMixin:
    """Children of a case: the case must be visible to the actor, or everything is 404."""

    kwargs: dict
    actor: Actor | None

    @property
    def case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = selectors.case_get(actor=self.actor, case_id=self.kwargs["case_id"])
        return self._case


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(list=extend_schema(parameters=[NoteFilterSerializer]))
class CaseNoteViewSet(CaseChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, ScopedGenericViewSet):
    """The case's chronology: shared notes, and the acting agency's own, newest first (the
    case page's order, filters and keyset pages: ``?kind=``, ``?agency=``, ``next``). Answers
    404 when the acting agency's scope does not include the chronology section (as for a case
    it cannot see: a hidden section is simply absent)."""

    serializer_class = NoteSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[CaseNote]:
        if not policy.visible_sections(actor=actor, case=self.case).chronology:
            raise Http404("No such case")
        if self.action != "list":
            return selectors.note_list(actor=actor, case=self.case)
        filters = NoteFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        return selectors.note_list_filtered(actor=actor, case=self.case,
                                            filters=selectors.NoteFilters(
                                                kind=values.get("kind", ""),
                                                agency_id=values.get("agency")))

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        access_record(actor=self.actor, object_type="case_notes", object_id=self.case.pk,
                      case_id=self.case.pk, action="view")
        return response

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        access_record(actor=self.actor, object_type="case_note", object_id=kwargs["pk"],
                      case_id=self.case.pk, action="view")
        return response

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        case = self.case
        self.get_queryset()  # 404 before any write when the chronology is not shared
        incoming = NoteCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = services.case_note_add(actor=self.require_actor(), case=case,
                                      **incoming.validated_data)
        fresh = self.get_queryset().get(pk=note.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CASE_ID])
class InvolvementViewSet(CaseChildMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, ScopedGenericViewSet):
    """The agencies involved in the case (current and past): the basis of each one's access."""

    serializer_class = InvolvementSerializer

    def selector_queryset(self, actor: Actor | None) -> QuerySet[Involvement]:
        if actor is None:
            raise Http404("No such case")
        return selectors.involvement_list(case=self.case)

    @extend_schema(request=InvolvementCreateSerializer, responses={201: InvolvementSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Involve another agency (a manager of the lead agency); it gains access at once."""
        case = self.case
        incoming = InvolvementCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        agency = agency_list().filter(pk=values["agency"]).first()
        if agency is None:
            raise ValidationError({"agency": ["No active agency with that id."]})
        involvement = services.involvement_add(
            actor=self.require_actor(), case=case, agency=agency, basis=values["basis"],
            role=values["role"], override_reason=values["override_reason"],
            works_with=values["works_with"],
            sharing_basis=InvolvementCreateSerializer.basis(values))
        fresh = self.get_queryset().get(pk=involvement.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InvolvementEndSerializer, responses=InvolvementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: object, **kwargs: object) -> Response:
        """End the involvement (a manager of the lead agency); its access ends with it.
        409 when it has already ended or is the lead agency's own."""
        involvement = self.get_object()
        incoming = InvolvementEndSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.involvement_end(actor=self.require_actor(), involvement=involvement,
                                 reason=incoming.validated_data["reason"])
        fresh = self.get_queryset().get(pk=involvement.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=InvolvementScopeSerializer, responses=InvolvementSerializer)
    @action(detail=True, methods=["post"])
    def scope(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Widen or narrow what the involved agency sees (a manager of the lead agency), with a
        reason, inside what its purpose allows. 400 when outside it; 409 when ended or lead."""
        involvement = self.get_object()
        incoming = InvolvementScopeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.involvement_scope_change(
            actor=self.require_actor(), involvement=involvement,
            sections=incoming.validated_data["sections"],
            reason=incoming.validated_data["reason"])
        fresh = self.get_queryset().get(pk=involvement.pk)
        return Response(self.get_serializer(fresh).data)
