from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.agencies.decorators import actor_required
from apps.agencies.selectors import agency_list, member_users
from apps.audit.services import access_record
from apps.cases import policy, selectors, services
from apps.cases.chronology import group_entries
from apps.cases.forms import (
    CaseEditForm,
    CaseExistingPersonForm,
    CasePersonForm,
    ChronologyFilterForm,
    InvolvementEndForm,
    InvolvementForm,
    InvolvementScopeForm,
    KeyWorkerForm,
    MyWorkFilterForm,
    NoteForm,
)
from apps.cases.models import Case
from apps.cases.sections import scope_choices
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.people.selectors import person_find_duplicates, person_list


@actor_required
def my_work(request: HttpRequest) -> HttpResponse:
    form = MyWorkFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.my_work(
        actor=request.actor,
        filters=selectors.MyWorkFilters(
            status=data.get("status", ""), risk_level=data.get("risk_level", ""),
            assigned_to_me=data.get("assigned_to_me", False),
        ),
        cursor=request.GET.get("cursor"),
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "cases/my_work.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "first_page": not request.GET.get("cursor"),
    })


def _case_context(request: HttpRequest, case: object, note_form: NoteForm | None = None) -> dict:
    actor = request.actor
    may = policy.case_abilities(actor=actor, case=case)
    visible = may.visible
    involvements = list(selectors.involvement_list(case=case))
    for involvement in involvements:
        involvement.may_set_key_worker = (
            involvement.ended_at is None
            and policy.may_set_key_worker(actor=actor, involvement=involvement))
        involvement.may_pick_up = (
            involvement.ended_at is None and involvement.agency_id == actor.agency_id
            and involvement.key_worker_id != actor.user.pk and may.contribute
            and not actor.read_only)
    return {
        "case": case,
        "may": may,
        "capabilities": may.held,
        "visible": visible,
        "can_contribute": may.contribute,
        "can_manage": may.manage,
        "people": list(selectors.case_people(actor=actor, case=case, visible=visible)),
        "involvements": involvements,
        "note_form": note_form or NoteForm(),
        **(_chronology(request, case, involvements) if visible.chronology else {}),
    }


def _chronology(request: HttpRequest, case: object, involvements: list) -> dict:
    """The chronology's page: filtered by kind and agency, newest first, 50 entries a page
    with an "Older entries" link (keyset), system entries recorded together grouped."""
    agencies = list({inv.agency_id: inv.agency for inv in involvements}.values())
    params = request.GET if request.method == "GET" else {}
    form = ChronologyFilterForm(params or None, agencies=agencies, auto_id="chronology_%s")
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.NoteFilters(kind=data.get("kind", ""),
                                    agency_id=data.get("agency") or None)
    page = selectors.chronology_page(actor=request.actor, case=case, filters=filters,
                                     cursor=params.get("cursor") or None)
    query = {k: v for k, v in data.items() if v}
    return {
        "notes": page.items, "entries": group_entries(page.items),
        "chronology_form": form, "older_cursor": page.next_cursor,
        "chronology_query": urlencode(query), "chronology_filtered": bool(query),
        "chronology_first_page": not params.get("cursor"),
    }


@actor_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    access_record(actor=request.actor, object_type="case", object_id=case.pk, case_id=case.pk,
                  action="view")
    return render(request, "cases/case_detail.html", _case_context(request, case))


@actor_required
@require_POST
def note_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=request.actor, case=case, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
    if form.is_valid() and not form.errors:
        if request.htmx:
            context = _case_context(request, case)
            return render(request, "cases/_chronology.html", context)
        messages.success(request, "Note added.")
        return redirect("cases:detail", case_id=case.pk)
    if request.htmx:  # htmx swaps only 2xx responses: show the errors in the panel
        return render(request, "cases/_chronology.html",
                      _case_context(request, case, note_form=form))
    return render(request, "cases/case_detail.html", _case_context(request, case, note_form=form),
                  status=400)


