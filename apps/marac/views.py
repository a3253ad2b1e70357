from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.action_plans.forms import ActionForm
from apps.action_plans.selectors import (
    meeting_actions,
    my_agency_actions,
    outstanding_from_meeting,
    plan_actions,
)
from apps.action_plans.services import action_add
from apps.agencies.decorators import actor_required
from apps.agencies.selectors import agency_list, memberships_of
from apps.audit.services import access_record, access_record_many
from apps.cases import policy
from apps.cases.sections import Section
from apps.cases.selectors import case_get, involvement_list, visible_case_ids
from apps.core.exceptions import ServiceError
from apps.core.forms import add_service_error
from apps.marac import pack, pack_pdf, selectors, services
from apps.marac.forms import (
    AreaForm,
    AttendanceForm,
    ChecklistForm,
    DecisionForm,
    ListForm,
    MaracReferralForm,
    MeetingForm,
    MinutesForm,
    ResearchForm,
    ReturnForm,
)
from apps.marac.models import (
    MaracReferralStatus,
    MeetingStatus,
    RouteDecision,
)


def _page(request: HttpRequest, template: str, context: dict, form=None) -> HttpResponse:
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


# Risk checklists -------------------------------------------------------------------------


@actor_required
def case_risk(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get(actor=request.actor, case_id=case_id)
    if not policy.may_see_section(actor=request.actor, case=case, section=Section.RISK):
        raise Http404("No such page")
    access_record(actor=request.actor, object_type="risk_checklists", object_id=case.pk,
                  case_id=case.pk, action="view")
    return render(request, "marac/case_risk.html", {
        "case": case, "checklists": list(selectors.case_checklists(case=case)[:100]),
        "can_contribute": policy.may_contribute(actor=request.actor, case=case),
    })


@actor_required
@require_http_methods(["GET", "POST"])
def checklist_new(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get(actor=request.actor, case_id=case_id)
    policy.require_contribute(actor=request.actor, case=case, hide=True)
    areas = selectors.area_choices()
    form = ChecklistForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist = services.risk_checklist_create(
                actor=request.actor, case=case, area=data["area"], answers=form.answers(),
                answer_notes=form.notes(), incident_date=data["incident_date"],
                incidents_last_12_months=data["incidents_last_12_months"],
                professional_judgement=data["professional_judgement"],
                judgement_rationale=data["judgement_rationale"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Checklist saved.")
            return redirect("marac:checklist", checklist_id=checklist.pk)
    return _page(request, "marac/checklist_form.html", {"case": case, "form": form}, form)


@actor_required
@require_http_methods(["GET", "POST"])
def checklist_detail(request: HttpRequest, checklist_id: str) -> HttpResponse:
    checklist = selectors.checklist_get(actor=request.actor, checklist_id=checklist_id)
    may_decide = (checklist.decision == RouteDecision.PENDING
                  and policy.may_decide_checklist(actor=request.actor, checklist=checklist))
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise Http404("No such page")
        if form.is_valid():
            try:
                services.risk_checklist_decide(actor=request.actor, checklist=checklist,
                                               **form.cleaned_data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                if form.cleaned_data["decision"] == RouteDecision.REFER:
                    return redirect("marac:referral-new", checklist_id=checklist.pk)
                messages.success(request, "Decision recorded.")
                return redirect("marac:checklist", checklist_id=checklist.pk)
    else:
        access_record(actor=request.actor, object_type="risk_checklist", object_id=checklist.pk,
                      case_id=checklist.case_id, action="view")
    referral = getattr(checklist, "marac_referral", None)
    return _page(request, "marac/checklist_detail.html", {
        "checklist": checklist, "case": checklist.case, "form": form,
        "may_decide": may_decide, "referral": referral,
        "may_refer": (checklist.decision == RouteDecision.REFER and referral is None
                      and policy.may_refer_to_marac(actor=request.actor, checklist=checklist)),
    }, form)


# MARAC referrals ---------------------------------------------------------------------------


@actor_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, checklist_id: str) -> HttpResponse:
    checklist = selectors.checklist_get(actor=request.actor, checklist_id=checklist_id)
    if checklist.decision != RouteDecision.REFER or hasattr(checklist, "marac_referral"):
        raise Http404("No such page")
    policy.require_refer_to_marac(actor=request.actor, checklist=checklist, hide=True)
    form = MaracReferralForm(request.POST or None, routes=checklist.routes.names)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.marac_referral_create(
                actor=request.actor, checklist=checklist, route=data["route"],
                reason=data["reason"], victim_aware=data["victim_aware"],
                victim_not_aware_reason=data["victim_not_aware_reason"],
                sharing={"lawful_basis": data["lawful_basis"],
                         "justification": data["justification"]})
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if referral.status == MaracReferralStatus.AWAITING_SIGNOFF:
                messages.success(request, "Referral saved. It goes to the coordinator when a "
                                          "manager signs it off.")
            else:
                messages.success(request, "Referral sent to the MARAC coordinator.")
            return redirect("marac:referral", referral_id=referral.pk)
    return _page(request, "marac/referral_form.html",
                 {"checklist": checklist, "case": checklist.case, "form": form}, form)


@actor_required
def home(request: HttpRequest) -> HttpResponse:
    """The MARAC workspace: the coordinator's inbox, sign-offs, research owed, meetings."""
    actor = request.actor
    upcoming, past = selectors.meetings_upcoming_and_past(actor=actor)
    return render(request, "marac/home.html", {
        "coordinated": list(selectors.coordinated_areas(actor=actor)),
        "inbox": selectors.coordinator_inbox(actor=actor),
        "signoffs": selectors.signoff_queue(actor=actor),
        "research": selectors.research_requests(actor=actor),
        "upcoming": upcoming, "past": past,
        "my_actions": my_agency_actions(actor=actor), "today": timezone.localdate(),
        "my_referrals": selectors.own_marac_referrals(actor=actor),
    })


@actor_required
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = selectors.marac_referral_get(actor=request.actor, referral_id=referral_id)
    return _referral_page(request, referral)


def _referral_page(request: HttpRequest, referral, list_form=None, return_form=None):
    actor = request.actor
    coordinator = policy.may_list_at_marac(actor=actor, referral=referral)
    meetings = selectors.meetings_to_list_at(actor=actor, area=referral.area, future_only=True)
    if request.method == "GET":
        access_record(actor=actor, object_type="marac_referral", object_id=referral.pk,
                      case_id=referral.case_id, action="view")
    check = selectors.repeat_check(area=referral.area, person_id=referral.case.subject_id,
                                   on=timezone.localdate())
    form = list_form or return_form
    return _page(request, "marac/referral_detail.html", {
        "referral": referral, "case": referral.case, "checklist": referral.checklist,
        "coordinator": coordinator, "check": check,
        "list_form": list_form or ListForm(meetings=meetings),
        "return_form": return_form or ReturnForm(),
        "may_sign_off": (referral.status == MaracReferralStatus.AWAITING_SIGNOFF
                         and policy.may_sign_off_marac_referral(actor=actor, referral=referral)),
    }, form)


@actor_required
@require_POST
def referral_sign_off(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = selectors.marac_referral_get(actor=request.actor, referral_id=referral_id)
    try:
        services.marac_referral_sign_off(actor=request.actor, referral=referral)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Signed off: the referral has gone to the coordinator.")
    return redirect("marac:referral", referral_id=referral.pk)


def _coordinated_referral(request: HttpRequest, referral_id: str):
    referral = selectors.marac_referral_get(actor=request.actor, referral_id=referral_id)
    policy.require_coordinate(actor=request.actor, area=referral.area, hide=True)
    return referral


@actor_required
@require_POST
def referral_list(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = _coordinated_referral(request, referral_id)
    meetings = selectors.meetings_to_list_at(actor=request.actor, area=referral.area)
    form = ListForm(request.POST, meetings=meetings)
    if form.is_valid():
        try:
            services.marac_referral_list_for_meeting(
                actor=request.actor, referral=referral, meeting=form.cleaned_data["meeting"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Listed. Member agencies have been asked for research.")
            return redirect("marac:meeting", meeting_id=form.cleaned_data["meeting"].pk)
    return _referral_page(request, referral, list_form=form)


@actor_required
@require_POST
def referral_return(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = _coordinated_referral(request, referral_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.marac_referral_return(actor=request.actor, referral=referral,
                                           reason=form.cleaned_data["reason"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Referral returned to the referrer.")
            return redirect("marac:home")
    return _referral_page(request, referral, return_form=form)


# Meetings ------------------------------------------------------------------------------


@actor_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    areas = selectors.coordinated_areas(actor=request.actor)
    if not areas.exists():
        raise Http404("No such page")
    area = areas.first()
    last = selectors.last_meeting(actor=request.actor, area=area)
    suggested = (timezone.localtime(last.starts_at) + datetime.timedelta(
        days=area.meeting_frequency_days)) if last else None
    form = MeetingForm(request.POST or None, areas=areas, initial={
        "area": area.pk, "starts_at": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=request.actor, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
    return _page(request, "marac/meeting_form.html", {"form": form}, form)


def _record_each_case(request: HttpRequest, items: list, object_type: str, meeting) -> None:
    """One audit row per listed case, in one INSERT whatever the agenda's length; the basis
    names the meeting in words ("MARAC meeting, Northbridge MARAC 8 December 2026")."""
    if items:
        access_record_many(actor=request.actor, object_type=object_type, action="view",
                           objects=[(item.pk, item.case_id) for item in items],
                           basis=f"MARAC meeting, {meeting}")


def _meeting_context(request: HttpRequest, meeting) -> dict:
    items = selectors.agenda(meeting=meeting)
    # A restricted case is shared with named workers only: others see its reference, not who.
    # Each case's identity and risk show only within the actor's scope on it (sections).
    case_ids = [item.case_id for item in items]
    visible = visible_case_ids(actor=request.actor, case_ids=case_ids, section=Section.IDENTITY)
    risk_visible = visible_case_ids(actor=request.actor, case_ids=case_ids, section=Section.RISK)
    mine = {}
    for item in items:
        item.case_visible = item.case_id in visible
        item.risk_visible = item.case_id in risk_visible
        item.received = []
        for research in item.research.all():
            if research.agency_id == request.actor.agency_id:
                mine[item.pk] = research
            if research.submitted_at:
                item.received.append(research.agency.name)
        item.my_research = mine.get(item.pk)
    return {
        "meeting": meeting, "items": items,
        "coordinator": policy.may_minute(actor=request.actor, meeting=meeting),
        "attendance": selectors.attendance_list(meeting=meeting),
        "outstanding": outstanding_from_meeting(
            meeting=selectors.previous_meeting(meeting=meeting)),
        "today": timezone.localdate(),
    }


@actor_required
def meeting_detail(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.actor, meeting_id=meeting_id)
    access_record(actor=request.actor, object_type="marac_meeting", object_id=meeting.pk,
                  action="view")
    return render(request, "marac/meeting_detail.html", _meeting_context(request, meeting))


def _pack(request: HttpRequest, meeting_id: str):
    meeting = selectors.meeting_get(actor=request.actor, meeting_id=meeting_id)
    rows = pack.meeting_pack(actor=request.actor, meeting=meeting)
    _record_each_case(request, [row.item for row in rows], "marac_pack", meeting)
    return meeting, rows


@actor_required
def meeting_pack(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The meeting pack: per listed case a summary, outstanding actions and research, each
    within the reader's scopes (printable to A4, one case per page)."""
    meeting, rows = _pack(request, meeting_id)
    return render(request, "marac/meeting_pack.html", {"meeting": meeting, "rows": rows})


@actor_required
def meeting_pack_pdf(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The same pack as an A4 PDF download (no personal data in its file name)."""
    meeting, rows = _pack(request, meeting_id)
    response = HttpResponse(pack_pdf.build(meeting=meeting, rows=rows),
                            content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="marac-pack-{day}.pdf"'
    return response


@actor_required
def meeting_minutes(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.actor, meeting_id=meeting_id)
    context = _meeting_context(request, meeting)
    actions = meeting_actions(meeting=meeting)
    for item in context["items"]:
        item.agreed = [a for a in actions if a.plan.case_id == item.case_id]
    _record_each_case(request, context["items"], "marac_minutes", meeting)
    return render(request, "marac/meeting_minutes.html", context)


@actor_required
@require_http_methods(["GET", "POST"])
def research_edit(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    meeting = selectors.meeting_get(actor=request.actor, meeting_id=meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    research = selectors.research_for_agency(item=item, actor=request.actor)
    if research is None or meeting.status != MeetingStatus.SCHEDULED:
        raise Http404("No such page")
    policy.require_record_research(actor=request.actor, research=research, hide=True)
    form = ResearchForm(request.POST or None, initial={"text": research.text,
                                                       "nothing_held": research.nothing_held})
    if request.method == "POST" and form.is_valid():
        try:
            services.research_submit(actor=request.actor, research=research,
                                     **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Research submitted.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
    return _page(request, "marac/research_form.html",
                 {"meeting": meeting, "item": item, "form": form}, form)


def _coordinated_meeting(request: HttpRequest, meeting_id: str):
    meeting = selectors.meeting_get(actor=request.actor, meeting_id=meeting_id)
    policy.require_coordinate(actor=request.actor, area=meeting.area, hide=True)
    return meeting


@actor_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    agencies = list(meeting.area.member_agencies.order_by("name"))
    if meeting.area.coordinating_agency not in agencies:
        agencies.insert(0, meeting.area.coordinating_agency)
    current = {a.agency_id: (a.status, a.representative)
               for a in selectors.attendance_list(meeting=meeting)}
    form = AttendanceForm(request.POST or None, agencies=agencies, current=current,
                          initial={"confidentiality_read": meeting.confidentiality_read})
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.actor, meeting=meeting, rows=form.attendance(),
                confidentiality_read=form.cleaned_data["confidentiality_read"])
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("marac:meeting", meeting_id=meeting.pk)
    return _page(request, "marac/attendance_form.html", {"meeting": meeting, "form": form},
                 form)


@actor_required
@require_http_methods(["GET", "POST"])
def item_minutes(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    form = MinutesForm(request.POST or None, initial={
        "minutes": item.minutes, "risk_confirmed": item.risk_confirmed or "high"})
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_minute(actor=request.actor, item=item, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Minutes saved.")
            return redirect("marac:item-minutes", meeting_id=meeting.pk, item_id=item.pk)
    return _minutes_page(request, meeting, item, form, None)


def _action_form(item, data=None) -> ActionForm:
    agencies = [inv.agency for inv in involvement_list(case=item.case, include_ended=False)]
    return ActionForm(data, agencies=agencies, memberships=memberships_of(agencies=agencies))


def _minutes_page(request, meeting, item, form, action_form):
    actions = [a for a in plan_actions(case=item.case) if a.meeting_id == meeting.pk]
    research = selectors.item_research(item=item)
    return _page(request, "marac/item_minutes.html", {
        "meeting": meeting, "item": item, "form": form, "research": research,
        "action_form": action_form or _action_form(item), "actions": actions,
    }, form if form is not None and form.errors else action_form)


@actor_required
@require_POST
def item_action_add(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    action_form = _action_form(item, request.POST)
    if action_form.is_valid():
        try:
            action_add(actor=request.actor, case=item.case, meeting=meeting,
                       **action_form.service_kwargs())
        except ServiceError as error:
            add_service_error(action_form, error)
        else:
            messages.success(request, "Action agreed and added to the case's action plan.")
            return redirect("marac:item-minutes", meeting_id=meeting.pk, item_id=item.pk)
    form = MinutesForm(initial={"minutes": item.minutes,
                                "risk_confirmed": item.risk_confirmed or "high"})
    return _minutes_page(request, meeting, item, form, action_form)


@actor_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    try:
        services.meeting_close(actor=request.actor, meeting=meeting)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting marked as held. Research is closed.")
    return redirect("marac:meeting", meeting_id=meeting.pk)


@actor_required
@require_http_methods(["GET", "POST"])
def area_settings(request: HttpRequest, area_id: str) -> HttpResponse:
    area = selectors.coordinated_area_get(actor=request.actor, area_id=area_id)
    initial = {name: getattr(area, name) for name in services.AREA_SETTINGS}
    initial["member_agencies"] = list(area.member_agencies.values_list("pk", flat=True))
    form = AreaForm(request.POST or None, initial=initial,
                    agencies=agency_list())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        members = list(data.pop("member_agencies"))
        try:
            services.area_update(actor=request.actor, area=area, member_agencies=members,
                                 **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "MARAC settings saved.")
            return redirect("marac:home")
    return _page(request, "marac/area_form.html", {"area": area, "form": form}, form)


@actor_required
def area_stats(request: HttpRequest, area_id: str) -> HttpResponse:
    area = selectors.coordinated_area_get(actor=request.actor, area_id=area_id)
    since = timezone.localdate() - datetime.timedelta(days=365)
    return render(request, "marac/area_stats.html", {
        "area": area, "since": since, "stats": selectors.area_stats(area=area, since=since)})
