"""Teams in the browser: an agency admin creates teams, adds and removes their members and
names the services each handles. Everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.agencies import team_selectors, team_services
from apps.agencies.decorators import actor_required
from apps.agencies.service_selectors import service_list_for_admin
from apps.agencies.team_forms import (
    TeamForm,
    TeamMemberAddForm,
    TeamMemberRemoveForm,
    TeamServiceForm,
)
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error


def _require_admin(request: HttpRequest) -> None:
    if not request.actor.is_agency_admin:
        raise Http404("No such page")


@actor_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_services.team_create(actor=request.actor,
                                             name=form.cleaned_data["name"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect("agencies:team-detail", team_id=team.pk)
    return render(request, "agencies/teams.html", {
        "form": form, "teams": list(team_selectors.team_list(actor=request.actor)),
    }, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    _require_admin(request)
    team = team_selectors.team_get(actor=request.actor, team_id=team_id)
    services = service_list_for_admin(actor=request.actor)
    op = request.POST.get("op") if request.method == "POST" else None
    add_form = TeamMemberAddForm(request.POST if op == "add" else None,
                                 members=team_selectors.team_candidates(team=team))
    service_form = TeamServiceForm(request.POST if op == "service" else None,
                                   services=services.exclude(handling_team=team))
    form = {"add": add_form, "service": service_form}.get(op or "")
    if op == "remove":
        form = TeamMemberRemoveForm(request.POST)
    if form is not None and form.is_valid():
        try:
            if op == "add":
                team_services.team_member_set(actor=request.actor,
                                              membership=form.cleaned_data["membership"],
                                              team=team)
                done = "Member added to the team."
            elif op == "remove":
                membership = team_selectors.team_members(team=team).filter(
                    pk=form.cleaned_data["membership"]).first()
                if membership is None:
                    raise Http404("No such member")
                team_services.team_member_set(actor=request.actor, membership=membership,
                                              team=None)
                done = "Member removed from the team."
            else:
                team_services.service_set_team(actor=request.actor,
                                               service=form.cleaned_data["service"], team=team)
                done = "The team now handles that service's referrals."
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("agencies:team-detail", team_id=team.pk)
    return render(request, "agencies/team_detail.html", {
        "team": team, "members": list(team_selectors.team_members(team=team)),
        "services": [s for s in services if s.handling_team_id == team.pk],
        "add_form": add_form, "service_form": service_form,
        "errors_form": form,
    }, status=400 if form is not None and form.errors else 200)
