"""Reads of action plans: visible with their case (one selector for UI and API)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from apps.action_plans.models import Action, ActionPlan, ActionStatus
from apps.agencies.actor import Actor
from apps.cases.selectors import case_list


def action_list(*, actor: Actor | None) -> QuerySet[Action]:
    """Every action on a case the acting agency may see."""
    return Action.objects.filter(plan__case__in=case_list(actor=actor)).select_related(
        "plan", "plan__case", "owner_agency", "owner_user", "closed_by", "meeting")


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


def plan_actions(*, case) -> list[Action]:
    return list(Action.objects.filter(plan__case=case).select_related(
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
