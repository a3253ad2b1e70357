"""Writes of MARAC data: each one transaction that locks what it changes, checks the
transition and the actor's permission, writes an audit row and queues notifications."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Role
from apps.agencies.selectors import member_ids, members_by_agency
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.models import Case
from apps.cases.services import involvement_start_marac
from apps.consent.models import BasisKind, SharingPurpose
from apps.consent.services import sharing_basis_create, sharing_check
from apps.core.dates import format_date
from apps.core.exceptions import ServiceError, TransitionNotAllowed
from apps.marac import dash
from apps.marac.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    MaracArea,
    MaracReferral,
    MaracReferralStatus,
    Meeting,
    MeetingStatus,
    Research,
    RiskChecklist,
    RouteDecision,
)
from apps.marac.selectors import repeat_check
from apps.notifications.services import notify, notify_agencies
from apps.webhooks.services import webhook_emit

User = get_user_model()


def _coordinator_ids(area: MaracArea) -> set[int]:
    ids = member_ids(agency_ids=[area.coordinating_agency_id], roles=(Role.COORDINATOR,))
    if area.coordinator_id:
        ids.add(area.coordinator_id)
    return ids


def _require_coordinator(*, actor: Actor, area: MaracArea) -> None:
    policy.require_coordinate(actor=actor, area=area)


def _marac_basis(area: MaracArea, *, referral: MaracReferral) -> str:
    """The basis text of a MARAC involvement: the lawful basis the referrer chose (recorded
    structurally as the involvement's sharing basis) and the MARAC's information-sharing
    agreement."""
    chosen = referral.sharing_basis
    lawful = chosen.get_lawful_basis_display() if chosen.lawful_basis else chosen.summary
    dsa = (f" under the information-sharing agreement {area.dsa_reference}"
           if area.dsa_reference else "")
    return f"MARAC ({area.name}): {lawful.lower()}, as chosen by the referrer{dsa}."


# Risk checklists -------------------------------------------------------------------------


def risk_checklist_create(*, actor: Actor, case: Case, area: MaracArea, answers: dict[str, str],
                          answer_notes: dict[str, str] | None = None,
                          incident_date: datetime.date | None = None,
                          incidents_last_12_months: int = 0,
                          professional_judgement: bool = False,
                          judgement_rationale: str = "") -> RiskChecklist:
    """Record a completed DASH RIC with its score and routes. Each one is kept."""
    actor_require_writer(actor=actor)
    missing = [key for key in dash.QUESTION_KEYS
               if answers.get(key) not in (dash.YES, dash.NO, dash.NOT_KNOWN)]
    if missing:
        raise ServiceError("Answer every question: yes, no or not known.", field=missing[0])
    judgement_rationale = (judgement_rationale or "").strip()
    if professional_judgement and not judgement_rationale:
        raise ServiceError("Explain your professional judgement.", field="judgement_rationale")
    if incidents_last_12_months < 0:
        raise ServiceError("Enter a number of incidents, 0 or more.",
                           field="incidents_last_12_months")
    if incident_date and incident_date > timezone.localdate():
        raise ServiceError("The incident date must be today or in the past.",
                           field="incident_date")
    notes = {k: v.strip() for k, v in (answer_notes or {}).items()
             if k in dash.QUESTION_TEXT and v and v.strip()}
    clean = {key: answers[key] for key in dash.QUESTION_KEYS}
    routes = dash.routes(answers=clean, high_risk_threshold=area.high_risk_threshold,
                         professional_judgement=professional_judgement,
                         incidents_last_12_months=incidents_last_12_months,
                         escalation_threshold=area.escalation_threshold)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        policy.require_contribute(actor=actor, case=case)
        checklist = RiskChecklist.objects.create(
            case=case, area=area, agency_id=actor.agency_id, assessor=actor.user,
            incident_date=incident_date, answers=clean, answer_notes=notes,
            score=dash.score(clean), incidents_last_12_months=incidents_last_12_months,
            professional_judgement=professional_judgement,
            judgement_rationale=judgement_rationale if professional_judgement else "",
            visible_high_risk=routes.visible_high_risk, escalation=routes.escalation,
        )
        access_record(actor=actor, object_type="risk_checklist", object_id=checklist.pk,
                      case_id=case.pk, action="create")
        return checklist


def risk_checklist_decide(*, actor: Actor, checklist: RiskChecklist, decision: str,
                          reason: str) -> RiskChecklist:
    """A person decides whether to refer to MARAC; the decision, author and reason are kept."""
    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if decision not in (RouteDecision.REFER, RouteDecision.NOT_REFER):
        raise ServiceError("Choose whether to refer to MARAC.", field="decision")
    if not reason:
        raise ServiceError("Give the reason for your decision.", field="reason")
    with transaction.atomic():
        checklist = RiskChecklist.objects.select_for_update().get(pk=checklist.pk)
        policy.require_decide_checklist(actor=actor, checklist=checklist)
        if checklist.decision != RouteDecision.PENDING:
            raise TransitionNotAllowed("A decision has already been recorded.")
        if decision == RouteDecision.REFER and not checklist.routes.any:
            raise ServiceError("No route to MARAC applies. Record your professional judgement "
                               "in a new checklist to refer.", field="decision")
        checklist.decision, checklist.decision_reason = decision, reason
        checklist.decided_by, checklist.decided_at = actor.user, timezone.now()
        checklist.save(update_fields=["decision", "decision_reason", "decided_by",
                                      "decided_at", "updated_at"])
        access_record(actor=actor, object_type="risk_checklist", object_id=checklist.pk,
                      case_id=checklist.case_id, action="decide")
        return checklist


# MARAC referrals ---------------------------------------------------------------------------


def _submit(*, actor: Actor, referral: MaracReferral) -> None:
    """The referral reaches the coordinator: the coordinating agency joins the case on the
    MARAC basis, the repeat check runs and the coordinators are told."""
    area = referral.area
    check = repeat_check(area=area, person_id=referral.case.subject_id, on=timezone.localdate())
    referral.status = MaracReferralStatus.SUBMITTED
    referral.submitted_at = timezone.now()
    referral.is_repeat, referral.last_heard_on = check.is_repeat, check.last_heard_on
    involvement_start_marac(actor=actor, case=referral.case, agency=area.coordinating_agency,
                            basis=_marac_basis(area, referral=referral),
                            sharing_basis=referral.sharing_basis, coordinating=True)
    notify(recipients=_coordinator_ids(area), kind="marac_referral", target_type="marac_referral",
           target_id=referral.pk, title=f"New MARAC referral for case {referral.case.reference}",
           url=f"/marac/referrals/{referral.pk}/", agency_id=area.coordinating_agency_id)


def marac_referral_create(*, actor: Actor, checklist: RiskChecklist, route: str, reason: str,
                          victim_aware: bool, victim_not_aware_reason: str = "",
                          sharing: dict[str, Any]) -> MaracReferral:
    """Refer to MARAC from a checklist whose decision was to refer. ``sharing`` holds the
    arguments of ``sharing_basis_create`` (consent, or a lawful basis without consent)."""
    actor_require_writer(actor=actor)
    victim_not_aware_reason = (victim_not_aware_reason or "").strip()
    if not victim_aware and not victim_not_aware_reason:
        raise ServiceError("Explain why the victim does not know about the referral.",
                           field="victim_not_aware_reason")
    with transaction.atomic():
        checklist = RiskChecklist.objects.select_for_update().select_related(
            "area", "area__coordinating_agency", "case").get(pk=checklist.pk)
        case = Case.objects.select_for_update().get(pk=checklist.case_id)
        policy.require_refer_to_marac(actor=actor, checklist=checklist, case=case)
        if checklist.decision != RouteDecision.REFER:
            raise TransitionNotAllowed("Record the decision to refer first.")
        if MaracReferral.objects.filter(checklist=checklist).exists():
            raise TransitionNotAllowed("This checklist has already been referred.")
        if route not in checklist.routes.names:
            raise ServiceError("Choose one of the routes that apply.", field="route")
        basis = sharing_basis_create(actor=actor, **{
            "kind": BasisKind.LAWFUL_BASIS, "person_told": victim_aware,
            "not_told_reason": victim_not_aware_reason, **sharing})
        area = checklist.area
        # Every share has a basis inside an active DSA (apps.consent's enforcement check).
        sharing_check(actor=actor, from_agency=actor.agency, to_agency=area.coordinating_agency,
                      sharing_basis=basis, person=case.subject, case=case,
                      purpose=SharingPurpose.RISK_ASSESSMENT)
        needs_signoff = area.manager_signoff_required and actor.role != Role.MANAGER
        referral = MaracReferral.objects.create(
            checklist=checklist, case=case, area=area, referring_agency_id=actor.agency_id,
            referrer=actor.user, route=route, reason=(reason or "").strip(),
            victim_aware=victim_aware,
            victim_not_aware_reason="" if victim_aware else victim_not_aware_reason,
            sharing_basis=basis,
            status=(MaracReferralStatus.AWAITING_SIGNOFF if needs_signoff
                    else MaracReferralStatus.SUBMITTED),
        )
        referral.case = case
        if needs_signoff:
            managers = member_ids(agency_ids=[actor.agency_id], roles=(Role.MANAGER,))
            notify(recipients=managers, kind="marac_signoff", target_type="marac_referral",
                   target_id=referral.pk,
                   title=f"A MARAC referral for case {case.reference} needs your sign-off",
                   url=f"/marac/referrals/{referral.pk}/", agency_id=actor.agency_id)
        else:
            if area.manager_signoff_required:
                referral.signed_off_by, referral.signed_off_at = actor.user, timezone.now()
            _submit(actor=actor, referral=referral)
            referral.save()
        access_record(actor=actor, object_type="marac_referral", object_id=referral.pk,
                      case_id=case.pk, action="create")
        return referral


def marac_referral_sign_off(*, actor: Actor, referral: MaracReferral) -> MaracReferral:
    actor_require_writer(actor=actor)
    with transaction.atomic():
        referral = MaracReferral.objects.select_for_update().select_related(
            "area", "area__coordinating_agency", "case").get(pk=referral.pk)
        policy.require_sign_off_marac_referral(actor=actor, referral=referral)
        if referral.status != MaracReferralStatus.AWAITING_SIGNOFF:
            raise TransitionNotAllowed("This referral is not awaiting sign-off.")
        referral.signed_off_by, referral.signed_off_at = actor.user, timezone.now()
        _submit(actor=actor, referral=referral)
        referral.save()
        access_record(actor=actor, object_type="marac_referral", object_id=referral.pk,
                      case_id=referral.case_id, action="sign_off")
        return referral


def marac_referral_return(*, actor: Actor, referral: MaracReferral,
                          reason: str) -> MaracReferral:
    actor_require_writer(actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason for returning the referral.", field="reason")
    with transaction.atomic():
        referral = MaracReferral.objects.select_for_update().select_related(
            "area", "case").get(pk=referral.pk)
        _require_coordinator(actor=actor, area=referral.area)
        if referral.status != MaracReferralStatus.SUBMITTED:
            raise TransitionNotAllowed("Only a submitted referral can be returned.")
        referral.status, referral.returned_reason = MaracReferralStatus.RETURNED, reason
        referral.decided_by, referral.decided_at = actor.user, timezone.now()
        referral.save(update_fields=["status", "returned_reason", "decided_by", "decided_at",
                                     "updated_at"])
        notify(recipients=[referral.referrer_id], kind="marac_referral_returned",
               target_type="marac_referral", target_id=referral.pk,
               title=f"Your MARAC referral for case {referral.case.reference} was returned",
               url=f"/marac/referrals/{referral.pk}/", agency_id=referral.referring_agency_id)
        access_record(actor=actor, object_type="marac_referral", object_id=referral.pk,
                      case_id=referral.case_id, action="return")
        return referral


def marac_referral_list_for_meeting(*, actor: Actor, referral: MaracReferral,
                                    meeting: Meeting) -> AgendaItem:
    """List the case on a meeting's agenda: every member agency becomes involved on the MARAC
    basis and is asked for research before the meeting's research deadline."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        referral = MaracReferral.objects.select_for_update().select_related(
            "area", "case").get(pk=referral.pk)
        meeting = Meeting.objects.select_for_update().select_related("area").get(pk=meeting.pk)
        _require_coordinator(actor=actor, area=referral.area)
        if referral.status != MaracReferralStatus.SUBMITTED:
            raise TransitionNotAllowed("Only a submitted referral can be listed.")
        if meeting.area_id != referral.area_id:
            raise ServiceError("Choose a meeting of this referral's MARAC.", field="meeting")
        if meeting.status != MeetingStatus.SCHEDULED:
            raise TransitionNotAllowed("That meeting has already been held.")
        if AgendaItem.objects.filter(meeting=meeting, case=referral.case).exists():
            raise ServiceError("This case is already on that meeting's agenda.", field="meeting")
        check = repeat_check(area=meeting.area, person_id=referral.case.subject_id,
                             on=timezone.localdate())
        position = AgendaItem.objects.filter(meeting=meeting).count() + 1
        item = AgendaItem.objects.create(meeting=meeting, case=referral.case, referral=referral,
                                         position=position, is_repeat=check.is_repeat)
        referral.status = MaracReferralStatus.LISTED
        referral.is_repeat, referral.last_heard_on = check.is_repeat, check.last_heard_on
        referral.decided_by, referral.decided_at = actor.user, timezone.now()
        referral.save(update_fields=["status", "is_repeat", "last_heard_on", "decided_by",
                                     "decided_at", "updated_at"])
        agencies = list(meeting.area.member_agencies.filter(active=True))
        basis = _marac_basis(meeting.area, referral=referral)
        involved = set(referral.case.involvements.active().values_list("agency_id", flat=True))
        for agency in agencies:
            if agency.pk not in involved:
                sharing_check(actor=actor, from_agency=meeting.area.coordinating_agency,
                              to_agency=agency, sharing_basis=referral.sharing_basis,
                              person=referral.case.subject, case=referral.case,
                              purpose=SharingPurpose.RISK_ASSESSMENT)
            involvement_start_marac(actor=actor, case=referral.case, agency=agency, basis=basis,
                                    sharing_basis=referral.sharing_basis)
        Research.objects.bulk_create(Research(item=item, agency=agency) for agency in agencies)
        members = members_by_agency(agency_ids=[agency.pk for agency in agencies],
                                    roles=(Role.PRACTITIONER, Role.MANAGER))
        notify_agencies(recipients_by_agency=members, kind="marac_research",
                        target_type="marac_meeting", target_id=meeting.pk,
                        title=f"Research requested for case {referral.case.reference} by "
                              f"{format_date(meeting.research_due_at)}",
                        url=f"/marac/meetings/{meeting.pk}/")
        notify(recipients=[referral.referrer_id], kind="marac_referral_listed",
               target_type="marac_referral", target_id=referral.pk,
               title=f"Case {referral.case.reference} is listed for MARAC on "
                     f"{format_date(meeting.starts_at)}",
               url=f"/marac/referrals/{referral.pk}/", agency_id=referral.referring_agency_id)
        webhook_emit(event="marac.listed", agency_ids=[agency.pk for agency in agencies],
                     data={"meeting": meeting.pk, "agenda_item": item.pk})
        access_record(actor=actor, object_type="marac_agenda_item", object_id=item.pk,
                      case_id=referral.case_id, action="create")
        return item


