"""Demo teams, caseloads and escalations (issue 13): Northbridge Police's safeguarding team
(pc.jones, managed by sgt.khan) and Safe Haven's IDVA team (idva.clarke), each handling its
agency's service; key workers on the cases; an escalated referral and an overdue action for
sgt.khan to reassign; something due today in idva.clarke's tray."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.action_plans.models import Action
from apps.action_plans.services import action_add
from apps.agencies.models import Membership, Service
from apps.agencies.team_services import service_set_team, team_create, team_member_set
from apps.cases.services import case_assign
from apps.referrals.models import Referral
from apps.referrals.services import referral_create

if TYPE_CHECKING:
    from apps.core.demo.loader import DemoContext

CONSENT = {"kind": "consent", "consent_given_by": "person"}


def _team(context: DemoContext, *, admin: str, agency: str, name: str, members: list[str],
          services: list[str]) -> None:
    actor = context.actor(admin)
    team = team_create(actor=actor, name=name)
    for username in members:
        membership = Membership.objects.active().get(user__username=username,
                                                     agency=context.agencies[agency])
        team_member_set(actor=actor, membership=membership, team=team)
    for service in Service.objects.filter(agency=context.agencies[agency], name__in=services):
        service_set_team(actor=actor, service=service, team=team)


def load_demo(context: DemoContext) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[
        "pc.jones", "idva.clarke"])}
    actor, cases, today = context.actor, context.cases, timezone.localdate()
    _team(context, admin="admin.police", agency="Northbridge Police",
          name="Domestic abuse safeguarding team", members=["pc.jones", "sgt.khan"],
          services=["Domestic abuse safeguarding unit"])
    _team(context, admin="admin.safehaven", agency="Safe Haven", name="IDVA team",
          members=["idva.clarke"], services=["IDVA service", "Outreach drop-in"])
    # Key workers: pc.jones for the police on Leah's and Amina's cases; idva.clarke for
    # Safe Haven on Leah's.
    for case in ("leah", "amina"):
        case_assign(actor=actor("sgt.khan"), case=cases[case], user=users["pc.jones"])
    case_assign(actor=actor("mgr.safehaven"), case=cases["leah"], user=users["idva.clarke"])
    # sgt.khan's escalations: a referral to his team past twice its target, and an overdue
    # action of pc.jones.
    now = timezone.now()
    escalated = referral_create(
        actor=actor("idva.clarke"), case=cases["sian"],
        to_service=Service.objects.get(name="Domestic abuse safeguarding unit"),
        reason="Sian's partner was seen outside her flat twice this week.",
        shared_information="Coercive control; a non-molestation order is in place.",
        basis={**CONSENT, "consent_given_on": today - datetime.timedelta(days=5)},
        urgency="urgent", submit=True)
    Referral.objects.filter(pk=escalated.pk).update(
        submitted_at=now - datetime.timedelta(days=6),
        first_submitted_at=now - datetime.timedelta(days=6),
        due_at=now - datetime.timedelta(days=4), escalate_at=now - datetime.timedelta(days=2),
        assigned_to=users["pc.jones"], assigned_at=now - datetime.timedelta(days=5))
    late = action_add(actor=actor("pc.jones"), case=cases["amina"],
                      description="Check bail conditions with the custody team.",
                      owner_agency=context.agencies["Northbridge Police"],
                      owner_user=users["pc.jones"], due_date=today + datetime.timedelta(days=1))
    Action.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=4))
    # idva.clarke's day: an action due today and a referral to the IDVA team due today.
    action_add(actor=actor("idva.clarke"), case=cases["leah"],
               description="Phone Leah at the agreed safe time to update the safety plan.",
               owner_agency=context.agencies["Safe Haven"], owner_user=users["idva.clarke"],
               due_date=today)
    incoming = referral_create(
        actor=actor("pc.jones"), case=cases["amina"],
        to_service=Service.objects.get(name="IDVA service"),
        reason="Amina asked for an IDVA after the latest incident.",
        shared_information="Strangulation disclosed; perpetrator on bail not to contact.",
        basis={**CONSENT, "consent_given_on": today - datetime.timedelta(days=1)},
        submit=True)
    end_of_day = timezone.localtime(now).replace(hour=23, minute=0, second=0, microsecond=0)
    Referral.objects.filter(pk=incoming.pk).update(due_at=max(end_of_day, now))
