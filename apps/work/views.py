"""The work tray in the browser: the home page of every member (``accounts:home``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.action_plans.services import action_assign
from apps.agencies.decorators import actor_required
from apps.agencies.selectors import member_choices, member_users
from apps.agencies.team_selectors import team_list
from apps.cases import policy
from apps.cases.services import case_assign
from apps.core.csv_export import csv_safe_writer
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.core.pagination import InvalidCursor, keyset_page
from apps.work.caseload import (
    ESCALATION_LIMIT,
    escalated_action,
    escalated_research,
    escalations,
    may_see_caseload,
    member_of_agency,
    team_loads,
    worker_loads,
    worker_work,
    workers,
)
from apps.work.forms import HandoverForm, ReassignForm
from apps.work.selectors import ITEM_LIMIT, KINDS, tray
from apps.work.services import work_hand_over
from apps.work.workforce import ALLOCATION_DAYS, BANDS, workforce, workforce_csv_rows


@actor_required
def tray_page(request: HttpRequest) -> HttpResponse:
    work = tray(actor=request.actor)
    if "referral" not in work.more:  # the navigation's count, without another query
        request.work_referral_count = work.count("referral")
    return render(request, "work/tray.html", {
        "tray": work, "kinds": KINDS, "limit": ITEM_LIMIT,
    })


# The manager's view ------------------------------------------------------------------------

WORKERS_PAGE = 25


def _members(request: HttpRequest):
    return member_users(agency_id=request.actor.agency_id)


@actor_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The escalations and the caseload of each worker (a page of them): managers only."""
    if not may_see_caseload(actor=request.actor):
        raise Http404("No such page")
    try:
        page = keyset_page(workers(actor=request.actor), ordering=("user__username", "pk"),
                           cursor=request.GET.get("after"), page_size=WORKERS_PAGE,
                           cursor_by="pk")
    except InvalidCursor as exc:
        raise Http404("No such page") from exc
    loads = worker_loads(actor=request.actor, memberships=page.items)
    rows = [(m, loads[m.user_id]) for m in page.items]
    return render(request, "work/caseload.html", {
        "rows": rows, "next_after": page.next_cursor,
        "escalations": escalations(actor=request.actor), "escalation_limit": ESCALATION_LIMIT,
        "reassign_choices": member_choices(agency_id=request.actor.agency_id),
    })


@actor_required
def caseload_teams(request: HttpRequest) -> HttpResponse:
    """Caseload per team (and of the members in none): the agency's managers only. Its own
    page: it adds up the whole agency's open work, where the workers' page reads one page's."""
    if not may_see_caseload(actor=request.actor):
        raise Http404("No such page")
    return render(request, "work/caseload_teams.html", {"teams": team_loads(actor=request.actor)})


@actor_required
@require_POST
def action_reassign(request: HttpRequest, action_id: str) -> HttpResponse:
    """One-click reassign of an overdue action from the escalations list."""
    action = escalated_action(actor=request.actor, action_id=action_id)
    if action is None:
        raise Http404("No such action")
    form = ReassignForm(request.POST, members=_members(request))
    if form.is_valid():
        try:
            action_assign(actor=request.actor, action=action, user=form.cleaned_data["user"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Action reassigned.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("work:caseload")


@actor_required
@require_POST
def research_reassign(request: HttpRequest, research_id: str) -> HttpResponse:
    """One-click reassign of missing MARAC research: research belongs to the agency, and is
    in the tray of the agency's key worker on the case, so this sets that key worker."""
    research = escalated_research(actor=request.actor, research_id=research_id)
    if research is None:
        raise Http404("No such research")
    form = ReassignForm(request.POST, members=_members(request))
    if form.is_valid():
        try:
            case_assign(actor=request.actor, case=research.item.case,
                        user=form.cleaned_data["user"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Research reassigned: they are now your agency's key "
                                      "worker on the case.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("work:caseload")


@actor_required
@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest, membership_id: str) -> HttpResponse:
    """Move all or some of a worker's open work to a colleague or a team in one step."""
    policy.require_hand_over(actor=request.actor, agency_id=request.actor.agency_id, hide=True)
    membership = member_of_agency(actor=request.actor, membership_id=membership_id)
    if membership is None:
        raise Http404("No such member")
    work = worker_work(actor=request.actor, membership=membership)
    members = _members(request).exclude(pk=membership.user_id)
    initial = {"involvements": [str(i.pk) for i in work.involvements],
               "actions": [str(a.pk) for a in work.actions],
               "referrals": [str(r.pk) for r in work.referrals]}
    form = HandoverForm(request.POST if request.method == "POST" else None, members=members,
                        teams=team_list(actor=request.actor), work=work, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = work_hand_over(
                actor=request.actor, from_membership=membership,
                to_user=form.cleaned_data["to_user"], to_team=form.cleaned_data["to_team"],
                involvement_ids=form.cleaned_data["involvements"],
                action_ids=form.cleaned_data["actions"],
                referral_ids=form.cleaned_data["referrals"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Handed over {result.cases} cases, {result.actions} "
                                      f"actions and {result.referrals} referrals.")
            for refusal in result.refused:
                messages.error(request, f"Not handed over: {refusal}")
            return redirect("work:handover", membership_id=membership.pk)
    return render(request, "work/handover.html", {
        "membership": membership, "work": work, "form": form,
    }, status=400 if form.errors else 200)


@actor_required
def workforce_page(request: HttpRequest) -> HttpResponse:
    figures = workforce(actor=request.actor)
    if figures is None:
        raise Http404("No such page")
    return render(request, "work/workforce.html", {"figures": figures, "bands": BANDS,
                                                   "allocation_days": ALLOCATION_DAYS})


@actor_required
def workforce_csv(request: HttpRequest) -> HttpResponse:
    figures = workforce(actor=request.actor)
    if figures is None:
        raise Http404("No such page")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="workforce.csv"'
    csv_safe_writer(response).writerows(workforce_csv_rows(figures))
    return response
