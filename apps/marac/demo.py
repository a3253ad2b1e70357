"""Demo MARAC: the Northbridge area, a past meeting with minutes and outstanding actions, and a
meeting next week with five cases (one a repeat) and a referral waiting for the coordinator.
Everything goes through the services, so involvements, grants and audit rows are real."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.action_plans.services import action_add, action_cancel, action_plan_set_wishes
from apps.cases.models import Involvement, InvolvementRole
from apps.cases.services import (
    involvement_expire,
    involvement_scope_change,
    involvements_due_to_expire,
)
from apps.marac import dash, services
from apps.marac.models import MaracArea, Meeting, Research

MEMBERS = ["Northbridge Police", "Children's Services", "Adult Social Care", "Housing Options",
           "Northbridge NHS Foundation Trust", "Probation", "Safe Haven", "Change Pathways",
           "Bridgeway Recovery CIC"]
SHARING = {"lawful_basis": "crime_prevention",
           "justification": "Risk of serious harm; MARAC is covered by the Northbridge "
                            "information sharing agreement."}


def _answers(yes: int) -> dict[str, str]:
    return {key: (dash.YES if i < yes else dash.NO) for i, key in
            enumerate(dash.QUESTION_KEYS)}


def _refer(context, *, case_key: str, who: str, area: MaracArea, yes: int, route: str,
           incidents: int = 0, judgement: str = ""):
    actor = context.actor(who)
    checklist = services.risk_checklist_create(
        actor=actor, case=context.cases[case_key], area=area, answers=_answers(yes),
        incidents_last_12_months=incidents, professional_judgement=bool(judgement),
        judgement_rationale=judgement, incident_date=timezone.localdate())
    services.risk_checklist_decide(actor=actor, checklist=checklist, decision="refer",
                                   reason=f"{dash.Route.LABELS[route]} route applies.")
    return services.marac_referral_create(actor=actor, checklist=checklist, route=route,
                                          reason="", victim_aware=True, sharing=SHARING)


def load_demo(context) -> None:
    user = get_user_model().objects.get(username="coordinator")
    area = MaracArea.objects.create(
        name="Northbridge", coordinating_agency=context.agencies["Community Safety Partnership"],
        coordinator=user, dsa_reference="Northbridge MARAC information sharing agreement")
    area.member_agencies.set([context.agencies[name] for name in MEMBERS])
    coordinator = context.actor("coordinator")
    now = timezone.now()
    today = timezone.localdate()

    # A past meeting (five weeks ago) with minutes and outstanding actions.
    past = services.meeting_schedule(actor=coordinator, area=area,
                                     starts_at=now + datetime.timedelta(days=1),
                                     location="Northbridge Civic Centre, Room 2",
                                     chair="DI Sarah Webb")
    first = _refer(context, case_key="leah", who="pc.jones", area=area, yes=16,
                   route=dash.Route.VISIBLE_HIGH_RISK)
    second = _refer(context, case_key="connor", who="probation.reid", area=area, yes=8,
                    route=dash.Route.PROFESSIONAL_JUDGEMENT,
                    judgement="Recent release; threats made to ex-partner on social media.")
    items = [services.marac_referral_list_for_meeting(actor=coordinator, referral=ref,
                                                      meeting=past)
             for ref in (first, second)]
    for research in Research.objects.filter(item__in=items).select_related("agency")[:6]:
        author = {"Northbridge Police": "pc.jones", "Safe Haven": "idva.clarke",
                  "Probation": "probation.reid", "Children's Services": "sw.ahmed"}.get(
            research.agency.name)
        if author:
            services.research_submit(actor=context.actor(author), research=research,
                                     text="Summary of relevant contacts in the last 12 months.")
    services.attendance_record(actor=coordinator, meeting=past, rows={
        context.agencies[name].pk: ("present" if name != "Change Pathways" else "apologies", "")
        for name in MEMBERS}, confidentiality_read=True)
    services.agenda_item_minute(actor=coordinator, item=items[0], risk_confirmed="high",
                                minutes="Agencies agreed Leah remains at high risk. IDVA to "
                                        "review the safety plan; police to add a marker.")
    services.agenda_item_minute(actor=coordinator, item=items[1], risk_confirmed="medium",
                                minutes="Probation to review licence conditions.")
    leah = context.cases["leah"]
    not_done = action_add(actor=coordinator, case=leah, meeting=past,
                          description="Review the safety plan with Leah.",
                          owner_agency=context.agencies["Safe Haven"],
                          owner_user=get_user_model().objects.get(username="idva.clarke"),
                          due_date=today - datetime.timedelta(days=10), priority="high")
    action_add(actor=coordinator, case=leah, meeting=past,
               description="Fit a police marker to the address.",
               owner_agency=context.agencies["Northbridge Police"],
               due_date=today + datetime.timedelta(days=3), priority="high")
    moved = action_add(actor=coordinator, case=context.cases["connor"], meeting=past,
                       description="Joint home visit with the housing officer.",
                       owner_agency=context.agencies["Probation"],
                       due_date=today - datetime.timedelta(days=5), priority="medium")
    action_cancel(actor=context.actor("probation.reid"), action=moved,
                  note="Circumstances changed: he moved out of the area.")
    action_plan_set_wishes(actor=context.actor("idva.clarke"), case=leah,
                           what_person_wants="I want Ruby to feel safe at home and to keep "
                                             "my job.")
    services.meeting_close(actor=coordinator, meeting=past)
    held = now - datetime.timedelta(days=35)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=held, held_at=held, research_due_at=held - datetime.timedelta(days=2))
    assert not_done.status == "open"
    # Its MARAC access period (28 days) ran out a week ago: the sweep ends each MARAC
    # involvement (e.g. Housing Options on Connor's case) and notes it in the chronology.
    Involvement.objects.filter(case__in=[leah, context.cases["connor"]],
                               role=InvolvementRole.MARAC, ends_at__isnull=False).update(
        ends_at=held + datetime.timedelta(days=settings.WRAPAROUND_MARAC_ACCESS_DAYS))
    for involvement_id in involvements_due_to_expire():
        involvement_expire(involvement_id=involvement_id)

    # Next week's meeting with five cases; Leah's is a repeat.
    upcoming = services.meeting_schedule(actor=coordinator, area=area,
                                         starts_at=(now + datetime.timedelta(days=7)).replace(
                                             hour=10, minute=0, second=0, microsecond=0),
                                         location="Northbridge Civic Centre, Room 2",
                                         chair="DI Sarah Webb")
    referrals = [
        _refer(context, case_key="leah", who="pc.jones", area=area, yes=18,
               route=dash.Route.VISIBLE_HIGH_RISK),
        _refer(context, case_key="amina", who="pc.jones", area=area, yes=11,
               route=dash.Route.ESCALATION, incidents=4),
        _refer(context, case_key="tariq", who="recovery.obi", area=area, yes=14,
               route=dash.Route.VISIBLE_HIGH_RISK),
        _refer(context, case_key="nadia", who="nurse.patel", area=area, yes=9,
               route=dash.Route.PROFESSIONAL_JUDGEMENT,
               judgement="Disclosed strangulation at an antenatal appointment."),
        _refer(context, case_key="pete", who="recovery.obi", area=area, yes=15,
               route=dash.Route.VISIBLE_HIGH_RISK),
    ]
    for ref in referrals:
        services.marac_referral_list_for_meeting(actor=coordinator, referral=ref,
                                                 meeting=upcoming)
    for research in Research.objects.filter(item__meeting=upcoming,
                                            agency__name="Northbridge Police"):
        services.research_submit(actor=context.actor("pc.jones"), research=research,
                                 text="Call-outs and bail history for the last 12 months.")

    # Waiting in the coordinator's inbox.
    _refer(context, case_key="ben", who="housing.lee", area=area, yes=6,
           route=dash.Route.PROFESSIONAL_JUDGEMENT,
           judgement="Landlord reports repeated disturbances and a threat with a knife.")

    # Scopes changed by the lead agency's manager, with a reason (shown in the chronology).
    # Widened: the maternity team at the trust needs Amina's incident history.
    amina = context.cases["amina"]
    nhs = Involvement.objects.get(case=amina, ended_at__isnull=True,
                                  agency=context.agencies["Northbridge NHS Foundation Trust"])
    involvement_scope_change(actor=context.actor("sgt.khan"), involvement=nhs,
                             sections=[*nhs.sections, "chronology"],
                             reason="Maternity team needs the incident history for the "
                                    "birth plan.")
    # Narrowed: the private landlord needs only what the tenancy offer needs.
    connor = context.cases["connor"]
    hearth = Involvement.objects.get(case=connor, ended_at__isnull=True,
                                     agency=context.agencies["Hearth Homes"])
    involvement_scope_change(actor=context.actor("mgr.probation"), involvement=hearth,
                             sections=["identity", "contact", "plan"],
                             reason="Tenancy offer only: no need for risk or case history.")