# Meetings ------------------------------------------------------------------------------


def meeting_schedule(*, actor: Actor, area: MaracArea, starts_at: datetime.datetime,
                     location: str = "", chair: str = "",
                     research_due_at: datetime.datetime | None = None) -> Meeting:
    actor_require_writer(actor=actor)
    _require_coordinator(actor=actor, area=area)
    if starts_at <= timezone.now():
        raise ServiceError("The meeting must be in the future.", field="starts_at")
    research_due_at = research_due_at or starts_at - datetime.timedelta(
        days=area.research_days_before)
    if research_due_at > starts_at:
        raise ServiceError("Research must be due before the meeting.", field="research_due_at")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            area=area, starts_at=starts_at, location=(location or "").strip(),
            chair=(chair or "").strip(), coordinator=actor.user, research_due_at=research_due_at)
        access_record(actor=actor, object_type="marac_meeting", object_id=meeting.pk,
                      action="create")
        return meeting


def _locked_meeting(*, actor: Actor, meeting: Meeting, scheduled: bool = True) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("area").get(pk=meeting.pk)
    _require_coordinator(actor=actor, area=meeting.area)
    if scheduled and meeting.status != MeetingStatus.SCHEDULED:
        raise TransitionNotAllowed("This meeting has already been held.")
    return meeting


