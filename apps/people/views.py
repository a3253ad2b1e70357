from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.services import case_open, case_open_for_new_person
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.people import selectors
from apps.people.forms import OpenCaseForm, PersonForm, PersonSearchForm, SamePersonForm
from apps.people.identity_services import merge_problems, person_link, person_merge, person_unlink
from apps.people.models import Person


@actor_required
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    """Visible people. A name search is POSTed so that names never appear in a URL; the
    next-page cursor is an id."""
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
    else:
        form = PersonSearchForm({"after": request.GET.get("after", "")})
    data = form.cleaned_data if form.is_valid() else {}
    query = (data.get("q") or "").strip()
    page = selectors.person_page(actor=request.actor, query=query, after=data.get("after"))
    return render(request, "people/person_list.html", {
        "form": form, "page": page, "query": query, "first_page": not data.get("after"),
    })


@actor_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    """Add a person and open a case. Possible matches are offered first, so that nobody is
    recorded twice; "Not the same person: create anyway" re-posts with ``confirm_new``."""
    form = PersonForm(request.POST or None)
    duplicates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("confirm_new"):
            duplicates = selectors.person_find_duplicates(
                actor=request.actor, given_name=data["given_name"],
                family_name=data["family_name"], date_of_birth=data["date_of_birth"],
                postcode=data.get("postcode") or "")
        if not duplicates:
            try:
                case = case_open_for_new_person(actor=request.actor,
                                                person_data=form.person_data(),
                                                **form.case_data())
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Case {case.reference} opened.")
                return redirect("cases:detail", case_id=case.pk)
    return render(request, "people/person_form.html",
                  {"form": form, "duplicates": duplicates},
                  status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, person: Person, form: OpenCaseForm) -> dict:
    return {
        "person": person,
        "links": selectors.person_links(actor=request.actor, person=person),
        "merged_from": selectors.person_merged_from(person=person),
        "may_link": _may_link(request, [person]),
        "form": form,
        "contact_visible": selectors.person_contact_visible(actor=request.actor, person=person),
        "address_visible": selectors.person_address_visible(actor=request.actor, person=person),
        "cases": selectors.person_cases(actor=request.actor, person=person),
    }


@actor_required
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    """A person's page; the id of a merged record leads to the record it was merged into."""
    try:
        person = selectors.person_get(actor=request.actor, person_id=person_id)
    except Http404:
        survivor = selectors.person_survivor(actor=request.actor, person_id=person_id)
        if survivor is None:
            raise
        return redirect("people:detail", person_id=survivor.pk)
    access_record(actor=request.actor, object_type="person", object_id=person.pk, action="view")
    return render(request, "people/person_detail.html",
                  _detail_context(request, person, OpenCaseForm()))


@actor_required
@require_POST
def person_open_case(request: HttpRequest, person_id: str) -> HttpResponse:
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = case_open(actor=request.actor, subject=person, **form.case_data())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} opened.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "people/person_detail.html",
                  _detail_context(request, person, form), status=400)


# One person, two records: link or merge (apps/people/identity_services.py) ------------------


def _may_link(request: HttpRequest, people: list[Person]) -> bool:
    return policy.may_link_people(
        actor=request.actor, responsible=selectors.person_responsible_agency_ids(people=people))


def _require_link(request: HttpRequest, people: list[Person]) -> None:
    policy.require_link_people(
        actor=request.actor, hide=True,
        responsible=selectors.person_responsible_agency_ids(people=people))


@actor_required
def same_person(request: HttpRequest, person_id: str) -> HttpResponse:
    """Records that may be the same person as this one, among those the manager may see."""
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    _require_link(request, [person])
    matches = [match for match in selectors.person_matches(
        actor=request.actor, given_name=person.given_name, family_name=person.family_name,
        date_of_birth=person.date_of_birth, postcode=person.postcode, limit=11)
        if match.pk != person.pk][:10]
    return render(request, "people/same_person.html", {"person": person, "matches": matches})


@actor_required
@require_http_methods(["GET", "POST"])
def same_person_decide(request: HttpRequest, person_id: str, other_id: str) -> HttpResponse:
    """Compare two records; link them as the same person, or merge the other into this one."""
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    other = selectors.person_get(actor=request.actor, person_id=other_id)
    _require_link(request, [person, other])
    form = SamePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "merge":
                person_merge(actor=request.actor, survivor=person, merged=other,
                             reason=data["reason"],
                             date_of_birth_reason=data["date_of_birth_reason"])
                messages.success(request, "Records merged.")
            else:
                person_link(actor=request.actor, person=person, other=other,
                            reason=data["reason"])
                messages.success(request, "Records linked as the same person.")
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/same_person_decide.html", {
        "person": person, "other": other, "form": form,
        "problems": merge_problems(survivor=person, merged=other),
        "address_visible": selectors.person_address_visible(actor=request.actor,
                                                            person=person),
    }, status=400 if form.errors else 200)


@actor_required
@require_POST
def person_unlink_view(request: HttpRequest, link_id: str) -> HttpResponse:
    link = selectors.person_link_get(actor=request.actor, link_id=link_id)
    _require_link(request, [link.person, link.other])
    try:
        person_unlink(actor=request.actor, link=link)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Link undone: the records are no longer linked.")
    return redirect("people:detail", person_id=link.person_id)
