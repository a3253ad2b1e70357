"""Demo history for the reports: nine months of decided referrals across every sector, the
people they were about (of different backgrounds), and past MARAC meetings with their
referrals, children, actions and repeats, so that every chart has a visible shape.

Self-contained and bulk-written (a few dozen statements), so loading the demo stays quick.
The history is closed: its cases are closed and their lead involvements ended (nobody gains
access to a case from it); its referrals carry the grants a submitted referral carries, so the
referral lists and the reports count the same rows. ``admin.safehaven`` sees, over the
partnership, Safe Haven's referrals to statutory services accepted less often than the
police's (the issue's done-when)."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from apps.action_plans.models import Action, ActionPlan, ActionStatus, PlanSource
from apps.agencies.models import Agency, AgencyKind, Membership, Service
from apps.cases.models import (
    Case,
    CaseNote,
    CasePerson,
    CasePersonRole,
    CaseStatus,
    Involvement,
    InvolvementRole,
    NoteKind,
    RiskLevel,
)
from apps.cases.sections import default_sections
from apps.consent.models import BasisKind, DataSharingAgreement, LawfulBasis, SharingBasis
from apps.insight.summary import summary_refresh
from apps.marac import dash
from apps.marac.models import (
    AgendaItem,
    MaracArea,
    MaracReferral,
    MaracReferralStatus,
    Meeting,
    MeetingStatus,
    RiskChecklist,
    RouteDecision,
)
from apps.people.models import Person
from apps.referrals.models import (
    DeclineCategory,
    Referral,
    ReferralGroupObjectPermission,
    ReferralStatus,
)

if TYPE_CHECKING:
    from apps.core.demo.loader import DemoContext

PARTNERSHIP_DSA = "Northbridge safeguarding partnership agreement"
ADULT_WOMEN = 26_500  # the fictional borough's women aged 16 and over
MONTHS = 9
HISTORY_PEOPLE = 160

# Who refers to whom, how often (weight), and how often it is accepted.
FLOWS = [
    ("Northbridge Police", "Children's Services", 10, 0.85),
    ("Northbridge Police", "Adult Social Care", 6, 0.80),
    ("Northbridge Police", "Housing Options", 6, 0.78),
    ("Northbridge Police", "Safe Haven", 12, 0.90),
    ("Northbridge Police", "Bridgeway Recovery CIC", 4, 0.85),
    ("Safe Haven", "Children's Services", 8, 0.50),
    ("Safe Haven", "Housing Options", 8, 0.42),
    ("Safe Haven", "Adult Social Care", 5, 0.45),
    ("Safe Haven", "Northbridge NHS Foundation Trust", 4, 0.55),
    ("Safe Haven", "Bridgeway Recovery CIC", 3, 0.85),
    ("Children's Services", "Safe Haven", 6, 0.90),
    ("Children's Services", "Northbridge Community Health CIC", 4, 0.85),
    ("Northbridge NHS Foundation Trust", "Safe Haven", 5, 0.85),
    ("Northbridge NHS Foundation Trust", "Adult Social Care", 4, 0.75),
    ("Bridgeway Recovery CIC", "Housing Options", 5, 0.50),
    ("Bridgeway Recovery CIC", "Adult Social Care", 3, 0.55),
    ("Probation", "Change Pathways", 5, 0.80),
    ("Probation", "Through the Gate Mentoring", 4, 0.85),
    ("Through the Gate Mentoring", "Housing Options", 4, 0.45),
    ("Hearth Homes", "Safe Haven", 3, 0.80),
    ("Hearth Homes", "Housing Options", 3, 0.60),
    ("Housing Options", "Hearth Homes", 3, 0.70),
]
REFERRALS_A_MONTH = 34

ETHNIC = [("white", 62), ("asian", 14), ("black", 12), ("mixed", 3), ("other", 4),
          ("not_known", 3), ("prefer_not", 2)]
GENDER = [("female", 80), ("male", 17), ("non_binary", 2), ("prefer_not", 1)]
DISABLED = [("no", 66), ("yes", 22), ("not_known", 8), ("prefer_not", 4)]
ORIENTATION = [("heterosexual", 78), ("gay_lesbian", 6), ("bisexual", 6), ("not_known", 6),
               ("prefer_not", 4)]
GIVEN = ["Amelia", "Zara", "Priya", "Grace", "Fatima", "Chloe", "Aisha", "Megan", "Sophie",
         "Nadia", "Holly", "Ruth", "Kemi", "Lucy", "Jade", "Tom", "Imran", "Dean", "Marek",
         "Ellie"]
FAMILY = ["Hart", "Begum", "Okoro", "Walsh", "Nowak", "Singh", "Price", "Mensah", "Evans",
          "Hussain", "Clarke", "Byrne", "Adeyemi", "Turner", "Rahman", "Doyle", "Kaur",
          "Fletcher", "Osei", "Barker"]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _references(count: int) -> list[str]:
    from django.conf import settings

    prefix = settings.WRAPAROUND["CASE_REFERENCE_PREFIX"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_case_reference_seq') FROM generate_series(1, %s)",
                       [count])
        return [f"{prefix}-{n:06d}" for (n,) in cursor.fetchall()]


def load_demo(context: DemoContext) -> None:
    rng = random.Random(14)  # noqa: S311 (demo data: the same every time)
    now = timezone.now()
    agencies = {a.name: a for a in Agency.objects.all()}
    DataSharingAgreement.objects.filter(title=PARTNERSHIP_DSA).update(reporting_allowed=True)
    staff = _staff_by_agency()
    cases = _history_cases(rng=rng, agencies=agencies, staff=staff, now=now)
    _history_referrals(rng=rng, agencies=agencies, staff=staff, cases=cases, now=now)
    area = MaracArea.objects.filter(name="Northbridge").first()
    if area is not None:
        MaracArea.objects.filter(pk=area.pk).update(adult_female_population=ADULT_WOMEN)
        _history_marac(rng=rng, area=area, agencies=agencies, staff=staff, cases=cases,
                       now=now)
    # The report pages read the nightly summary: compute it once the whole demo is in.
    transaction.on_commit(summary_refresh)


def _staff_by_agency() -> dict[str, object]:
    """One member of each agency to stand as the author of its history."""
    staff: dict[str, object] = {}
    for membership in (Membership.objects.active().select_related("agency", "user")
                       .order_by("agency__name", "role", "created_at")):
        staff.setdefault(membership.agency.name, membership.user)
    return staff


def _history_cases(*, rng: random.Random, agencies: dict, staff: dict,
                   now: datetime.datetime) -> list[Case]:
    """Closed cases about people of different backgrounds (the subjects of the history)."""
    leads = sorted({source for source, *_rest in FLOWS})
    people, cases, links, involvements = [], [], [], []
    references = _references(HISTORY_PEOPLE)
    for index in range(HISTORY_PEOPLE):
        lead = agencies[leads[index % len(leads)]]
        age = rng.choice([17, 19, 22, 24, 27, 29, 31, 33, 36, 38, 41, 44, 47, 52, 58, 63, 69])
        person = Person(
            given_name=GIVEN[index % len(GIVEN)], family_name=FAMILY[(index * 7) % len(FAMILY)],
            date_of_birth=(now - datetime.timedelta(days=365 * age + rng.randint(0, 300))).date(),
            gender=_pick(rng, GENDER), ethnic_group=_pick(rng, ETHNIC),
            disabled=_pick(rng, DISABLED), sexual_orientation=_pick(rng, ORIENTATION),
            town="Northbridge", created_by_agency=lead)
        people.append(person)
        opened = now - datetime.timedelta(days=MONTHS * 30 + 20 - index)
        case = Case(reference=references[index], subject=person, lead_agency=lead,
                    status=CaseStatus.CLOSED, risk_level=rng.choice(list(RiskLevel.values)),
                    summary="Closed: support completed.", last_activity_at=opened,
                    created_by=staff[lead.name])
        cases.append(case)
    Person.objects.bulk_create(people)
    Case.objects.bulk_create(cases)
    for case in cases:
        links.append(CasePerson(case=case, person=case.subject, role=CasePersonRole.SUBJECT))
        involvements.append(Involvement(
            case=case, agency=case.lead_agency, role=InvolvementRole.LEAD,
            basis="Lead agency (closed).", started_at=case.last_activity_at,
            started_by=staff[case.lead_agency.name], ended_at=now - datetime.timedelta(days=1),
            ended_by=staff[case.lead_agency.name], end_reason="Case closed.",
            sections=default_sections(role=InvolvementRole.LEAD, works_with="victim")))
    CasePerson.objects.bulk_create(links)
    Involvement.objects.bulk_create(involvements)
    return cases


def _history_referrals(*, rng: random.Random, agencies: dict, staff: dict, cases: list[Case],
                       now: datetime.datetime) -> None:
    services = {}
    for service in Service.objects.order_by("name"):
        services.setdefault(service.agency_id, service)
    by_lead: dict = {}
    for case in cases:
        by_lead.setdefault(case.lead_agency_id, []).append(case)
    weights = [w for *_x, w, _p in FLOWS]
    referrals, notes = [], []
    for month in range(MONTHS):
        for _ in range(REFERRALS_A_MONTH + rng.randint(-6, 6)):
            source, target, _w, accept_rate = rng.choices(FLOWS, weights=weights)[0]
            sender, receiver = agencies[source], agencies[target]
            case = rng.choice(by_lead[sender.pk])
            submitted = now - datetime.timedelta(days=30 * (MONTHS - month) - rng.randint(0, 29),
                                                 hours=rng.randint(0, 9))
            slow = sender.kind != AgencyKind.STATUTORY and receiver.kind == AgencyKind.STATUTORY
            decided = submitted + datetime.timedelta(hours=rng.randint(20, 70) if slow
                                                     else rng.randint(2, 30))
            roll = rng.random()
            fields = {}
            if roll < 0.05:
                status, fields = ReferralStatus.WITHDRAWN, {
                    "withdrawn_at": decided, "withdraw_reason": "Person moved away."}
                decided = None
            elif rng.random() < accept_rate:
                status = (ReferralStatus.COMPLETED if rng.random() < 0.5
                          else ReferralStatus.ACCEPTED)
                if status == ReferralStatus.COMPLETED:
                    fields = {"completed_at": decided + datetime.timedelta(days=20),
                              "outcome": "Support completed."}
            else:
                status = ReferralStatus.DECLINED
                fields = {"decline_category": rng.choice(
                    [DeclineCategory.NOT_ELIGIBLE, DeclineCategory.NOT_ELIGIBLE,
                     DeclineCategory.NO_CAPACITY, DeclineCategory.WRONG_SERVICE,
                     DeclineCategory.PERSON_DECLINED, DeclineCategory.DUPLICATE]),
                    "decline_reason": "See the decision record."}
            referral = Referral(
                case=case, from_agency=sender, from_user=staff[source], to_agency=receiver,
                to_service=services.get(receiver.pk), reason="Support needed.",
                shared_information="Summary of needs.", status=status, submitted_at=submitted,
                first_submitted_at=submitted, due_at=submitted + datetime.timedelta(days=2),
                escalate_at=submitted + datetime.timedelta(days=4),
                seen_at=submitted + datetime.timedelta(hours=1), decided_at=decided,
                decided_by=staff.get(target) if decided else None, **fields)
            referrals.append(referral)
            if decided and status != ReferralStatus.DECLINED:
                notes.append(CaseNote(case=case, author=staff.get(target, staff[source]),
                                      agency=receiver,
                                      kind=NoteKind.CONTACT, text="First contact made.",
                                      visibility="agency"))
                notes[-1].at = decided + datetime.timedelta(hours=rng.randint(4, 96))
    Referral.objects.bulk_create(referrals)
    for referral in referrals:  # bulk_create sets created_at to now: put them back in time
        referral.created_at = referral.updated_at = referral.first_submitted_at
    Referral.objects.bulk_update(referrals, ["created_at", "updated_at"], batch_size=500)
    CaseNote.objects.bulk_create(notes)
    for note in notes:
        note.created_at = note.updated_at = note.at
    CaseNote.objects.bulk_update(notes, ["created_at", "updated_at"], batch_size=500)
    perms = dict(Permission.objects.filter(content_type__app_label="referrals",
                                           codename__in=["view_referral", "decide_referral"])
                 .values_list("codename", "id"))
    ReferralGroupObjectPermission.objects.bulk_create(
        [ReferralGroupObjectPermission(content_object=r, group_id=group, permission_id=perms[c])
         for r in referrals
         for group, c in ((r.from_agency.group_id, "view_referral"),
                          (r.to_agency.group_id, "view_referral"),
                          (r.to_agency.group_id, "decide_referral"))], batch_size=1000)


def _history_marac(*, rng: random.Random, area: MaracArea, agencies: dict, staff: dict,
                   cases: list[Case], now: datetime.datetime) -> None:
    """Held meetings every four weeks, each hearing 5 to 9 of the history's cases."""
    coordinator = area.coordinator or get_user_model().objects.get(username="coordinator")
    referrers = ["Northbridge Police", "Northbridge Police", "Safe Haven", "Safe Haven",
                 "Children's Services", "Northbridge NHS Foundation Trust", "Probation",
                 "Housing Options", "Bridgeway Recovery CIC"]
    basis = SharingBasis.objects.create(
        kind=BasisKind.LAWFUL_BASIS, lawful_basis=LawfulBasis.VITAL_INTERESTS,
        justification="High risk of serious harm: MARAC information sharing agreement.",
        decided_by=coordinator, decided_by_agency=area.coordinating_agency, decided_at=now)
    meetings = [Meeting(area=area, starts_at=now - datetime.timedelta(days=14 + 28 * k),
                        location="Northbridge Civic Centre", chair="DI Sarah Webb",
                        coordinator=coordinator, status=MeetingStatus.HELD,
                        research_due_at=now - datetime.timedelta(days=16 + 28 * k),
                        held_at=now - datetime.timedelta(days=14 + 28 * k),
                        confidentiality_read=True)
                for k in range(MONTHS)]
    Meeting.objects.bulk_create(meetings)
    heard: set = set()
    checklists, marac_referrals, items, plans, actions = [], [], [], [], []
    children, harmers = [], []
    pool = [c for c in cases if c.subject.gender != "male" or rng.random() < 0.6]
    for meeting in meetings:
        for position, case in enumerate(rng.sample(pool, rng.randint(5, 9))):
            repeat = case.pk in heard
            heard.add(case.pk)
            agency = agencies[rng.choice(referrers)]
            yes = rng.randint(12, 20)
            checklist = RiskChecklist(
                case=case, area=area, agency=agency, assessor=staff[agency.name],
                answers={key: "yes" if i < yes else "no"
                         for i, (key, _text) in enumerate(dash.QUESTIONS)},
                score=yes, visible_high_risk=yes >= area.high_risk_threshold,
                professional_judgement=yes < area.high_risk_threshold,
                judgement_rationale="" if yes >= area.high_risk_threshold else
                "Escalating threats.", decision=RouteDecision.REFER, decided_by=staff[
                    agency.name], decided_at=meeting.starts_at - datetime.timedelta(days=10))
            checklists.append(checklist)
            marac_referrals.append(MaracReferral(
                checklist=checklist, case=case, area=area, referring_agency=agency,
                referrer=staff[agency.name],
                route=(dash.Route.VISIBLE_HIGH_RISK if checklist.visible_high_risk
                       else dash.Route.PROFESSIONAL_JUDGEMENT),
                victim_aware=True, sharing_basis=basis, status=MaracReferralStatus.LISTED,
                submitted_at=meeting.starts_at - datetime.timedelta(days=9), is_repeat=repeat,
                decided_by=coordinator, decided_at=meeting.starts_at - datetime.timedelta(days=8)))
            items.append(AgendaItem(meeting=meeting, case=case, referral=marac_referrals[-1],
                                    position=position, is_repeat=repeat,
                                    risk_confirmed=RiskLevel.HIGH, minutes="Actions agreed.",
                                    minuted_by=coordinator))
    # A few returned (not listed) referrals, so "listed" is a rate and not always 100%.
    for case in rng.sample(pool, 12):
        agency = agencies[rng.choice(referrers)]
        checklist = RiskChecklist(case=case, area=area, agency=agency,
                                  assessor=staff[agency.name], score=9,
                                  professional_judgement=True, judgement_rationale="Concern.",
                                  decision=RouteDecision.REFER, decided_by=staff[agency.name],
                                  decided_at=now - datetime.timedelta(days=rng.randint(20, 250)))
        checklists.append(checklist)
        marac_referrals.append(MaracReferral(
            checklist=checklist, case=case, area=area, referring_agency=agency,
            referrer=staff[agency.name], route=dash.Route.PROFESSIONAL_JUDGEMENT,
            victim_aware=True, sharing_basis=basis, status=MaracReferralStatus.RETURNED,
            submitted_at=checklist.decided_at, returned_reason="Below the threshold.",
            decided_by=coordinator, decided_at=checklist.decided_at))
    RiskChecklist.objects.bulk_create(checklists)
    MaracReferral.objects.bulk_create(marac_referrals)
    AgendaItem.objects.bulk_create(items)
    for index, case in enumerate({item.case_id: item.case for item in items}.values()):
        if index % 2 == 0:
            children.append((case, Person(given_name="Child", family_name=case.subject
                                          .family_name, date_of_birth=(now - datetime.timedelta(
                                              days=365 * (3 + index % 12))).date(),
                                          created_by_agency=case.lead_agency)))
        if index % 6 == 0:
            harmers.append((case, Person(given_name="Young", family_name="Person",
                                         gender="male", date_of_birth=(now - datetime.timedelta(
                                             days=365 * 17)).date(),
                                         created_by_agency=case.lead_agency)))
        plans.append(ActionPlan(case=case, source=PlanSource.MARAC, created_by=coordinator))
    Person.objects.bulk_create([p for _c, p in children + harmers])
    CasePerson.objects.bulk_create(
        [CasePerson(case=c, person=p, role=CasePersonRole.CHILD) for c, p in children]
        + [CasePerson(case=c, person=p, role=CasePersonRole.ALLEGED_PERPETRATOR)
           for c, p in harmers])
    ActionPlan.objects.bulk_create(plans)
    owners = [agencies[name] for name in referrers]
    for plan in plans:
        for _ in range(2):
            done = rng.random() < 0.7
            actions.append(Action(
                plan=plan, description="Safety planning visit.", owner_agency=rng.choice(owners),
                due_date=(now - datetime.timedelta(days=rng.randint(5, 250))).date(),
                status=ActionStatus.DONE if done else ActionStatus.OPEN,
                completion_note="Done." if done else "", created_by=coordinator,
                closed_by=coordinator if done else None, closed_at=now if done else None))
    Action.objects.bulk_create(actions)