def research_submit(*, actor: Actor, research: Research, text: str,
                    nothing_held: bool = False) -> Research:
    """A member agency records what it holds that is relevant and proportionate."""
    actor_require_writer(actor=actor)
    text = (text or "").strip()
    if not text and not nothing_held:
        raise ServiceError("Enter your agency's research, or say that you hold nothing "
                           "relevant.", field="text")
    with transaction.atomic():
        research = Research.objects.select_for_update().select_related(
            "item", "item__meeting").get(pk=research.pk)
        policy.require_record_research(actor=actor, research=research)
        if research.item.meeting.status != MeetingStatus.SCHEDULED:
            raise TransitionNotAllowed("The meeting has been held: research is closed.")
        research.text, research.nothing_held = text, nothing_held
        research.submitted_by, research.submitted_at = actor.user, timezone.now()
        research.save(update_fields=["text", "nothing_held", "submitted_by", "submitted_at",
                                     "updated_at"])
        access_record(actor=actor, object_type="marac_research", object_id=research.pk,
                      case_id=research.item.case_id, action="update")
        return research


def attendance_record(*, actor: Actor, meeting: Meeting,
                      rows: dict[Any, tuple[str, str]], confidentiality_read: bool) -> Meeting:
    """``rows``: agency id -> (present | apologies | absent, representative)."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting=meeting)
        allowed = {str(pk) for pk in meeting.area.member_agencies.values_list("pk", flat=True)}
        allowed.add(str(meeting.area.coordinating_agency_id))
        for agency_id, (status, representative) in rows.items():
            if str(agency_id) not in allowed or status not in AttendanceStatus.values:
                raise ServiceError("Record attendance for the MARAC's member agencies.")
            Attendance.objects.update_or_create(
                meeting=meeting, agency_id=agency_id,
                defaults={"status": status, "representative": (representative or "").strip()})
        meeting.confidentiality_read = confidentiality_read
        meeting.save(update_fields=["confidentiality_read", "updated_at"])
        access_record(actor=actor, object_type="marac_meeting", object_id=meeting.pk,
                      action="attendance")
        return meeting


def agenda_item_minute(*, actor: Actor, item: AgendaItem, minutes: str,
                       risk_confirmed: str) -> AgendaItem:
    actor_require_writer(actor=actor)
    from apps.cases.models import RiskLevel

    minutes = (minutes or "").strip()
    if not minutes:
        raise ServiceError("Enter the minutes for this case.", field="minutes")
    if risk_confirmed not in RiskLevel.values:
        raise ServiceError("Choose the risk level the meeting confirmed.",
                           field="risk_confirmed")
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        meeting = _locked_meeting(actor=actor, meeting=item.meeting)
        if not meeting.confidentiality_read:
            raise TransitionNotAllowed("Record attendance and the confidentiality statement "
                                       "first.")
        item.minutes, item.risk_confirmed, item.minuted_by = minutes, risk_confirmed, actor.user
        item.save(update_fields=["minutes", "risk_confirmed", "minuted_by", "updated_at"])
        access_record(actor=actor, object_type="marac_agenda_item", object_id=item.pk,
                      case_id=item.case_id, action="minute")
        return item


def meeting_close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """The meeting has been held: minutes are complete and research closes."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        meeting = _locked_meeting(actor=actor, meeting=meeting)
        if AgendaItem.objects.filter(meeting=meeting, minutes="").exists():
            raise TransitionNotAllowed("Minute every case on the agenda first.")
        if not meeting.confidentiality_read:
            raise TransitionNotAllowed("Record attendance and the confidentiality statement "
                                       "first.")
        meeting.status, meeting.held_at = MeetingStatus.HELD, timezone.now()
        meeting.save(update_fields=["status", "held_at", "updated_at"])
        _marac_access_end_set(meeting=meeting)
        access_record(actor=actor, object_type="marac_meeting", object_id=meeting.pk,
                      action="close")
        return meeting


