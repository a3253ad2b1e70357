from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.agencies.decorators import actor_required
from apps.audit.services import access_record
from apps.cases.services import case_open
from apps.people import selectors
from apps.people.forms import OpenCaseForm, PersonForm, PersonSearchForm
from apps.people.services import person_create


@actor_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    people = selectors.person_list(actor=request.actor)
    query = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    for term in query.split()[:3]:
        people = people.filter(Q(given_name__istartswith=term) | Q(family_name__istartswith=term))
    return render(request, "people/person_list.html", {
        "form": form, "people": list(people.order_by("family_name", "given_name", "id")[:50]),
        "query": query,
    })


@actor_required
def person_create_view(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm_new"):
            duplicates = selectors.person_find_duplicates(
                actor=request.actor, given_name=data["given_name"],
                family_name=data["family_name"], date_of_birth=data["date_of_birth"])
        if not duplicates:
            with transaction.atomic():
                person = person_create(actor=request.actor, data={
                    k: data[k] for k in PersonForm.PERSON_FIELDS})
                case = case_open(actor=request.actor, subject=person, summary=data["summary"],
                                 risk_level=data["risk_level"], restricted=data["restricted"])
            messages.success(request, f"Case {case.reference} opened.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "people/person_form.html",
                  {"form": form, "duplicates": duplicates},
                  status=400 if form.errors else 200)


@actor_required
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    access_record(actor=request.actor, object_type="person", object_id=person.pk, action="view")
    return render(request, "people/person_detail.html", {
        "person": person,
        "address_visible": selectors.person_address_visible(actor=request.actor, person=person),
        "cases": selectors.person_cases(actor=request.actor, person=person),
        "form": OpenCaseForm(),
    })


@actor_required
@require_POST
def person_open_case(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        return render(request, "people/person_detail.html", {
            "person": person, "form": form,
            "address_visible": selectors.person_address_visible(actor=request.actor,
                                                                person=person),
            "cases": selectors.person_cases(actor=request.actor, person=person),
        }, status=400)
    case = case_open(actor=request.actor, subject=person, **form.cleaned_data)
    messages.success(request, f"Case {case.reference} opened.")
    return redirect("cases:detail", case_id=case.pk)
