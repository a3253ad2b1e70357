"""Builders for referral tests: a service at the receiving agency and referrals made through
the services, so grants, history and notifications are real."""

from __future__ import annotations

import datetime

from apps.agencies.models import Agency, Membership, Need, Service, Team
from apps.cases.models import Case
from apps.referrals.models import Referral
from apps.referrals.services import referral_create
from tests.factories import actor_of, make_case

CONSENT = {"kind": "consent", "consent_given_by": "person",
           "consent_given_on": datetime.date(2026, 1, 5)}
LAWFUL = {"kind": "lawful_basis", "lawful_basis": "safeguarding_adult",
          "justification": "Serious risk of harm; asking would increase the risk.",
          "person_told": False, "not_told_reason": "Telling them would alert the perpetrator."}


def make_service(*, agency: Agency, name: str = "IDVA service", hours: int = 8,
                 accepting: bool = True, **extra: object) -> Service:
    fields = {"description": "Independent domestic violence advocacy.",
              "eligibility": "Adults at high risk of domestic abuse.",
              "needs": [Need.DOMESTIC_ABUSE], "area": "Northbridge", **extra}
    return Service.objects.create(agency=agency, name=name, response_target_hours=hours,
                                  accepting_referrals=accepting, **fields)


def whole_agency_service(*, agency: Agency, **fields: object) -> Service:
    """A service handled by a team of everyone in the (small) test agency, so its members
    are all told of its referrals (team routing, issue 13)."""
    service = make_service(agency=agency, **fields)
    team = Team.objects.create(agency=agency, name=f"Team for {service.pk}")
    Membership.objects.active().filter(agency=agency).update(team=team)
    Service.objects.filter(pk=service.pk).update(handling_team=team)
    service.refresh_from_db()
    return service


def make_referral(*, world, case: Case | None = None, service: Service | None = None,
                  submit: bool = True, referrer=None) -> Referral:
    referrer = referrer or world.lead_practitioner
    case = case or make_case(lead=referrer)
    service = service or whole_agency_service(agency=world.partner)
    return referral_create(
        actor=actor_of(referrer), case=case, to_service=service,
        reason="Needs an IDVA: repeat incidents this month.", urgency="urgent",
        shared_information="Three call-outs since January; partner on bail.",
        basis=CONSENT, submit=submit)
