"""The MARAC meeting pack a chair can run the meeting from: per listed case a one-screen summary
(victim, person causing harm, children in the household, DASH score and routes, repeat flag and
previous listings, risk confirmed last time, outstanding actions and their owners), then the
research received by agency, with the agencies that sent nothing on one line.

Each part shows only within the reader's scope on that case (``apps.cases.sections``): people
with the people section, risk with the risk section, every open action with the plan section and
only the reader's own with the own-actions section. The HTML page and the PDF are built from the
same ``PackCase`` rows. A fixed number of queries whatever the agenda's length.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.agencies.actor import Actor
from apps.cases.models import CasePerson, CasePersonRole
from apps.cases.sections import Section
from apps.cases.selectors import cases_mark_sections
from apps.core.dates import format_date
from apps.marac import selectors
from apps.marac.models import AgendaItem, Meeting, Research

PACK_SECTIONS = (Section.IDENTITY, Section.PEOPLE, Section.RISK, Section.PLAN, Section.PLAN_OWN)


@dataclass
class PackPerson:
    name: str
    born: datetime.date | None
    age: int | None


@dataclass
class PackCase:
    item: AgendaItem
    number: int
    identity_shown: bool
    people_shown: bool
    risk_shown: bool
    plan_shown: bool
    own_actions_only: bool
    victim: PackPerson | None = None
    causing_harm: list[PackPerson] = field(default_factory=list)
    children: list[PackPerson] = field(default_factory=list)
    previous: list[AgendaItem] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    received: list[Research] = field(default_factory=list)
    nothing_held: list[str] = field(default_factory=list)
    not_received: list[str] = field(default_factory=list)

    @property
    def case(self):
        return self.item.case

    @property
    def checklist(self):
        referral = self.item.referral
        return referral.checklist if referral is not None else None

    @property
    def summary(self) -> list[tuple[str, str]]:
        return summary_lines(self)

    @property
    def action_texts(self) -> list[str]:
        return action_lines(self)

    @property
    def last_risk(self) -> str:
        """The risk level confirmed when the case was last heard ('' if never)."""
        for item in self.previous:
            if item.risk_confirmed:
                return item.get_risk_confirmed_display()
        return ""


def _age(born: datetime.date | None, on: datetime.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person(person, today: datetime.date) -> PackPerson:
    return PackPerson(name=person.full_name, born=person.date_of_birth,
                      age=_age(person.date_of_birth, today))


def meeting_pack(*, actor: Actor, meeting: Meeting) -> list[PackCase]:
    """The pack's rows for a meeting the actor may see (got by ``selectors.meeting_get``)."""
    items = selectors.agenda(meeting=meeting)
    if not items:
        return []
    today = timezone.localdate()
    cases = [item.case for item in items]
    cases_mark_sections(actor=actor, cases=cases, sections=PACK_SECTIONS)
    case_ids = [case.pk for case in cases]

    people: dict = defaultdict(list)
    people_ids = [case.pk for case in cases if case.shows_people and case.shows_identity]
    if people_ids:
        for link in (CasePerson.objects.filter(
                case_id__in=people_ids, role__in=[CasePersonRole.VICTIM,
                                                  CasePersonRole.ALLEGED_PERPETRATOR,
                                                  CasePersonRole.CHILD])
                     .select_related("person").order_by("person__date_of_birth", "created_at")):
            people[link.case_id].append(link)

    previous: dict = defaultdict(list)
    for row in (AgendaItem.objects.filter(case_id__in=case_ids,
                                          meeting__starts_at__lt=meeting.starts_at)
                .select_related("meeting", "meeting__area").order_by("-meeting__starts_at")):
        previous[row.case_id].append(row)

    actions: dict = defaultdict(list)
    plan_ids = [case.pk for case in cases if case.shows_plan or case.shows_plan_own]
    if plan_ids:
        for action in (Action.objects.filter(plan__case_id__in=plan_ids,
                                             status=ActionStatus.OPEN)
                       .select_related("plan", "owner_agency", "owner_user")
                       .order_by("due_date", "created_at")):
            actions[action.plan.case_id].append(action)

    rows = []
    for number, item in enumerate(items, start=1):
        case = item.case
        own_only = not case.shows_plan and case.shows_plan_own
        row = PackCase(item=item, number=number, identity_shown=case.shows_identity,
                       people_shown=case.shows_people and case.shows_identity,
                       risk_shown=case.shows_risk, plan_shown=case.shows_plan or own_only,
                       own_actions_only=own_only)
        if row.identity_shown:
            victims = [link.person for link in people[case.pk]
                       if link.role == CasePersonRole.VICTIM]
            row.victim = _person(victims[0] if victims else case.subject, today)
            row.previous = previous[case.pk]
        row.causing_harm = [_person(link.person, today) for link in people[case.pk]
                            if link.role == CasePersonRole.ALLEGED_PERPETRATOR]
        row.children = [_person(link.person, today) for link in people[case.pk]
                        if link.role == CasePersonRole.CHILD]
        row.actions = [a for a in actions[case.pk]
                       if not own_only or a.owner_agency_id == actor.agency_id]
        for research in item.research.all():
            if research.submitted_at is None:
                row.not_received.append(research.agency.name)
            elif research.text:
                row.received.append(research)
            else:
                row.nothing_held.append(research.agency.name)
        rows.append(row)
    return rows