def _marac_access_end_set(*, meeting: Meeting) -> None:
    """The MARAC involvements of the meeting's cases end WRAPAROUND_MARAC_ACCESS_DAYS after it
    was held (the coordinating agency's excepted: it keeps the MARAC record). The selectors
    honour ``ends_at`` at once; the ``involvements_expire`` sweep then ends or narrows them."""
    from django.conf import settings

    from apps.cases.models import Involvement, InvolvementRole

    ends_at = meeting.held_at + datetime.timedelta(days=settings.WRAPAROUND_MARAC_ACCESS_DAYS)
    case_ids = AgendaItem.objects.filter(meeting=meeting).values("case_id")
    Involvement.objects.active().filter(case_id__in=case_ids, role=InvolvementRole.MARAC).exclude(
        agency_id=meeting.area.coordinating_agency_id).update(ends_at=ends_at,
                                                            updated_at=timezone.now())


AREA_SETTINGS = ("meeting_frequency_days", "high_risk_threshold", "escalation_threshold",
                 "repeat_window_months", "manager_signoff_required", "research_days_before",
                 "lawful_basis", "dsa_reference", "adult_female_population")


def area_update(*, actor: Actor, area: MaracArea, member_agencies: list | None = None,
                **settings: Any) -> MaracArea:
    """The area's coordinator changes its settings and member agencies."""
    actor_require_writer(actor=actor)
    unknown = set(settings) - set(AREA_SETTINGS)
    if unknown:
        raise ServiceError(f"Unknown setting: {sorted(unknown)[0]}.")
    if settings.get("repeat_window_months", 1) < 1:
        raise ServiceError("The repeat window must be at least 1 month.",
                           field="repeat_window_months")
    if not 1 <= settings.get("high_risk_threshold", 14) <= len(dash.QUESTIONS):
        raise ServiceError("The visible high risk threshold must be between 1 and 24.",
                           field="high_risk_threshold")
    with transaction.atomic():
        area = MaracArea.objects.select_for_update().get(pk=area.pk)
        _require_coordinator(actor=actor, area=area)
        for name, value in settings.items():
            setattr(area, name, value)
        area.save()
        if member_agencies is not None:
            area.member_agencies.set(member_agencies)
        access_record(actor=actor, object_type="marac_area", object_id=area.pk,
                      action="update")
        return area
