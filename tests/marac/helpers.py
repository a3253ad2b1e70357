"""Builders for MARAC tests: an area coordinated by a CSP, with the world's lead and partner
agencies as members (the outsider sits at no MARAC)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apps.agencies.models import Agency, Membership, Role
from apps.consent.services import dsa_create_active_for_demo
from apps.marac import dash, services
from apps.marac.models import MaracArea, Meeting, MeetingStatus
from tests.factories import actor_of, make_agency, make_member


@dataclass
class Marac:
    area: MaracArea
    csp: Agency
    coordinator: Membership


def make_marac(world, **area_fields) -> Marac:
    csp = make_agency(name="Community Safety Partnership")
    coordinator = make_member(agency=csp, role=Role.COORDINATOR)
    area = MaracArea.objects.create(name="Northbridge", coordinating_agency=csp,
                                    coordinator=coordinator.user, **area_fields)
    area.member_agencies.set([world.lead, world.partner])
    dsa_create_active_for_demo(agency_ids=[csp.pk, world.lead.pk, world.partner.pk],
                               title="Northbridge MARAC agreement", user=coordinator.user)
    return Marac(area=area, csp=csp, coordinator=coordinator)


def answers(yes: int) -> dict[str, str]:
    return {key: (dash.YES if i < yes else dash.NO) for i, key in enumerate(dash.QUESTION_KEYS)}


def checklist(*, membership, case, area, yes=15, **kw):
    return services.risk_checklist_create(actor=actor_of(membership), case=case, area=area,
                                          answers=answers(yes), **kw)


SHARING = {"lawful_basis": "vital_interests", "justification": "High risk of serious harm."}


def referral(*, membership, case, area, yes=15):
    ck = checklist(membership=membership, case=case, area=area, yes=yes)
    services.risk_checklist_decide(actor=actor_of(membership), checklist=ck, decision="refer",
                                   reason="Visible high risk.")
    return services.marac_referral_create(
        actor=actor_of(membership), checklist=ck, route=dash.Route.VISIBLE_HIGH_RISK,
        reason="", victim_aware=True, sharing=SHARING)


def meeting(*, marac: Marac, days: int = 7) -> Meeting:
    return services.meeting_schedule(
        actor=actor_of(marac.coordinator), area=marac.area,
        starts_at=timezone.now() + datetime.timedelta(days=days), location="Town hall")


def past_meeting(*, marac: Marac, on: datetime.datetime) -> Meeting:
    """A meeting already held on ``on`` (created directly: services only schedule ahead)."""
    return Meeting.objects.create(area=marac.area, starts_at=on, coordinator=marac.coordinator.user,
                                  research_due_at=on - datetime.timedelta(days=2),
                                  status=MeetingStatus.HELD, held_at=on,
                                  confidentiality_read=True)


def listed(*, world, marac, case, mtg=None):
    ref = referral(membership=world.lead_practitioner, case=case, area=marac.area)
    mtg = mtg or meeting(marac=marac)
    item = services.marac_referral_list_for_meeting(actor=actor_of(marac.coordinator),
                                                     referral=ref, meeting=mtg)
    return ref, mtg, item
