"""Demo services and referrals for Northbridge: every referral state, some overdue, across
statutory, voluntary and social-enterprise agencies. Built through the services, so grants,
history, audit and notifications are real."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.agencies.models import Service
from apps.agencies.service_services import service_create
from apps.referrals import services
from apps.referrals.models import Referral
from apps.referrals.reminders import referral_reminders

if TYPE_CHECKING:
    from apps.core.demo.loader import DemoContext

# agency, name, needs, response hours, accepting, description, eligibility, capacity note
SERVICES = [
    ("Northbridge Police", "Domestic abuse safeguarding unit", ["domestic_abuse"], 8, True,
     "Specialist officers who review high-risk domestic abuse and stalking cases.",
     "Victims of domestic abuse living in Northbridge.", ""),
    ("Children's Services", "Children's front door", ["children_and_families"], 8, True,
     "Single point of contact for concerns about a child, including early help.",
     "Children and young people under 18 and their families.", ""),
    ("Adult Social Care", "Adult safeguarding", ["adult_social_care"], 16, True,
     "Safeguarding enquiries and care assessments for adults with care and support needs.",
     "Adults at risk of abuse or neglect.", ""),
    ("Housing Options", "Homelessness prevention", ["housing", "money"], 16, True,
     "Advice and help for people who are homeless or at risk of losing their home.",
     "Anyone living in, or with a local connection to, Northbridge.", ""),
    ("Housing Options", "Sanctuary scheme", ["housing", "domestic_abuse"], 24, True,
     "Extra security so that survivors of domestic abuse can stay safely in their home.",
     "Survivors of domestic abuse where the perpetrator does not live at the address.", ""),
    ("Northbridge NHS Foundation Trust", "Perinatal mental health team", ["mental_health"], 24,
     True, "Mental health care in pregnancy and the first year after birth.",
     "Pregnant women and new mothers with moderate to severe mental illness.", ""),
    ("Northbridge NHS Foundation Trust", "Alcohol liaison nurses",
     ["substance_misuse", "physical_health"], 16, True,
     "Hospital-based nurses for patients who drink at harmful levels.",
     "Patients admitted to Northbridge General.", ""),
    ("Safe Haven", "IDVA service", ["domestic_abuse"], 8, True,
     "Independent domestic violence advisers for people at high risk.",
     "Adults at high risk of domestic abuse (DASH 14+ or professional judgement).", ""),
    ("Safe Haven", "Refuge", ["domestic_abuse", "housing"], 8, False,
     "Safe emergency accommodation for women and children.",
     "Women, with or without children, fleeing domestic abuse.",
     "Full at the moment: call to check for spaces."),
    ("Change Pathways", "Perpetrator programme", ["domestic_abuse", "offending"], 40, True,
     "A 26-week group programme for people who want to stop being abusive.",
     "Adults who have used abuse in an intimate relationship and agree to take part.",
     "Next group starts in 4 weeks."),
    ("Bridgeway Recovery CIC", "Drug and alcohol treatment", ["substance_misuse"], 16, True,
     "Community treatment, prescribing and recovery support.",
     "Adults and young people using drugs or alcohol.", ""),
    ("Northbridge Community Health CIC", "Community health visiting",
     ["physical_health", "children_and_families"], 24, True,
     "Health visitors and school nurses for families with young children.",
     "Families with children under 5 and school-age children in Northbridge.", ""),
    ("Through the Gate Mentoring", "Mentoring for young people and ex-offenders",
     ["mentoring", "offending"], 24, True,
     "One-to-one mentoring, education and work support.",
     "Young people aged 14-25, and adults leaving prison.", ""),
    ("Hearth Homes", "Supported tenancies", ["housing"], 40, True,
     "Self-contained flats with a support worker.",
     "Single adults with a housing need and low to medium support needs.",
     "Two flats available."),
]

CONSENT = {"kind": "consent", "consent_given_by": "person", "person_told": True}
LAWFUL = {"kind": "lawful_basis", "lawful_basis": "safeguarding_child",
          "justification": "A child at risk of significant harm; asking could increase the risk.",
          "person_told": False,
          "not_told_reason": "Telling the parent could put the child at greater risk."}


# Contact routes for the people each service works with (Ofcom drama numbers, .example).
WEEKDAYS = "Monday to Friday, 9am to 5pm"
CONTACTS = {
    "Domestic abuse safeguarding unit": ("101", "", "Any time. In an emergency call 999."),
    "Children's front door": ("01632 960 100", "childrens.frontdoor@northbridge.example",
                              WEEKDAYS),
    "Adult safeguarding": ("01632 960 110", "", WEEKDAYS),
    "Homelessness prevention": ("01632 960 120", "housing@northbridge.example", WEEKDAYS),
    "Sanctuary scheme": ("01632 960 121", "", WEEKDAYS),
    "Perinatal mental health team": ("01632 960 130", "", WEEKDAYS),
    "Alcohol liaison nurses": ("01632 960 131", "", WEEKDAYS),
    "IDVA service": ("01632 960 140", "support@safehaven.example",
                     "Monday to Saturday, 8am to 8pm"),
    "Refuge": ("0808 157 0000", "", "Any time"),
    "Perpetrator programme": ("01632 960 150", "", WEEKDAYS),
    "Drug and alcohol treatment": ("01632 960 160", "", WEEKDAYS),
    "Community health visiting": ("01632 960 170", "", WEEKDAYS),
    "Mentoring for young people and ex-offenders": ("01632 960 180", "", WEEKDAYS),
    "Supported tenancies": ("01632 960 190", "", WEEKDAYS),
}


def _consent(days_ago: int) -> dict:
    given_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    return {**CONSENT, "consent_given_on": given_on}


def load_demo(context: DemoContext) -> None:
    catalogue = {}
    for agency, name, needs, hours, accepting, description, eligibility, note in SERVICES:
        catalogue[name] = Service.objects.create(
            agency=context.agencies[agency], name=name, needs=needs, area="Northbridge",
            response_target_hours=hours, accepting_referrals=accepting, description=description,
            eligibility=eligibility, capacity_note=note,
            referral_criteria="Referrals through Wraparound with a recorded basis for sharing.")
    for name, (phone, email, hours) in CONTACTS.items():  # printed on a person's plan
        Service.objects.filter(pk=catalogue[name].pk).update(
            contact_phone=phone, contact_email=email, contact_hours=hours)
    # an agency admin maintains one entry through the service, as in the app
    service_create(actor=context.actor("admin.safehaven"), data={
        "name": "Outreach drop-in", "description": "Weekly drop-in at the community hub.",
        "needs": ["domestic_abuse"], "area": "Eastgate", "response_target_hours": 24})

    actor, cases = context.actor, context.cases

    def refer(case: str, who: str, service: str, reason: str, shared: str, *,
              urgency: str = "routine", basis: dict | None = None,
              submit: bool = True) -> Referral:
        return services.referral_create(
            actor=actor(who), case=cases[case], to_service=catalogue[service], reason=reason,
            urgency=urgency, shared_information=shared, basis=basis, submit=submit)

    # draft (housing, statutory -> private)
    refer("ben", "housing.lee", "Supported tenancies",
          "Needs move-on accommodation if the eviction goes ahead.",
          "Eviction notice served; history of rent arrears.", submit=False)
    # submitted, new and urgent (police -> housing)
    refer("amina", "pc.jones", "Sanctuary scheme",
          "Amina wants to stay at home; locks and a sanctuary room are needed.",
          "Strangulation disclosed; perpetrator on bail not to contact.", urgency="urgent",
          basis=_consent(3))
    # submitted and overdue (police -> social enterprise), past twice the target
    overdue = refer("leah", "pc.jones", "Community health visiting",
                    "Health visiting for Ruby; concerns about missed appointments.",
                    "Ruby (10) lives with her mother; repeat incidents at the home.",
                    basis=LAWFUL)
    # submitted, opened and overdue (voluntary -> statutory), restricted case
    sian = refer("sian", "idva.clarke", "Sanctuary scheme",
                 "Sian needs her home made safe; she fears her partner returning.",
                 "Coercive control; contact only after 18:00.", urgency="urgent",
                 basis=_consent(10))
    services.referral_open(actor=actor("housing.lee"), referral=sian)
    # accepted (social enterprise -> voluntary)
    accepted = refer("tariq", "recovery.obi", "Mentoring for young people and ex-offenders",
                     "Peer mentoring to support his recovery and return to work.",
                     "In treatment for alcohol dependency; wants to return to work.",
                     basis=_consent(20))
    services.referral_accept(actor=actor("mentor.ali"), referral=accepted)
    # declined with signposting (statutory -> statutory, signposted to a private provider)
    declined = refer("connor", "probation.reid", "Homelessness prevention",
                     "Sleeping rough since release; needs accommodation.",
                     "Released on licence last month; engages well with probation.",
                     basis=_consent(4))
    services.referral_decline(actor=actor("mgr.housing"), referral=declined,
                              category="wrong_service",
                              reason="No local connection yet; a supported tenancy fits better.",
                              signpost_service=catalogue["Supported tenancies"])
    # information requested (statutory -> social enterprise)
    info = refer("olu", "sw.ahmed", "Drug and alcohol treatment",
                 "Olu has disclosed cannabis use linked to older boys.",
                 "Missing from home three times; concerns about exploitation.",
                 basis={**_consent(6), "consent_given_by": "parent"})
    services.referral_request_info(actor=actor("recovery.obi"), referral=info,
                                   question="Is Olu willing to meet us, and where is safe?")
    # withdrawn (secondee acting for Adult Social Care -> social enterprise)
    withdrawn = refer("grace", "secondee.morgan@Adult Social Care", "Community health visiting",
                      "Help with a fire safety check and home hazards.",
                      "Self-neglect and hoarding.", basis=_consent(30))
    services.referral_withdraw(actor=actor("secondee.morgan@Adult Social Care"),
                               referral=withdrawn,
                               reason="Wrong service: the fire service will visit instead.")
    # completed (health -> statutory)
    completed = refer("nadia", "nurse.patel", "Children's front door",
                      "Isolated new mother; would benefit from early help.",
                      "Perinatal mental health; moved to the area recently.",
                      basis=_consent(14))
    services.referral_accept(actor=actor("sw.ahmed"), referral=completed)
    services.referral_complete(actor=actor("sw.ahmed"), referral=completed,
                               outcome="Early help assessment done; family support worker "
                                       "allocated and a children's centre place arranged.")
    # submitted and opened, within its target (social enterprise -> statutory)
    refer("pete", "recovery.obi", "Children's front door",
          "Pete asked for parenting support while he stabilises.",
          "Opiate script stable; Ellie (14) attends school.", basis=_consent(2))

    now = timezone.now()
    Referral.objects.filter(pk=overdue.pk).update(
        submitted_at=now - datetime.timedelta(days=9),
        first_submitted_at=now - datetime.timedelta(days=9),
        due_at=now - datetime.timedelta(days=6), escalate_at=now - datetime.timedelta(days=3))
    Referral.objects.filter(pk=sian.pk).update(
        submitted_at=now - datetime.timedelta(days=3),
        first_submitted_at=now - datetime.timedelta(days=3),
        due_at=now - datetime.timedelta(hours=2),
        escalate_at=now + datetime.timedelta(days=2))
    referral_reminders(now=now)
