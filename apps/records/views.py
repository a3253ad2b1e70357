from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.agencies.decorators import actor_required
from apps.cases import policy
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.documents.storage import document_storage
from apps.records import selectors, services
from apps.records.forms import PersonSearchForm, SarOpenForm, SarReleaseForm
from apps.records.models import SarStatus


def _require_admin(request: HttpRequest) -> None:
    policy.require_answer_subject_access(actor=request.actor, hide=True)


@actor_required
def sar_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "records/sar_list.html", {
        "requests": list(selectors.sar_list(actor=request.actor)[:200])})


@actor_required
@require_http_methods(["GET", "POST"])
def sar_open(request: HttpRequest) -> HttpResponse:
    """Find the person (by name, among those the agency holds data about), then record the
    request: who asked and when it was received."""
    _require_admin(request)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    people = selectors.people_search(actor=request.actor, query=query) if query else []
    form = SarOpenForm(request.POST or None,
                       initial={"person": request.GET.get("person", "")})
    chosen = selectors.person_held_get(
        actor=request.actor, person_id=request.POST.get("person") or request.GET.get("person"))
    if request.method == "POST" and form.is_valid():
        if chosen is None:
            form.add_error("person", "Choose the person who asked.")
        else:
            try:
                sar = services.sar_open(actor=request.actor, person=chosen,
                                        **{k: v for k, v in form.cleaned_data.items()
                                           if k != "person"})
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Request recorded. Wraparound is gathering what "
                                          "your agency holds.")
                return redirect("records:sar-detail", sar_id=sar.pk)
    return render(request, "records/sar_open.html", {
        "search": search, "people": people, "query": query, "form": form, "chosen": chosen,
    }, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def sar_detail(request: HttpRequest, sar_id: str) -> HttpResponse:
    _require_admin(request)
    sar = selectors.sar_get(actor=request.actor, sar_id=sar_id)
    form = SarReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sar_release(actor=request.actor, sar=sar, note=form.cleaned_data["note"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Release recorded.")
            return redirect("records:sar-detail", sar_id=sar.pk)
    from apps.records.bundle import SECTIONS, TITLES

    rows = [(TITLES[s], sar.summary.get(s, {})) for s in SECTIONS] if sar.summary else []
    return render(request, "records/sar_detail.html", {
        "sar": sar, "form": form, "rows": rows, "ready": sar.status == SarStatus.READY,
    }, status=400 if form.errors else 200)


@actor_required
def sar_bundle(request: HttpRequest, sar_id: str) -> HttpResponse:
    _require_admin(request)
    sar = selectors.sar_get(actor=request.actor, sar_id=sar_id)
    return bundle_response(actor=request.actor, sar=sar)


def bundle_response(*, actor: object, sar: object) -> FileResponse:
    """The bundle as an attachment (404 until assembled); audited."""
    if not sar.bundle_key:
        raise Http404("The bundle is not ready")
    services.sar_bundle_download_record(actor=actor, sar=sar)
    response = FileResponse(document_storage().open(sar.bundle_key, "rb"), as_attachment=True,
                            filename=f"subject-access-{sar.received_on:%Y-%m-%d}.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Retention ----------------------------------------------------------------------------------


@actor_required
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """Managers: the lead agency's cases due for deletion, extended or held. Admins: the
    agency's own rule and the periods of the agreements it is party to."""
    from apps.records.forms import AgreementRetentionForm, RetentionRuleForm
    from apps.records.retention import default_months

    actor = request.actor
    reviews = list(selectors.retention_reviews(actor=actor)[:200])
    is_admin = policy.may_set_retention_rules(actor=actor)
    if not reviews and not is_admin and not policy.may_hold(actor=actor,
                                                             lead_agency_id=actor.agency_id):
        raise Http404("No such page")
    rule = selectors.agency_retention_rule(actor=actor)
    rule_form = RetentionRuleForm(initial={"months": rule.months if rule else ""})
    agreement_form = AgreementRetentionForm()
    status = 200
    if request.method == "POST":
        if not is_admin:
            raise Http404("No such page")
        if request.POST.get("agreement"):
            agreement = selectors.agreement_for_party(actor=actor,
                                                      agreement_id=request.POST["agreement"])
            agreement_form = AgreementRetentionForm(request.POST)
            form = agreement_form
            if form.is_valid():
                try:
                    services.agreement_retention_set(actor=actor, agreement=agreement,
                                                     months=form.cleaned_data["months"])
                except ServiceError as error:
                    add_service_error(form, error)
        else:
            rule_form = RetentionRuleForm(request.POST)
            form = rule_form
            if form.is_valid():
                try:
                    services.retention_rule_set(actor=actor, **form.cleaned_data)
                except ServiceError as error:
                    add_service_error(form, error)
        if not form.errors:
            messages.success(request, "Retention period saved.")
            return redirect("records:retention")
        status = 400
    return render(request, "records/retention.html", {
        "reviews": reviews, "is_admin": is_admin, "rule": rule, "rule_form": rule_form,
        "agreement_form": agreement_form, "default_months": default_months(),
        "agreements": selectors.agreements_of(actor=actor),
    }, status=status)


@actor_required
@require_http_methods(["GET", "POST"])
def retention_review(request: HttpRequest, review_id: str) -> HttpResponse:
    from apps.records.forms import LegalHoldForm, RetentionDeleteForm, RetentionExtendForm

    actor = request.actor
    review = selectors.retention_review_get(actor=actor, review_id=review_id)
    forms_ = {"delete": RetentionDeleteForm(), "extend": RetentionExtendForm(),
              "hold": LegalHoldForm()}
    errors = None
    if request.method == "POST":
        what = request.POST.get("action", "")
        if what == "lift":
            form = LegalHoldForm({"reason": "lift"})
        elif what in forms_:
            form = forms_[what] = type(forms_[what])(request.POST)
        else:
            raise Http404("No such action")
        if form.is_valid():
            try:
                if what == "delete":
                    services.retention_delete(actor=actor, review_id=review.pk)
                elif what == "extend":
                    services.retention_extend(actor=actor, review_id=review.pk,
                                              **form.cleaned_data)
                else:
                    services.retention_hold(actor=actor, review_id=review.pk,
                                            hold=what == "hold",
                                            reason=form.cleaned_data["reason"])
            except ServiceError as error:
                add_service_error(form, error)
        if not form.errors:
            messages.success(request, {"delete": "Personal data deleted; the statistics keep "
                                                 "the case's counts, dates and categories.",
                                       "extend": "Kept longer.", "hold": "Legal hold placed.",
                                       "lift": "Legal hold lifted."}[what])
            return redirect("records:retention-review", review_id=review.pk)
        errors = form
    return render(request, "records/retention_review.html", {
        "review": review, "forms": forms_, "errors": errors,
        "may_decide": policy.may_decide_retention(actor=actor,
                                                  lead_agency_id=review.lead_agency_id),
        "may_hold": policy.may_hold(actor=actor, lead_agency_id=review.lead_agency_id),
    }, status=400 if errors is not None else 200)


# Rectification and restriction --------------------------------------------------------------


@actor_required
@require_http_methods(["GET", "POST"])
def person_correct(request: HttpRequest, person_id: str) -> HttpResponse:
    """Correct a person's details (anyone who may add to their cases); the other agencies the
    record was shared with are told."""
    from apps.people.selectors import person_contact_visible, person_get
    from apps.records import rectification
    from apps.records.forms import CorrectionForm

    actor = request.actor
    person = person_get(actor=actor, person_id=person_id)
    if not policy.is_writer(actor=actor):
        raise Http404("No such page")
    contact = person_contact_visible(actor=actor, person=person)
    fields = rectification.IDENTITY_FIELDS + (rectification.CONTACT_FIELDS if contact else ())
    initial = {name: getattr(person, name) for name in fields}
    form = CorrectionForm(request.POST or None, initial=initial, contact=contact)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] if form.cleaned_data[name] is not None
                   else (None if name == "date_of_birth" else "") for name in fields}
        try:
            rectification.person_correct(actor=actor, person=person, changes=changes,
                                         reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Details corrected. The agencies the record is shared "
                                      "with have been told.")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "records/person_correct.html", {
        "person": person, "form": form,
        "corrections": list(rectification.corrections_of(actor=actor, person=person)[:50]),
    }, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def rights_requests(request: HttpRequest) -> HttpResponse:
    """Restriction, erasure and objection requests to the agency (its admins): the list, and
    a new one for a person found by name."""
    from apps.records import rectification
    from apps.records.forms import RightsRequestForm

    _require_admin(request)
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    people = selectors.people_search(actor=request.actor, query=query) if query else []
    chosen = selectors.person_held_get(
        actor=request.actor, person_id=request.POST.get("person") or request.GET.get("person"))
    form = RightsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if chosen is None:
            form.add_error("person", "Choose the person who asked.")
        else:
            try:
                recorded = rectification.rights_request_record(
                    actor=request.actor, person=chosen, kind=form.cleaned_data["kind"],
                    received_on=form.cleaned_data["received_on"],
                    details=form.cleaned_data["details"])
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Request recorded.")
                return redirect("records:rights-request", request_id=recorded.pk)
    return render(request, "records/rights_requests.html", {
        "requests": list(rectification.rights_requests(actor=request.actor)[:200]),
        "search": search, "people": people, "query": query, "chosen": chosen, "form": form,
    }, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "POST"])
def rights_request(request: HttpRequest, request_id: str) -> HttpResponse:
    from apps.records import rectification
    from apps.records.forms import RightsDecisionForm

    _require_admin(request)
    item = rectification.rights_request_get(actor=request.actor, request_id=request_id)
    form = RightsDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification.rights_request_decide(actor=request.actor, request=item,
                                                decision=form.cleaned_data["decision"],
                                                reasons=form.cleaned_data["reasons"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("records:rights-request", request_id=item.pk)
    return render(request, "records/rights_request.html", {"item": item, "form": form},
                  status=400 if form.errors else 200)
