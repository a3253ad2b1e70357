"""One case seen by every kind of agency, for the section-visibility matrix
(tests/cases/test_sections.py): built through the services, so the grants are real.

The case (led by Northbridge Police) has a victim with an address and safe-contact times, a
child, a summary, a note and two actions (one owned by the police, one by Housing). It is
listed at MARAC, so every member agency joins on the MARAC basis. Markers in the data are
looked for in each channel.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from apps.action_plans.services import action_add
from apps.agencies.models import Agency, Membership, Role
from apps.cases.models import CasePersonRole, Involvement
from apps.cases.services import case_note_add, case_person_create, involvement_add
from apps.consent.services import dsa_create_active_for_demo
from apps.marac import services as marac_services
from apps.marac.models import MaracArea
from apps.referrals.services import referral_accept
from tests.factories import actor_of, make_agency, make_case, make_member
from tests.marac.helpers import meeting as schedule_meeting
from tests.marac.helpers import referral as marac_referral
from tests.referrals.helpers import make_referral, make_service

NAME = "Alexandra Markerfield"
ADDRESS = "12 Hidden Lane"
SAFE_TIMES = "Weekdays 10-12 SAFE-TIMES"
CHILD = "Robin Childmarker"
SUMMARY = "SUMMARY-MARKER"
NOTE = "CHRONOLOGY-MARKER"
POLICE_ACTION = "POLICE-ACTION-MARKER"
HOUSING_ACTION = "HOUSING-ACTION-MARKER"
RECOVERY_ACTION = "RECOVERY-ACTION-MARKER"

ALL = frozenset({"identity", "contact", "people", "risk", "chronology", "plan"})
MARAC = frozenset({"identity", "risk", "plan_own"})
ACTIONS_ONLY = frozenset({"identity", "plan_own"})
HARM_PARTNER = frozenset({"identity", "people", "risk", "plan"})


@dataclass
class Scene:
    case: object
    meeting: object
    members: dict[str, Membership] = field(default_factory=dict)


# role -> (sections the acting agency sees, or None when the case answers 404;
#          whether the agency sits at the MARAC, so can open the meeting pack)
EXPECTED: dict[str, tuple[frozenset[str] | None, bool]] = {
    "lead": (ALL, True),
    "partner": (ALL, True),
    "recipient_before_decision": (None, False),
    "recipient_after_acceptance": (ALL, False),
    "marac": (MARAC, True),
    "marac_expired": (None, True),
    "marac_expired_owns_action": (ACTIONS_ONLY, True),
    "person_causing_harm_partner": (HARM_PARTNER, False),
    "person_causing_harm_marac": (MARAC, True),
    "secondee_for_partner": (ALL, True),
    "secondee_for_marac": (MARAC, True),
    "auditor": (ALL, True),
    "outsider": (None, False),
}


def build(world) -> Scene:
    police, safe_haven = world.lead, world.partner
    housing = make_agency(name="Housing Options")
    social_care = make_agency(name="Adult Social Care")
    recovery = make_agency(name="Bridgeway Recovery CIC")
    change = make_agency(name="Change Pathways")
    Agency.objects.filter(pk=change.pk).update(works_with_person_causing_harm=True)
    change.refresh_from_db()
    probation = make_agency(name="Probation")
    health = make_agency(name="Northbridge NHS")
    idva2 = make_agency(name="Second Door")
    csp = make_agency(name="Community Safety Partnership")
    coordinator = make_member(agency=csp, role=Role.COORDINATOR)
    every = [police, safe_haven, housing, social_care, recovery, change, probation, health,
             idva2, csp]
    dsa_create_active_for_demo(agency_ids=[a.pk for a in every], title="Northbridge DSA 2",
                               user=coordinator.user)
    area = MaracArea.objects.create(name="Northbridge", coordinating_agency=csp,
                                    coordinator=coordinator.user, dsa_reference="NB-ISA-1")
    area.member_agencies.set([police, safe_haven, housing, social_care, recovery, change])

    case = make_case(lead=world.lead_practitioner, given_name="Alexandra",
                     family_name="Markerfield", address_line_1=ADDRESS, safe_times=SAFE_TIMES,
                     may_text=True)
    from apps.cases.models import Case

    Case.objects.filter(pk=case.pk).update(summary=SUMMARY)
    lead = actor_of(world.lead_practitioner)
    case_person_create(actor=lead, case=case, role=CasePersonRole.CHILD,
                       person_data={"given_name": "Robin", "family_name": "Childmarker"})
    case_note_add(actor=lead, case=case, text=NOTE)
    involvement_add(actor=actor_of(world.lead_manager), case=case, agency=safe_haven,
                    basis="Consent given to share.")
    involvement_add(actor=actor_of(world.lead_manager), case=case, agency=probation,
                    basis="Offender manager for the person causing harm.",
                    works_with="person_causing_harm")

    # Referral recipients: one not yet decided, one accepted.
    undecided = make_referral(world=world, case=case,
                              service=make_service(agency=idva2, name="Second Door IDVA"))
    accepted = make_referral(world=world, case=case,
                             service=make_service(agency=health, name="Health visiting"))
    health_member = make_member(agency=health)
    referral_accept(actor=actor_of(health_member), referral=accepted)

    ref = marac_referral(membership=world.lead_practitioner, case=case, area=area)
    meeting = schedule_meeting(marac=type("M", (), {"area": area, "coordinator": coordinator}))
    marac_services.marac_referral_list_for_meeting(actor=actor_of(coordinator), referral=ref,
                                                   meeting=meeting)
    due = timezone.localdate() + datetime.timedelta(days=14)
    action_add(actor=lead, case=case, description=POLICE_ACTION, owner_agency=police,
               due_date=due)
    action_add(actor=lead, case=case, description=HOUSING_ACTION, owner_agency=housing,
               due_date=due)
    action_add(actor=lead, case=case, description=RECOVERY_ACTION, owner_agency=recovery,
               due_date=due)
    # Past the MARAC access period, and the sweep has not run (beat down): the selectors
    # must already treat these as ended (Social Care) or narrowed (Recovery owns an action).
    past = timezone.now() - datetime.timedelta(hours=1)
    Involvement.objects.filter(case=case, agency__in=[social_care, recovery]).update(
        ends_at=past)

    secondee = make_member(agency=safe_haven)
    secondee_housing = make_member(agency=housing, username=secondee.user.username)
    members = {
        "lead": world.lead_practitioner,
        "partner": world.partner_practitioner,
        "recipient_before_decision": make_member(agency=idva2),
        "recipient_after_acceptance": health_member,
        "marac": make_member(agency=housing),
        "marac_expired": make_member(agency=social_care),
        "marac_expired_owns_action": make_member(agency=recovery),
        "person_causing_harm_partner": make_member(agency=probation),
        "person_causing_harm_marac": make_member(agency=change),
        "secondee_for_partner": secondee,
        "secondee_for_marac": secondee_housing,
        "auditor": make_member(agency=police, role=Role.AUDITOR),
        "outsider": world.outsider_practitioner,
    }
    assert undecided.status == "submitted"
    return Scene(case=case, meeting=meeting, members=members)
