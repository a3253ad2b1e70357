"""Report pages: thin. Each validates its filters, asks the selectors, and renders the tables
with their charts, or one table as CSV (``?download=<table key>``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.agencies.decorators import actor_required
from apps.core.csv_export import csv_safe_writer
from apps.insight import policy
from apps.insight.charts import chart_svg
from apps.insight.equality import OUTCOME_CHOICES, OUTCOMES, threshold_points
from apps.insight.filters import ReportFilterForm
from apps.insight.forms import EqualityForm, MaracReturnForm
from apps.insight.reports import equality_report, funnel_report, marac_return_report
from apps.insight.selectors import marac_return_areas
from apps.insight.tables import Table


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("download", None)
    return params.urlencode()


def _csv(table: Table, *, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.key}.csv"'
    writer = csv_safe_writer(response)
    writer.writerow(table.columns)
    writer.writerows(("" if cell is None else cell for cell in row) for row in table.rows)
    if table.note:
        writer.writerow([table.note])
    return response


def _respond(request: HttpRequest, template: str, context: dict, *, name: str) -> HttpResponse:
    tables: list[Table] = context.get("tables") or []
    download = request.GET.get("download")
    if download:
        table = next((t for t in tables if t.key == download), None)
        if table is None:
            raise Http404("No such table")
        return _csv(table, name=name)
    context["charts"] = [(t, chart_svg(t, element_id=f"chart-{t.key}")) for t in tables]
    context["query"] = _query(request)
    status = 400 if context["form"].errors else 200
    return render(request, template, context, status=status)


@actor_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    policy.require_see_reports(actor=request.actor)
    return render(request, "insight/home.html", {
        "areas": marac_return_areas(actor=request.actor)})


@actor_required
@require_GET
def funnel(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, actor=request.actor)
    report = funnel_report(actor=request.actor, form=form)
    return _respond(request, "insight/funnel.html", {"form": form, **report}, name="funnel")


@actor_required
@require_GET
def equality(request: HttpRequest) -> HttpResponse:
    form = EqualityForm(request.GET, actor=request.actor)
    report = equality_report(actor=request.actor, form=form)
    return _respond(request, "insight/equality.html", {
        "form": form, "outcomes": OUTCOMES, "outcome_choices": OUTCOME_CHOICES,
        "threshold": threshold_points(), **report}, name="equality")


@actor_required
@require_GET
def equality_about(request: HttpRequest) -> HttpResponse:
    policy.require_see_reports(actor=request.actor)
    return render(request, "insight/equality_about.html", {"threshold": threshold_points()})


@actor_required
@require_GET
def marac_return(request: HttpRequest) -> HttpResponse:
    areas = marac_return_areas(actor=request.actor)
    if not areas:
        raise Http404("No such page")
    form = MaracReturnForm(request.GET, areas=areas)
    report = marac_return_report(form=form)
    return _respond(request, "insight/marac_return.html", {"form": form, **report},
                    name="marac-return")
