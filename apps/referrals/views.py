"""Referral screens: refer from a case in one screen, the receiving agency's inbox, the
referrer's outgoing list, and the detail page with the actions the actor may take now.

Every referral comes from ``referral_get`` / ``inbox`` / ``outgoing`` (404 when not visible);
every change goes through ``apps.referrals.services``, which re-checks state and side.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.agencies.models import Service
from apps.agencies.selectors import member_users
from apps.agencies.service_selectors import service_list
from apps.cases import policy
from apps.cases import selectors as case_selectors
from apps.cases.models import Case
from apps.consent.models import BasisKind
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.core.forms import add_service_error
from apps.referrals import selectors, services
from apps.referrals.forms import (
    AcceptForm,
    AssignForm,
    DeclineForm,
    InfoRequestForm,
    InfoResponseForm,
    OutcomeForm,
    OutgoingFilterForm,
    ReferralForm,
    WithdrawForm,
)
from apps.referrals.models import Referral, ReferralStatus

TAB_LABELS = {"new": "New", "awaiting": "Awaiting decision", "overdue": "Overdue"}


def _services_to_refer_to(request: HttpRequest) -> QuerySet[Service]:
    return service_list(actor=request.actor).exclude(agency_id=request.actor.agency_id)


def _form_page(request: HttpRequest, *, form: ReferralForm, case: Case,
               referral: Referral | None = None) -> HttpResponse:
    return render(request, "referrals/referral_form.html", {
        "form": form, "case": case, "referral": referral,
        "prefill": selectors.referral_prefill(case=case),
    }, status=400 if form.errors else 200)


def _saved(request: HttpRequest, referral: Referral) -> HttpResponse:
    if referral.status == ReferralStatus.SUBMITTED:
        messages.success(request, f"Referral sent to {referral.to_agency}.")
    else:
        messages.success(request, "Draft saved. It has not been sent.")
    return redirect("referrals:detail", referral_id=referral.pk)


@actor_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, case_id: str) -> HttpResponse:
    """Refer from a case: what the case already knows is filled in (tell it once)."""
    case = case_selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_refer(actor=request.actor, case=case, hide=True)
    prefill = selectors.referral_prefill(case=case)
    form = ReferralForm(request.POST or None, services=_services_to_refer_to(request),
                        submitting=request.POST.get("action") == "submit",
                        initial={"shared_information": prefill["shared_information"],
                                 "to_service": request.GET.get("service") or None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.actor, case=case, to_service=data["to_service"],
                reason=data["reason"], urgency=data["urgency"],
                shared_information=data["shared_information"], basis=form.basis(),
                submit=request.POST.get("action") == "submit",
                override_reason=data["override_reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return _saved(request, referral)
    return _form_page(request, form=form, case=case)


def _draft_initial(referral: Referral) -> dict:
    initial = {"to_service": referral.to_service_id, "reason": referral.reason,
               "urgency": referral.urgency, "shared_information": referral.shared_information}
    basis = referral.sharing_basis
    if basis is not None:
        initial.update({
            "sharing_kind": basis.kind, "consent_given_by": basis.consent_given_by,
            "consent_given_on": basis.consent_given_on, "lawful_basis": basis.lawful_basis,
            "justification": basis.justification,
            "person_told": "yes" if basis.person_told else "no",
            "not_told_reason": basis.not_told_reason,
        })
    return initial


@actor_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, referral_id: str) -> HttpResponse:
    """Change a draft, then save it again or send it. Nothing is saved when sending fails."""
    referral = selectors.referral_get(actor=request.actor, referral_id=referral_id)
    if "edit" not in selectors.referral_capabilities(actor=request.actor, referral=referral):
        raise Http404("No such page")
    form = ReferralForm(request.POST or None, services=_services_to_refer_to(request),
                        submitting=request.POST.get("action") == "submit",
                        initial=_draft_initial(referral))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {"to_service": data["to_service"], "reason": data["reason"],
                   "urgency": data["urgency"], "shared_information": data["shared_information"]}
        basis = form.basis()
        if basis:
            changes["basis"] = basis
        try:
            with transaction.atomic():
                referral = services.referral_update(actor=request.actor, referral=referral,
                                                    data=changes)
                if request.POST.get("action") == "submit":
                    referral = services.referral_submit(
                        actor=request.actor, referral=referral,
                        override_reason=data["override_reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return _saved(request, referral)
    return _form_page(request, form=form, case=referral.case, referral=referral)


@actor_required
def inbox(request: HttpRequest, tab: str = "new") -> HttpResponse:
    if tab not in selectors.INBOX_TABS:
        raise Http404("No such tab")
    page = selectors.inbox(actor=request.actor, tab=tab, cursor=request.GET.get("cursor"))
    return render(request, "referrals/inbox.html", {
        "page": page, "tab": tab, "tabs": TAB_LABELS, "now": timezone.now(),
        "first_page": not request.GET.get("cursor"),
    })


@actor_required
def outgoing(request: HttpRequest) -> HttpResponse:
    form = OutgoingFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = selectors.outgoing(actor=request.actor, status=status,
                              cursor=request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "referrals/outgoing.html", {
        "page": page, "form": form, "query": query.urlencode(), "tabs": TAB_LABELS,
        "now": timezone.now(), "first_page": not request.GET.get("cursor"),
    })


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm, "decline": DeclineForm, "request_info": InfoRequestForm,
    "respond": InfoResponseForm, "withdraw": WithdrawForm, "complete": OutcomeForm,
}


def _detail_context(request: HttpRequest, referral: Referral,
                    bound: dict[str, forms.Form] | None = None) -> dict:
    actions = selectors.referral_capabilities(actor=request.actor, referral=referral)
    bound = bound or {}
    forms_by_action: dict[str, forms.Form] = {}
    for name, form_class in ACTION_FORMS.items():
        if name not in actions:
            continue
        if name in bound:
            forms_by_action[name] = bound[name]
        else:
            forms_by_action[name] = _form(request, form_class)
    may_assign = policy.may_assign_work(actor=request.actor, agency_id=referral.to_agency_id)
    may_pick_up = referral.assigned_to_id != request.actor.user.pk and (
        policy.may_pick_up_referral(actor=request.actor, referral=referral) or may_assign)
    if referral.status not in ASSIGNABLE:
        may_assign = may_pick_up = False
    if may_assign:
        forms_by_action["assign"] = bound.get("assign") or _form(request, AssignForm)
    error_form = next((f for f in bound.values() if f.errors), None)
    case_visible = case_selectors.case_is_visible(actor=request.actor, case_id=referral.case_id)
    return {
        "referral": referral, "actions": actions, "forms": forms_by_action,
        "error_form": error_form, "events": _events(referral),
        "case_visible": case_visible, "now": timezone.now(),
        "is_receiver": referral.to_agency_id == request.actor.agency_id,
        "consent": BasisKind.CONSENT, "may_pick_up": may_pick_up,
    }


ASSIGNABLE = (ReferralStatus.SUBMITTED, ReferralStatus.INFO_REQUESTED, ReferralStatus.ACCEPTED)


def _form(request: HttpRequest, form_class: type[forms.Form], data=None) -> forms.Form:
    if form_class is DeclineForm:
        return DeclineForm(data, services=service_list(
            actor=request.actor, accepting_only=True).exclude(agency_id=request.actor.agency_id))
    if form_class in (AcceptForm, AssignForm):
        return form_class(data, members=member_users(agency_id=request.actor.agency_id))
    return form_class(data)


def _events(referral: Referral) -> list:
    labels = dict(ReferralStatus.choices)
    events = list(selectors.referral_events(referral=referral))
    for event in events:
        event.label = labels.get(event.to_status, event.to_status)
    return events


@actor_required
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    """What was shared (never the case itself), the history, and the actions available now."""
    referral = selectors.referral_get(actor=request.actor, referral_id=referral_id)
    referral = services.referral_open(actor=request.actor, referral=referral)
    return render(request, "referrals/referral_detail.html",
                  _detail_context(request, referral))


def _act(request: HttpRequest, referral_id: str, action: str) -> HttpResponse:
    referral = selectors.referral_get(actor=request.actor, referral_id=referral_id)
    form_class = ACTION_FORMS.get(action)
    if action == "assign" and "user" in request.POST:  # a manager's choice; none: pick up
        form_class = AssignForm
    form: forms.Form | None = None
    if form_class is not None:
        form = _form(request, form_class, request.POST)
    status = 400
    if form is None or form.is_valid():
        data = form.cleaned_data if form is not None else {}
        try:
            _run(request, referral, action, data)
        except TransitionNotAllowed as error:
            # Someone else got there first: reload and explain.
            referral = selectors.referral_get(actor=request.actor, referral_id=referral_id)
            context = _detail_context(request, referral)
            context["conflict"] = error.message
            return render(request, "referrals/referral_detail.html", context, status=409)
        except NotPermitted as error:
            context = _detail_context(request, referral)
            context["conflict"] = error.message
            return render(request, "referrals/referral_detail.html", context, status=403)
        except ServiceError as error:
            if form is None:
                form = forms.Form()
            add_service_error(form, error)
        else:
            messages.success(request, DONE[action])
            return redirect("referrals:detail", referral_id=referral.pk)
    bound = {action: form} if form is not None else {}
    return render(request, "referrals/referral_detail.html",
                  _detail_context(request, referral, bound), status=status)


DONE = {
    "submit": "Referral sent.", "accept": "Referral accepted. Your agency can now see the case.",
    "decline": "Referral declined. The referrer has been told.",
    "request_info": "Your question has been sent to the referrer.",
    "respond": "Your answer has been sent.", "withdraw": "Referral withdrawn.",
    "complete": "Outcome recorded and the referral completed.",
    "assign": "Referral assigned.",
}


def _run(request: HttpRequest, referral: Referral, action: str, data: dict) -> None:
    actor = request.actor
    if action == "submit":
        services.referral_submit(actor=actor, referral=referral)
    elif action == "accept":
        services.referral_accept(actor=actor, referral=referral,
                                 key_worker=data.get("key_worker"))
    elif action == "assign":
        services.referral_assign(actor=actor, referral=referral,
                                 user=data.get("user") or actor.user)
    elif action == "decline":
        services.referral_decline(actor=actor, referral=referral,
                                  category=data["decline_category"],
                                  reason=data["decline_reason"],
                                  signpost_service=data.get("signpost_service"))
    elif action == "request_info":
        services.referral_request_info(actor=actor, referral=referral,
                                       question=data["info_request"])
    elif action == "respond":
        services.referral_respond(actor=actor, referral=referral, answer=data["info_response"])
    elif action == "withdraw":
        services.referral_withdraw(actor=actor, referral=referral,
                                   reason=data.get("withdraw_reason", ""))
    elif action == "complete":
        services.referral_complete(actor=actor, referral=referral, outcome=data["outcome"])
    else:  # pragma: no cover - urls only route the actions above
        raise Http404("No such action")


def _action_view(action: str):
    @actor_required
    @require_POST
    def view(request: HttpRequest, referral_id: str) -> HttpResponse:
        return _act(request, referral_id, action)

    view.__name__ = f"referral_{action}"
    return view


referral_submit = _action_view("submit")
referral_accept = _action_view("accept")
referral_decline = _action_view("decline")
referral_request_info = _action_view("request_info")
referral_respond = _action_view("respond")
referral_withdraw = _action_view("withdraw")
referral_complete = _action_view("complete")
referral_assign = _action_view("assign")
