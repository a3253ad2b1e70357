from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.sections import section_rows
from apps.cases.selectors import case_get
from apps.consent import selectors, services
from apps.consent.forms import (
    ConsentForm,
    DsaForm,
    EmergencyAccessForm,
    SharingPolicyForm,
    SignForm,
    TerminateForm,
    WithdrawForm,
)
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.people.selectors import person_get


@actor_required
def sharing_home(request: HttpRequest) -> HttpResponse:
    """The acting agency's data-sharing agreements (newest first) and flagged involvements."""
    agreements = list(selectors.dsa_list(actor=request.actor)[:100])
    flagged = list(selectors.flagged_involvements(actor=request.actor)[:100])
    policy = selectors.sharing_policy_get(actor=request.actor)
    return render(request, "consent/sharing_home.html", {
        "agreements": agreements, "flagged": flagged,
        "can_draft": request.actor.is_agency_admin,
        "policy_form": SharingPolicyForm(initial={
            "without_consent_needs_approval": bool(
                policy and policy.without_consent_needs_approval)}),
    })


@actor_required
@require_http_methods(["GET", "POST"])
def dsa_new(request: HttpRequest) -> HttpResponse:
    if not request.actor.is_agency_admin:
        raise Http404("No such page")
    form = DsaForm(request.POST or None, exclude_agency_id=request.actor.agency_id)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.dsa_create(actor=request.actor, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Agreement drafted. Each party's agency admin must "
                                      "now sign it.")
            return redirect("consent:dsa-detail", agreement_id=agreement.pk)
    return render(request, "consent/dsa_new.html", {"form": form},
                  status=400 if form.errors else 200)


def _dsa_page(request: HttpRequest, agreement, terminate_form=None, status=200) -> HttpResponse:
    return render(request, "consent/dsa_detail.html", {
        "agreement": agreement, "parties": list(agreement.parties.all()),
        "can_sign": selectors.dsa_can_sign(actor=request.actor, agreement=agreement),
        "can_terminate": selectors.dsa_can_terminate(actor=request.actor, agreement=agreement),
        "terminate_form": terminate_form or TerminateForm(), "today": timezone.localdate(),
    }, status=status)


@actor_required
def dsa_detail(request: HttpRequest, agreement_id: str) -> HttpResponse:
    agreement = selectors.dsa_get(actor=request.actor, agreement_id=agreement_id)
    return _dsa_page(request, agreement)


@actor_required
@require_http_methods(["GET", "POST"])
def dsa_sign(request: HttpRequest, agreement_id: str) -> HttpResponse:
    """Sign for the acting agency: first a page showing what is agreed and the signer's
    declaration to confirm; the declaration is recorded with the signature."""
    agreement = selectors.dsa_get(actor=request.actor, agreement_id=agreement_id)
    can_sign = selectors.dsa_can_sign(actor=request.actor, agreement=agreement)
    if request.method == "GET" and not can_sign:
        raise Http404("No such page")
    form = SignForm(request.POST if request.method == "POST" else None)
    declaration = services.dsa_declaration(agency=request.actor.agency)
    if request.method == "POST" and (form.is_valid() or not can_sign):
        try:  # one who may not sign is refused by the service, with its message
            services.dsa_sign(actor=request.actor, agreement=agreement, declaration=declaration)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Signed for {request.actor.agency}.")
        return redirect("consent:dsa-detail", agreement_id=agreement.pk)
    return render(request, "consent/dsa_sign.html", {
        "agreement": agreement, "parties": list(agreement.parties.all()), "form": form,
        "declaration": declaration,
    }, status=400 if form.errors else 200)


@actor_required
@require_POST
def dsa_terminate(request: HttpRequest, agreement_id: str) -> HttpResponse:
    agreement = selectors.dsa_get(actor=request.actor, agreement_id=agreement_id)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            services.dsa_terminate(actor=request.actor, agreement=agreement,
                                   reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Agreement terminated.")
            return redirect("consent:dsa-detail", agreement_id=agreement.pk)
    agreement = selectors.dsa_get(actor=request.actor, agreement_id=agreement_id)
    return _dsa_page(request, agreement, terminate_form=form, status=400)


@actor_required
@require_http_methods(["GET", "POST"])
def person_consents(request: HttpRequest, person_id: str) -> HttpResponse:
    """A person's consent records, and a form to record a new one."""
    person = person_get(actor=request.actor, person_id=person_id)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.actor, person=person, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("consent:person-consents", person_id=person.pk)
    consents = list(selectors.consent_list(actor=request.actor).filter(person=person)[:100])
    return render(request, "consent/person_consents.html", {
        "person": person, "consents": consents, "form": form,
    }, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def consent_detail(request: HttpRequest, consent_id: str) -> HttpResponse:
    consent = selectors.consent_get(actor=request.actor, consent_id=consent_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.actor, consent=consent,
                                      note=form.cleaned_data["note"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Consent withdrawn. New sharing that relies on it will "
                                      "be refused.")
            return redirect("consent:consent-detail", consent_id=consent.pk)
    return render(request, "consent/consent_detail.html", {"consent": consent, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def case_why(request: HttpRequest, case_id: str) -> HttpResponse:
    """Why can I see this case?"""
    case = case_get(actor=request.actor, case_id=case_id)
    explanation = selectors.access_explanation(actor=request.actor, case=case)
    visible = policy.visible_sections(actor=request.actor, case=case)
    access_record(actor=request.actor, object_type="case", object_id=case.pk, case_id=case.pk,
                  action="view_basis")
    return render(request, "consent/case_why.html", {
        "case": case, "why": explanation, "visible": visible,
        "section_rows": section_rows(visible),
        "marac_days": settings.WRAPAROUND_MARAC_ACCESS_DAYS})


@actor_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Break glass: see a case your agency is not involved in, for a limited time."""
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.emergency_access_request(
                actor=request.actor, case_reference=form.cleaned_data["case_reference"],
                reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.warning(request, "Emergency access granted. It is recorded and ends "
                                      "by itself.")
            return redirect("cases:detail", case_id=access.case_id)
    hours = int(settings.EMERGENCY_ACCESS_DURATION.total_seconds() // 3600)
    return render(request, "consent/emergency_access.html", {"form": form, "hours": hours},
                  status=400 if form.errors else 200)



@actor_required
@require_http_methods(["POST"])
def sharing_policy(request: HttpRequest) -> HttpResponse:
    """An agency admin sets whether sharing without consent needs a manager's approval."""
    if not request.actor.is_agency_admin:
        raise Http404("No such page")
    form = SharingPolicyForm(request.POST)
    form.is_valid()  # a checkbox: absent means False, so the form is always valid
    services.sharing_policy_set(
        actor=request.actor,
        without_consent_needs_approval=form.cleaned_data["without_consent_needs_approval"])
    messages.success(request, "Sharing policy saved.")
    return redirect("consent:home")
