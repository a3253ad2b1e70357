"""``/api/v1/reports/…``: the same figures as the report pages, validated by the same forms."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.agencies.models import AgencyKind
from apps.core.api.actor import actor_or_404
from apps.insight.api.serializers import MaracReturnSerializer, ReportSerializer
from apps.insight.equality import OUTCOME_CHOICES
from apps.insight.filters import ReportFilterForm
from apps.insight.forms import EqualityForm, MaracReturnForm
from apps.insight.policy import require_see_reports
from apps.insight.reports import equality_report, funnel_report, marac_return_report
from apps.insight.selectors import marac_return_areas

FILTERS = [
    OpenApiParameter("scope", str, description='"agency" (default), or the id of an active '
                     "data-sharing agreement that allows partnership reporting."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Counted from the first day "
                     "of this date's month. Default: the month eleven months ago."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Counted to the last day of "
                     "this date's month. Default: this month."),
    OpenApiParameter("agency", OpenApiTypes.UUID, description="Only referrals to or from "
                     "this agency."),
    OpenApiParameter("to_kind", str, enum=AgencyKind.values,
                     description="Only referrals to agencies of this sector."),
    OpenApiParameter("team", OpenApiTypes.UUID, description="Only referrals made by members "
                     "of this team of your agency."),
    OpenApiParameter("area", str, description="Only referrals to services in this area."),
]


def _errors(form) -> Response:
    return Response({name: [str(e) for e in errors] for name, errors in form.errors.items()},
                    status=status.HTTP_400_BAD_REQUEST)


def _body(report: dict) -> dict:
    return {"scope": report["scope"].label, "period_start": report["filters"].start,
            "period_end": report["filters"].end, "as_of": report["as_of"],
            "tables": [t.as_dict() for t in report["tables"]]}


class FunnelView(APIView):
    """The referral funnel (managers, agency admins, MARAC coordinators)."""

    @extend_schema(parameters=FILTERS, responses=ReportSerializer)
    def get(self, request: Request) -> Response:
        actor = actor_or_404(request)
        require_see_reports(actor=actor)
        form = ReportFilterForm(request.query_params, actor=actor)
        report = funnel_report(actor=actor, form=form)
        if form.errors:
            return _errors(form)
        return Response(ReportSerializer(_body(report)).data)


class EqualityView(APIView):
    """Equality monitoring for one outcome; counts under 5 are "suppressed"."""

    @extend_schema(parameters=[OpenApiParameter("outcome", str,
                                                enum=[k for k, _ in OUTCOME_CHOICES]),
                               *FILTERS], responses=ReportSerializer)
    def get(self, request: Request) -> Response:
        actor = actor_or_404(request)
        require_see_reports(actor=actor)
        form = EqualityForm(request.query_params, actor=actor)
        report = equality_report(actor=actor, form=form)
        if form.errors:
            return _errors(form)
        return Response(ReportSerializer(_body(report)).data)


class MaracReturnView(APIView):
    """The MARAC data return of an area the caller coordinates, for a quarter."""

    @extend_schema(parameters=[
        OpenApiParameter("area", OpenApiTypes.UUID, description="Default: the first area "
                         "you coordinate."),
        OpenApiParameter("quarter", str, description="Like 2026-Q3. Default: this quarter."),
    ], responses=MaracReturnSerializer)
    def get(self, request: Request) -> Response:
        actor = actor_or_404(request)
        areas = marac_return_areas(actor=actor)
        if not areas:
            raise Http404("No such report")
        form = MaracReturnForm(request.query_params, areas=areas)
        report = marac_return_report(form=form)
        if form.errors:
            return _errors(form)
        quarter = report["quarter"]
        return Response(MaracReturnSerializer({
            "area": report["area"].name, "quarter": quarter.key,
            "period_start": quarter.start, "period_end": quarter.end,
            "tables": [t.as_dict() for t in report["tables"]]}).data)
