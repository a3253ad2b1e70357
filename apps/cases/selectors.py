"""Reads of case data, always scoped to what the actor's agency may see."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.cases.models import (
    Case,
    CaseNote,
    CasePerson,
    CasePersonRole,
    Involvement,
    InvolvementRole,
    NoteVisibility,
)
from apps.cases.permissions import CONTRIBUTE, MANAGE, VIEW
from apps.cases.sections import (
    MARAC_ACTIONS_ONLY,
    SECTION_BY_CODENAME,
    SECTION_CODENAMES,
    Section,
    Visible,
)
from apps.cases.sizes import probe_share
from apps.cases.visibility import CaseGrant, case_facts
from apps.core.pagination import Page, keyset_page
from apps.people.models import Relationship

_NARROWED_AWAY = frozenset(
    SECTION_CODENAMES[s] for s in SECTION_CODENAMES if s not in MARAC_ACTIONS_ONLY)


def _granted(*, actor: Actor, codename: str) -> CaseGrant:
    """Cases on which the acting agency's group, or the user acting for an involved agency,
    holds ``codename``. Only the acting agency counts, never the user's other agencies.
    An involvement past its ``ends_at`` counts as ended (unless its agency still owns open
    actions on the case), as emergency access does once expired. The rule, in SQL, is in
    ``apps.cases.visibility``."""
    agency = actor.membership.agency
    return CaseGrant(codename=codename, group_id=agency.group_id, user_id=actor.user.pk,
                     agency_id=actor.agency_id, probe=agency.case_share >= probe_share(),
                     **_rule_for(codename))


def _rule_for(codename: str) -> dict[str, bool]:
    """How the rule treats ``codename``: whether a timed involvement kept for its open
    actions loses it (``narrowed``), and whether break-glass access gives it (view and the
    sections, never contributing or managing)."""
    return {"narrowed": codename in _NARROWED_AWAY,
            "emergency": codename not in (CONTRIBUTE, MANAGE)}


def case_list(*, actor: Actor | None) -> QuerySet[Case]:
    """Every case the actor may see: the one selector for UI and API."""
    if actor is None or not actor.membership.is_active:
        return Case.objects.none()
    return Case.objects.filter(_granted(actor=actor, codename=VIEW))


def case_is_visible(*, actor: Actor | None, case_id: UUID | str) -> bool:
    return case_list(actor=actor).filter(pk=case_id).exists()


def visible_case_ids(*, actor: Actor | None, case_ids: list, section: str | None = None) -> set:
    """Which of ``case_ids`` the actor may see (one query); with ``section``, only those on
    which that section is shared with the actor."""
    cases = (case_list(actor=actor) if section is None or actor is None
             else case_list_granted(actor=actor, codename=SECTION_CODENAMES[section]))
    return set(cases.filter(pk__in=case_ids).values_list("pk", flat=True))
def case_list_granted(*, actor: Actor | None, codename: str) -> QuerySet[Case]:
    """Visible cases on which the actor also holds ``codename`` (a section)."""
    return case_list(actor=actor).filter(_granted(actor=actor, codename=codename))


def case_get(*, actor: Actor | None, case_id: UUID | str) -> Case:
    """The case, or 404 when it does not exist or the actor may not see it."""
    try:
        return case_list(actor=actor).select_related("subject", "lead_agency").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such case") from exc


def case_for_emergency_access(*, reference: str) -> Case | None:
    """The case with this reference, whoever may see it: only for breaking glass
    (``emergency_access_start``), which records every attempt. Never show what it returns
    to a caller who has not been granted access."""
    return Case.objects.filter(reference=reference).first()


def case_access(*, actor: Actor, case: Case) -> tuple[frozenset[str], Visible]:
    """The levels (view, contribute, manage) and the sections the actor holds on ``case``,
    in one query, by the same rule as every list (``_granted``). A timed involvement past
    its end that is kept for its open actions sees only identity and its own actions, even
    before the sweep has narrowed it. What a member may do with the levels also depends on
    their role (``apps.cases.policy``)."""
    facts = case_facts(case_id=case.pk, group_id=actor.membership.agency.group_id,
                       user_id=actor.user.pk, agency_id=actor.agency_id)
    held = frozenset(codename for codename in (VIEW, CONTRIBUTE, MANAGE,
                                               *SECTION_CODENAMES.values())
                     if facts.holds(codename=codename, **_rule_for(codename)))
    if VIEW not in held:  # nothing of a case the actor may not see
        return frozenset(), Visible(frozenset())
    return held, Visible({SECTION_BY_CODENAME[c] for c in held if c in SECTION_BY_CODENAME})


def case_list_marked(*, actor: Actor | None, cases: QuerySet[Case],
                     sections: tuple[str, ...] = (Section.RISK, Section.CHRONOLOGY),
                     ) -> QuerySet[Case]:
    """``cases`` with ``shows_<section>`` on each row: whether that section is shared with
    the actor, for list views that show a risk level or a summary, so a list never shows
    what the case page would hide. The marks are part of the list's own query: PostgreSQL
    evaluates them after ORDER BY and LIMIT, for the rows of the page only."""
    if actor is None:
        return cases
    return cases.annotate(**{f"shows_{section}": _granted(
        actor=actor, codename=SECTION_CODENAMES[section]) for section in sections})


def cases_mark_sections(*, actor: Actor | None, cases: list[Case],
                        sections: tuple[str, ...]) -> None:
    """Set ``shows_<section>`` on cases already fetched (e.g. a meeting's agenda), by the
    same rule as ``case_list_marked``: one query for them all."""
    names = [f"shows_{section}" for section in sections]
    shown: dict = {}
    if cases and actor is not None:
        rows = case_list_marked(actor=actor, sections=sections,
                                cases=Case.objects.filter(pk__in=[case.pk for case in cases]))
        shown = {row[0]: row[1:] for row in rows.values_list("pk", *names)}
    for case in cases:
        for name, flag in zip(names, shown.get(case.pk, (False,) * len(names)), strict=True):
            setattr(case, name, bool(flag))


@dataclass(frozen=True)
class MyWorkFilters:
    """The case list's filters, shared by My work and ``GET /api/v1/cases/``."""

    status: str = ""
    risk_level: str = ""
    assigned_to_me: bool = False


MY_WORK_ORDERING = ("-last_activity_at", "-pk")


def case_list_filtered(*, actor: Actor | None, filters: MyWorkFilters) -> QuerySet[Case]:
    """The actor's cases narrowed by ``filters``: the one query behind My work and the API."""
    cases = case_list(actor=actor).select_related("subject", "lead_agency")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.risk_level:  # only where the risk section is shared: a filter must not leak it
        cases = cases.filter(_granted(actor=actor, codename=SECTION_CODENAMES[Section.RISK]),
                             risk_level=filters.risk_level)
    if filters.assigned_to_me and actor is not None:
        cases = cases.filter(Exists(Involvement.objects.filter(
            case=OuterRef("pk"), agency_id=actor.agency_id, key_worker_id=actor.user.pk,
            ended_at__isnull=True,
        )))
    return cases


def my_work(*, actor: Actor | None, filters: MyWorkFilters, cursor: str | None = None,
            page_size: int = 25) -> Page:
    """The acting agency's cases, most recently active first, by keyset pagination. Each row
    carries ``shows_risk``: whether the risk section is shared with the actor (in the same
    query, so a list never shows a risk level its case page would hide)."""
    cases = case_list_marked(actor=actor, cases=case_list_filtered(actor=actor, filters=filters),
                             sections=(Section.RISK,))
    return keyset_page(cases, ordering=MY_WORK_ORDERING, cursor=cursor, page_size=page_size)


def note_list(*, actor: Actor, case: Case) -> QuerySet[CaseNote]:
    """The case's chronology as the actor may see it: shared notes and their agency's own."""
    return (
        CaseNote.objects.filter(case=case)
        .filter(Q(visibility=NoteVisibility.SHARED) | Q(agency_id=actor.agency_id))
        .select_related("author", "agency")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class NoteFilters:
    """The chronology's filters, shared by the case page and ``GET …/notes/``."""

    kind: str = ""
    agency_id: UUID | None = None


NOTE_ORDERING = ("-created_at", "-id")


def note_list_filtered(*, actor: Actor, case: Case, filters: NoteFilters) -> QuerySet[CaseNote]:
    notes = note_list(actor=actor, case=case)
    if filters.kind:
        notes = notes.filter(kind=filters.kind)
    if filters.agency_id:
        notes = notes.filter(agency_id=filters.agency_id)
    return notes


def chronology_page(*, actor: Actor, case: Case, filters: NoteFilters, cursor: str | None = None,
                    page_size: int = 50) -> Page:
    """One page of the chronology, newest first, by keyset (one query): the case page's
    "Older entries" link carries the cursor, as the API's ``next`` does."""
    return keyset_page(note_list_filtered(actor=actor, case=case, filters=filters),
                       ordering=NOTE_ORDERING, cursor=cursor, page_size=page_size)


def involvement_list(*, case: Case, include_ended: bool = True) -> QuerySet[Involvement]:
    involvements = Involvement.objects.filter(case=case).select_related(
        "agency", "key_worker", "started_by", "ended_by"
    )
    if not include_ended:
        involvements = involvements.active()
    return involvements.order_by("ended_at", "started_at")


def involvement_get(*, case: Case, involvement_id: UUID | str,
                    exclude_lead: bool = False) -> Involvement:
    """A live involvement of a case the caller has already got by selector; 404 otherwise
    (also for the lead's own involvement with ``exclude_lead``)."""
    involvements = Involvement.objects.active().select_related("agency")
    if exclude_lead:
        involvements = involvements.exclude(role=InvolvementRole.LEAD)
    try:
        return involvements.get(case=case, pk=involvement_id)
    except (Involvement.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such involvement") from exc


def involved_agency_ids(*, case: Case) -> QuerySet:
    """The ids of the agencies involved in the case now (a subquery)."""
    return Involvement.objects.active().filter(case=case).values("agency_id")


def case_person_ids(*, case: Case) -> set:
    return set(CasePerson.objects.filter(case=case).values_list("person_id", flat=True))


def case_subject_link(*, case: Case) -> CasePerson | None:
    """The subject's link to a case the caller has already got by selector."""
    return (CasePerson.objects.filter(case=case, role=CasePersonRole.SUBJECT)
            .select_related("person").first())


def case_people(*, actor: Actor, case: Case, visible: Visible) -> QuerySet[CasePerson]:
    """The people on the case as the actor's scope allows: everyone with their relationships
    to others on the same case (a relationship to someone outside the case would reveal a
    person the actor may not see) with the people section, else the subject only. Each row is
    annotated ``contact_shown`` / ``address_shown`` by the one rule in people.selectors."""
    from apps.people.selectors import contact_visibility_on_case

    links = CasePerson.objects.filter(case=case).select_related("person").order_by("created_at")
    if visible.contact:
        links = links.annotate(**contact_visibility_on_case(actor=actor))
    if not visible.people:
        return links.filter(role="subject")
    on_case = Relationship.objects.filter(
        Exists(CasePerson.objects.filter(case=case, person=OuterRef("other")))
    ).select_related("other")
    return links.prefetch_related(
        Prefetch("person__relationships", queryset=on_case, to_attr="relationship_list"))
