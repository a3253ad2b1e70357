"""Reads of action plans: visible with their case (one selector for UI and API)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from apps.action_plans.models import Action, ActionPlan, ActionStatus
from apps.agencies.actor import Actor
from apps.cases.sections import SECTION_CODENAMES, Section, Visible
from apps.cases.selectors import case_list_granted


def _visible(actor: Actor, *, per_row: bool) -> Q:
    """The rule: every action of a case whose plan section the acting agency has, only its own
    with the own-actions section (a MARAC involvement). ``per_row`` asks it as a probe per
    action (for a handful of known rows) instead of against the set of visible cases."""
    whole_plan = case_list_granted(actor=actor, codename=SECTION_CODENAMES[Section.PLAN])
    own_actions = case_list_granted(actor=actor, codename=SECTION_CODENAMES[Section.PLAN_OWN])
    if per_row:
        case = OuterRef("plan__case_id")
        return (Q(Exists(whole_plan.filter(pk=case)))
                | Q(Exists(own_actions.filter(pk=case)), owner_agency_id=actor.agency_id))
    return (Q(plan__case__in=whole_plan)
            | Q(plan__case__in=own_actions, owner_agency_id=actor.agency_id))


_RELATED = ("plan", "plan__case", "owner_agency", "owner_user", "closed_by", "meeting")


def action_list(*, actor: Actor | None) -> QuerySet[Action]:
    """Every action on a case whose plan the acting agency may see: all of them with the plan
    section, only its own with the own-actions section (a MARAC involvement)."""
    if actor is None:
        return Action.objects.none()
    return Action.objects.filter(_visible(actor, per_row=False)).select_related(*_RELATED)


def action_list_among(*, actor: Actor | None, action_ids: list) -> QuerySet[Action]:
    """``action_list`` restricted to ``action_ids``, the rule probed per action: for a few
    rows found by another index (the work tray's owned actions), where testing them against
    every visible case would read the agency's whole grant set."""
    if actor is None or not action_ids:
        return Action.objects.none()
    return (Action.objects.filter(_visible(actor, per_row=True), pk__in=action_ids)
            .select_related(*_RELATED))


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    mine: bool = False  # open or closed, owned by the acting agency


def action_list_filtered(*, actor: Actor | None, filters: ActionFilters) -> QuerySet[Action]:
    rows = action_list(actor=actor)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.mine and actor is not None:
        rows = rows.filter(owner_agency_id=actor.agency_id)
    return rows


def action_get(*, actor: Actor | None, action_id: UUID | str) -> Action:
    try:
        return action_list(actor=actor).get(pk=action_id)
    except (Action.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such action") from exc


def plan_for_case(*, case) -> ActionPlan | None:
    """The plan of a case the caller has already got by selector (None before the first
    action or wish is recorded)."""
    return ActionPlan.objects.filter(case=case).first()


def plan_actions(*, case, visible: Visible | None = None,
                 agency_id: object = None) -> list[Action]:
    """The plan's actions as the actor's scope allows (``visible``, from
    ``cases.selectors.case_access``): none without a plan section, only ``agency_id``'s own
    with the own-actions section. Without ``visible``: every action (internal use only)."""
    if visible is not None and not visible.plan:
        return []
    actions = Action.objects.filter(plan__case=case)
    if visible is not None and visible.own_actions_only:
        actions = actions.filter(owner_agency_id=agency_id)
    return list(actions.select_related(
        "owner_agency", "owner_user", "closed_by", "meeting", "meeting__area").order_by(
        "status", "due_date", "created_at"))


def meeting_actions(*, meeting) -> list[Action]:
    """The actions agreed at a visible meeting (its minutes)."""
    return list(Action.objects.filter(meeting=meeting).select_related(
        "owner_agency", "owner_user", "plan").order_by("due_date", "id"))


def my_agency_actions(*, actor: Actor, limit: int = 50) -> list[Action]:
    """Open actions owned by the acting agency, soonest due first."""
    return list(action_list(actor=actor).filter(
        owner_agency_id=actor.agency_id, status=ActionStatus.OPEN).order_by(
        "due_date", "id")[:limit])


@dataclass
class Outstanding:
    not_done: list[Action]
    circumstances_changed: list[Action]


def outstanding_from_meeting(*, meeting) -> Outstanding:
    """A meeting's actions that were not done (still open) and those cancelled because
    circumstances changed; shown at the next meeting."""
    if meeting is None:
        return Outstanding(not_done=[], circumstances_changed=[])
    rows = list(Action.objects.filter(meeting=meeting).exclude(status=ActionStatus.DONE)
                .select_related("plan__case", "owner_agency", "owner_user")
                .order_by("due_date", "id"))
    return Outstanding(
        not_done=[a for a in rows if a.status == ActionStatus.OPEN],
        circumstances_changed=[a for a in rows if a.status == ActionStatus.CANCELLED],
    )


@dataclass
class PlanAgency:
    """One agency on a person's printable plan: who to contact and what it will do."""

    agency: object
    key_worker: object | None
    services: list
    actions: list[Action]


def person_plan_agencies(*, case, actions: list[Action]) -> list[PlanAgency]:
    """The agencies working with the case's person (a visible case): live lead and partner
    involvements, and any agency owning one of ``actions``, but never an agency working with
    the person causing harm (a plan must not tell the person causing harm who helps the
    victim, nor the victim that a perpetrator programme is involved). Each carries its
    contact routes from the service directory and its open actions. Three queries."""
    from apps.agencies.models import Service
    from apps.cases.models import Involvement, InvolvementRole
    from apps.cases.sections import WorksWith

    involvements = (Involvement.objects.active().filter(case=case)
                    .exclude(works_with=WorksWith.PERSON_CAUSING_HARM)
                    .exclude(agency__works_with_person_causing_harm=True)
                    .select_related("agency", "key_worker").order_by("started_at"))
    by_agency: dict = {}
    for involvement in involvements:
        owns = any(a.owner_agency_id == involvement.agency_id for a in actions)
        if involvement.role in (InvolvementRole.LEAD, InvolvementRole.PARTNER) or owns:
            by_agency[involvement.agency_id] = PlanAgency(
                agency=involvement.agency, key_worker=involvement.key_worker, services=[],
                actions=[a for a in actions if a.owner_agency_id == involvement.agency_id])
    routes = (Service.objects.filter(agency_id__in=list(by_agency), active=True)
              .exclude(contact_phone="", contact_email="").order_by("name"))
    for service in routes:
        by_agency[service.agency_id].services.append(service)
    return list(by_agency.values())