def _person_add_page(request: HttpRequest, case: Case, form: CasePersonForm,
                     duplicates: list | None = None,
                     link_form: CaseExistingPersonForm | None = None) -> HttpResponse:
    on_case = selectors.case_person_ids(case=case) if duplicates else set()
    errors = form.errors or (link_form is not None and link_form.errors)
    return render(request, "cases/person_add.html", {
        "case": case, "form": form, "duplicates": duplicates or [], "on_case": on_case,
        "link_form": link_form,
    }, status=400 if errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, case_id: str) -> HttpResponse:
    """Record a new person on the case (a victim, child, alleged perpetrator, …), offering
    matching records first so that nobody is recorded twice."""
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    form = CasePersonForm(request.POST or None)
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirm_new"]:
            duplicates = person_find_duplicates(
                actor=request.actor, given_name=data["given_name"],
                family_name=data["family_name"], date_of_birth=data["date_of_birth"],
                postcode=data.get("postcode") or "")
        if not duplicates:
            try:
                services.case_person_create(
                    actor=request.actor, case=case, person_data=form.person_data(),
                    role=data["role"], relationship_kind=data["relationship_kind"])
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Person added to the case.")
                return redirect("cases:detail", case_id=case.pk)
    return _person_add_page(request, case, form, duplicates)


@actor_required
@require_POST
def person_link(request: HttpRequest, case_id: str) -> HttpResponse:
    """Link a person already on record (and visible to the actor) to the case."""
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    link_form = CaseExistingPersonForm(request.POST, people=person_list(actor=request.actor))
    if link_form.is_valid():
        try:
            services.case_person_add(
                actor=request.actor, case=case, person=link_form.cleaned_data["person"],
                role=link_form.cleaned_data["role"],
                relationship_kind=link_form.cleaned_data["relationship_kind"])
        except ServiceError as error:
            add_service_error(link_form, error)
        else:
            messages.success(request, "Person added to the case.")
            return redirect("cases:detail", case_id=case.pk)
    return _person_add_page(request, case, CasePersonForm(), link_form=link_form)


@actor_required
def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_update_case(actor=request.actor, case=case, hide=True)
    form = CaseEditForm(request.POST or None, initial={
        "status": case.status, "risk_level": case.risk_level, "summary": case.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.actor, case=case, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Case updated.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_edit.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def involvement_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_manage(actor=request.actor, case=case, hide=True)
    agencies = agency_list().exclude(pk__in=selectors.involved_agency_ids(case=case))
    form = InvolvementForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.involvement_add(
                actor=request.actor, case=case, agency=data["agency"], basis=data["basis"],
                sharing_basis=form.basis(), override_reason=data["override_reason"],
                works_with=data["works_with"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['agency']} is now involved.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/involvement_add.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def involvement_end(request: HttpRequest, case_id: str, involvement_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_manage(actor=request.actor, case=case, hide=True)
    involvement = selectors.involvement_get(case=case, involvement_id=involvement_id)
    form = InvolvementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_end(actor=request.actor, involvement=involvement,
                                     reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{involvement.agency}'s involvement has ended.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/involvement_end.html",
                  {"case": case, "involvement": involvement, "form": form},
                  status=400 if form.errors else 200)


@actor_required
def key_worker_set(request: HttpRequest, case_id: str, involvement_id: str) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    involvement = selectors.involvement_get(case=case, involvement_id=involvement_id)
    policy.require_set_key_worker(actor=request.actor, involvement=involvement, hide=True)
    users = member_users(agency_id=request.actor.agency_id)
    form = KeyWorkerForm(request.POST or None, users=users,
                         initial={"key_worker": involvement.key_worker_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_set_key_worker(actor=request.actor, involvement=involvement,
                                                user=form.cleaned_data["key_worker"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Key worker updated.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/key_worker.html",
                  {"case": case, "involvement": involvement, "form": form},
                  status=400 if form.errors else 200)


@actor_required
@require_POST
def case_pick_up(request: HttpRequest, case_id: str) -> HttpResponse:
    """Become the acting agency's key worker on the case."""
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    try:
        services.case_assign(actor=request.actor, case=case, user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "You are now your agency's key worker on this case.")
    return redirect("cases:detail", case_id=case.pk)


@actor_required
@require_http_methods(["GET", "POST"])
def involvement_scope(request: HttpRequest, case_id: str, involvement_id: str) -> HttpResponse:
    """A manager of the lead agency widens or narrows what an involved agency sees."""
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    policy.require_manage(actor=request.actor, case=case, hide=True)
    involvement = selectors.involvement_get(case=case, involvement_id=involvement_id,
                                            exclude_lead=True)
    choices = scope_choices(role=involvement.role, works_with=involvement.works_with)
    form = InvolvementScopeForm(request.POST or None, choices=choices,
                                initial={"sections": involvement.sections})
    if request.method == "POST" and form.is_valid():
        try:
            services.involvement_scope_change(
                actor=request.actor, involvement=involvement,
                sections=form.cleaned_data["sections"], reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"What {involvement.agency} sees has changed.")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/involvement_scope.html",
                  {"case": case, "involvement": involvement, "form": form},
                  status=400 if form.errors else 200)
