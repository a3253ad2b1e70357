"""The services directory in the browser: search, detail, and an agency admin's own entries.

Reads come from ``apps.agencies.service_selectors``; writes from ``service_services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.agencies.decorators import actor_required
from apps.agencies.models import AgencyKind, Need, Service
from apps.agencies.service_selectors import service_get, service_list, service_list_for_admin
from apps.agencies.service_services import service_create, service_update
from apps.core.exceptions import ServiceError
from apps.core.forms import Form, add_service_error

RESULTS_LIMIT = 100


class ServiceSearchForm(Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        help_text="Words in the name, description, eligibility or agency.")
    need = forms.ChoiceField(label="Need", required=False,
                             choices=[("", "Any need"), *Need.choices])
    area = forms.CharField(label="Area", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind of agency", required=False,
                             choices=[("", "Any kind"), *AgencyKind.choices])
    accepting = forms.BooleanField(label="Only services accepting referrals now",
                                   required=False)


class ServiceForm(Form):
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the service's name."})
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False,
                                  max_length=5000)
    eligibility = forms.CharField(label="Who is eligible", widget=forms.Textarea,
                                  required=False, max_length=5000)
    referral_criteria = forms.CharField(label="Referral criteria", widget=forms.Textarea,
                                        required=False, max_length=5000)
    needs = forms.MultipleChoiceField(label="Needs the service meets", choices=Need.choices,
                                      widget=forms.CheckboxSelectMultiple, required=False)
    area = forms.CharField(label="Area", max_length=100, required=False,
                           help_text="Where the service works, for example Northbridge.")
    response_target_hours = forms.IntegerField(
        label="Response target in working hours", min_value=1, max_value=1000, initial=16,
        help_text="Working hours are Monday to Friday, 09:00 to 17:00.",
        error_messages={"required": "Enter a response target.",
                        "invalid": "Enter the response target as a whole number of hours.",
                        "min_value": "Enter a response target of at least 1 working hour.",
                        "max_value": "Enter a response target of 1000 working hours or fewer."})
    accepting_referrals = forms.BooleanField(label="Accepting referrals", required=False,
                                             initial=True)
    capacity_note = forms.CharField(label="Capacity note (optional)", max_length=200,
                                    required=False,
                                    help_text="For example, a waiting list of 3 weeks.")
    waiting_time_days = forms.IntegerField(
        label="Waiting time in days (optional)", min_value=0, max_value=3650, required=False,
        help_text="How long people typically wait before support starts.",
        error_messages={"invalid": "Enter the waiting time as a whole number of days.",
                        "min_value": "Enter a waiting time of 0 days or more.",
                        "max_value": "Enter a waiting time of 3650 days or fewer."})
    contact_phone = forms.CharField(
        label="Phone number for the people you work with (optional)", max_length=30,
        required=False, help_text="Printed on a person's plan. A service number, never a "
                                  "worker's personal number.")
    contact_email = forms.EmailField(
        label="Email address for the people you work with (optional)", max_length=254,
        required=False, error_messages={"invalid": "Enter an email address in the correct "
                                                   "format, like name@example.com"})
    contact_hours = forms.CharField(label="When people can call (optional)", max_length=200,
                                    required=False,
                                    help_text="For example, Monday to Friday, 9am to 5pm.")
    active = forms.BooleanField(label="Listed in the directory", required=False, initial=True)
    published = forms.BooleanField(
        label="Publish in the open directory (Open Referral UK)", required=False,
        help_text="Anyone can then read the service's description, eligibility and capacity "
                  "at /oruk/services. Never put personal data in a service's details.")


@actor_required
def service_directory(request: HttpRequest) -> HttpResponse:
    form = ServiceSearchForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    rows = service_list(actor=request.actor, q=data.get("q", ""), need=data.get("need", ""),
                        area=data.get("area", "").strip(), kind=data.get("kind", ""),
                        accepting_only=data.get("accepting", False))
    results = list(rows.order_by("agency__name", "name", "pk")[: RESULTS_LIMIT + 1])
    return render(request, "agencies/service_list.html", {
        "form": form, "services": results[:RESULTS_LIMIT],
        "more": len(results) > RESULTS_LIMIT, "needs": dict(Need.choices),
    })


@actor_required
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = service_get(actor=request.actor, service_id=service_id)
    return render(request, "agencies/service_detail.html", {
        "service": service, "needs": [Need(n).label for n in service.needs if n in Need.values],
        "own": service.agency_id == request.actor.agency_id and request.actor.is_agency_admin,
    })


@actor_required
def service_mine(request: HttpRequest) -> HttpResponse:
    """The acting agency's own entries, listed or not: agency admins only (others 404)."""
    if not request.actor.is_agency_admin:
        _not_found()
    return render(request, "agencies/service_mine.html",
                  {"services": list(service_list_for_admin(actor=request.actor))})


def _not_found() -> None:
    raise Http404("No such page")


def _form_data(form: ServiceForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@actor_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    if not request.actor.is_agency_admin:
        _not_found()
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = service_create(actor=request.actor, data=_form_data(form))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{service.name} added to the directory.")
            return redirect("services:mine")
    return render(request, "agencies/service_form.html", {"form": form, "service": None},
                  status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    service: Service = get_object_or_404(service_list_for_admin(actor=request.actor),
                                         pk=service_id)
    initial = {name: getattr(service, name) for name in ServiceForm.base_fields}
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service = service_update(actor=request.actor, service=service,
                                     data=_form_data(form))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{service.name} updated.")
            return redirect("services:mine")
    return render(request, "agencies/service_form.html", {"form": form, "service": service},
                  status=400 if form.errors else 200)
