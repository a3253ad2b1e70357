from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.action_plans import selectors, services
from apps.action_plans.forms import ActionForm, CloseForm, WishesForm
from apps.action_plans.models import ActionStatus
from apps.agencies.decorators import actor_required
from apps.agencies.selectors import memberships_of
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.selectors import case_get, case_subject_link, involvement_list
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error


def _action_form(case, data=None) -> ActionForm:
    agencies = [inv.agency for inv in involvement_list(case=case, include_ended=False)]
    return ActionForm(data, agencies=agencies, memberships=memberships_of(agencies=agencies))


def _plan_page(request: HttpRequest, case, action_form=None, wishes_form=None,
               status: int = 200) -> HttpResponse:
    may = policy.case_abilities(actor=request.actor, case=case)
    visible = may.visible
    if not visible.plan:
        raise Http404("No such page")
    plan = selectors.plan_for_case(case=case)
    actions = selectors.plan_actions(case=case, visible=visible,
                                     agency_id=request.actor.agency_id)
    for action in actions:
        action.may_close = action.status == ActionStatus.OPEN and policy.may_close_action(
            actor=request.actor, action=action, abilities=may)
    return render(request, "action_plans/plan.html", {
        "case": case, "plan": plan, "actions": actions, "today": timezone.localdate(),
        "may": may, "can_contribute": may.contribute, "visible": visible,
        "action_form": action_form or _action_form(case),
        "wishes_form": wishes_form or WishesForm(initial={
            "what_person_wants": plan.what_person_wants if plan else ""}),
        "errors_form": action_form if action_form is not None and action_form.errors
        else wishes_form,
    }, status=status)


@actor_required
def plan(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get(actor=request.actor, case_id=case_id)
    access_record(actor=request.actor, object_type="action_plan", object_id=case.pk,
                  case_id=case.pk, action="view")
    return _plan_page(request, case)


@actor_required
@require_POST
def action_new(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    form = _action_form(case, request.POST)
    if form.is_valid():
        try:
            services.action_add(actor=request.actor, case=case, **form.service_kwargs())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("action_plans:plan", case_id=case.pk)
    return _plan_page(request, case, action_form=form, status=400)


@actor_required
@require_POST
def wishes(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    form = WishesForm(request.POST)
    if form.is_valid():
        services.action_plan_set_wishes(actor=request.actor, case=case, **form.cleaned_data)
        messages.success(request, "Saved what the person wants.")
        return redirect("action_plans:plan", case_id=case.pk)
    return _plan_page(request, case, wishes_form=form, status=400)


@actor_required
@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, action_id: str) -> HttpResponse:
    action = selectors.action_get(actor=request.actor, action_id=action_id)
    case = action.plan.case
    if action.status != ActionStatus.OPEN:
        raise Http404("No such page")
    policy.require_close_action(actor=request.actor, action=action, hide=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        close = (services.action_complete if form.cleaned_data["outcome"] == "done"
                 else services.action_cancel)
        try:
            close(actor=request.actor, action=action, note=form.cleaned_data["note"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action closed.")
            return redirect("action_plans:plan", case_id=case.pk)
    return render(request, "action_plans/close.html",
                  {"action": action, "case": case, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def plan_print(request: HttpRequest, case_id: str) -> HttpResponse:
    """A plain-language plan for the person the case is about: what matters to them, the
    agencies working with them (never one working with the person causing harm) with their
    contact routes, what each will do and by when, and how we will (and will not) get in
    touch. It names nobody else on the case and never shows an address."""
    case = case_get(actor=request.actor, case_id=case_id)
    visible = policy.visible_sections(actor=request.actor, case=case)
    if not visible.plan:
        raise Http404("No such page")
    plan = selectors.plan_for_case(case=case)
    actions = [a for a in selectors.plan_actions(case=case, visible=visible,
                                                 agency_id=request.actor.agency_id)
               if a.status == ActionStatus.OPEN]
    agencies = selectors.person_plan_agencies(case=case, actions=actions)
    if visible.own_actions_only:
        agencies = [a for a in agencies if a.agency.pk == request.actor.agency_id]
    access_record(actor=request.actor, object_type="action_plan", object_id=case.pk,
                  case_id=case.pk, action="print")
    subject = case_subject_link(case=case)
    return render(request, "action_plans/plan_print.html", {
        "case": case, "plan": plan, "agencies": agencies,
        "person": subject.person if subject else case.subject, "visible": visible,
    })