def _who(person: PackPerson) -> str:
    if person.born is None:
        return person.name
    return f"{person.name}, born {format_date(person.born)} (age {person.age})"


def summary_lines(row: PackCase) -> list[tuple[str, str]]:
    """(label, value) pairs of a case's summary, in the order the chair reads them."""
    not_shared = "Not shared with your agency"
    lines = []
    lines.append(("Victim", _who(row.victim) if row.victim else
                  "Not shared with your agency: ask the lead agency"))
    if row.people_shown:
        lines.append(("Person causing harm",
                      "; ".join(_who(p) for p in row.causing_harm) or "None recorded"))
        lines.append(("Children in the household",
                      "; ".join(_who(p) for p in row.children) or "None recorded"))
    else:
        lines.append(("People and children", not_shared))
    lines.append(("Lead agency", row.case.lead_agency.name))
    referral = row.item.referral
    if referral is not None:
        route = referral.get_route_display()
        lines.append(("Referred by", f"{referral.referring_agency.name} ({route.lower()})"))
    if row.risk_shown and row.checklist is not None:
        checklist = row.checklist
        routes = [label for flag, label in ((checklist.visible_high_risk, "visible high risk"),
                                            (checklist.professional_judgement,
                                             "professional judgement"),
                                            (checklist.escalation, "potential escalation"))
                  if flag]
        routes_text = ", ".join(routes) or "none"
        lines.append(("DASH score", f"{checklist.score} of 24; routes: {routes_text}"))
    elif not row.risk_shown:
        lines.append(("Risk", not_shared))
    repeat = "Yes" if row.item.is_repeat else "No"
    if row.identity_shown and row.previous:
        heard = "; ".join(format_date(p.meeting.starts_at) for p in row.previous)
        repeat = f"{repeat}. Listed before: {heard}"
    lines.append(("Repeat", repeat))
    if row.risk_shown and row.previous:
        lines.append(("Risk confirmed last time", row.last_risk or "Not recorded"))
    return lines


def action_lines(row: PackCase) -> list[str]:
    """Each outstanding action with the agency (and worker) that owns it and when it is due."""
    today = timezone.localdate()
    lines = []
    for action in row.actions:
        owner = action.owner_agency.name
        if action.owner_user is not None:
            owner += f", {action.owner_user.get_full_name() or action.owner_user.username}"
        overdue = " (overdue)" if action.due_date < today else ""
        lines.append(f"{action.description} – {owner}, due {format_date(action.due_date)}"
                     f"{overdue}")
    return lines
