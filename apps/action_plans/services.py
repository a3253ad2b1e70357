"""Writes of action plans: one transaction each, permission checked, audited."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.action_plans.models import Action, ActionPlan, ActionStatus, PlanSource, Priority
from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Agency, Membership
from apps.agencies.selectors import is_active_member, member_ids
from apps.audit.services import access_record
from apps.cases import policy
from apps.cases.models import Case
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed
from apps.notifications.services import notify


def _plan(*, actor: Actor, case: Case, source: str = PlanSource.CASE_REVIEW) -> ActionPlan:
    plan, _ = ActionPlan.objects.get_or_create(case=case, defaults={
        "created_by": actor.user, "source": source})
    return plan


def _lock_contributable(*, actor: Actor, case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require_contribute(
        actor=actor, case=case,
        message="Your agency cannot contribute to this case's action plan.")
    return case


def action_plan_set_wishes(*, actor: Actor, case: Case, what_person_wants: str) -> ActionPlan:
    """Record what the person wants, in their own words."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        case = _lock_contributable(actor=actor, case=case)
        plan = _plan(actor=actor, case=case)
        plan.what_person_wants = (what_person_wants or "").strip()
        plan.save(update_fields=["what_person_wants", "updated_at"])
        access_record(actor=actor, object_type="action_plan", object_id=plan.pk,
                      case_id=case.pk, action="update")
        return plan


def action_add(*, actor: Actor, case: Case, description: str, owner_agency: Agency,
               due_date: datetime.date, priority: str = Priority.MEDIUM, owner_user=None,
               meeting=None) -> Action:
    """Any involved agency adds an action owned by an agency involved in the case."""
    actor_require_writer(actor=actor)
    description = (description or "").strip()
    if not description:
        raise ServiceError("Describe the action.", field="description")
    if priority not in Priority.values:
        raise ServiceError("Choose a priority.", field="priority")
    if due_date is None:
        raise ServiceError("Enter the due date.", field="due_date")
    with transaction.atomic():
        case = _lock_contributable(actor=actor, case=case)
        if not case.involvements.active().filter(agency=owner_agency).exists():
            raise ServiceError("The owner must be an agency involved in the case.",
                               field="owner_agency")
        if owner_user is not None and not Membership.objects.active().filter(
                user=owner_user, agency=owner_agency).exists():
            raise ServiceError("The owner must be a member of the owner agency.",
                               field="owner_user")
        if meeting is not None:
            if not policy.may_minute(actor=actor, meeting=meeting):
                raise NotPermitted("Only the MARAC coordinator records the meeting's actions.")
            if not meeting.items.filter(case=case).exists():
                raise ServiceError("This case is not on that meeting's agenda.")
        plan = _plan(actor=actor, case=case,
                     source=PlanSource.MARAC if meeting is not None else PlanSource.CASE_REVIEW)
        action = Action.objects.create(
            plan=plan, description=description, owner_agency=owner_agency,
            owner_user=owner_user, due_date=due_date, priority=priority, meeting=meeting,
            created_by=actor.user)
        recipients = ([owner_user.pk] if owner_user is not None else
                      member_ids(agency_ids=[owner_agency.pk]))
        notify(recipients=[r for r in recipients if r != actor.user.pk], kind="action_assigned",
               target_type="action", target_id=action.pk,
               title=f"New action for {owner_agency} on case {case.reference}",
               url=f"/cases/{case.pk}/action-plan/", agency_id=owner_agency.pk)
        access_record(actor=actor, object_type="action", object_id=action.pk, case_id=case.pk,
                      action="create")
        return action


def _close(*, actor: Actor, action: Action, status: str, note: str) -> Action:
    note = (note or "").strip()
    if not note:
        raise ServiceError("Add a note saying what happened." if status == ActionStatus.DONE
                           else "Say why the action is cancelled.", field="note")
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related(
            "plan__case", "meeting__area").get(pk=action.pk)
        policy.require_close_action(actor=actor, action=action)
        if action.status != ActionStatus.OPEN:
            raise TransitionNotAllowed("This action is already closed.")
        action.status, action.completion_note = status, note
        action.closed_by, action.closed_at = actor.user, timezone.now()
        action.save(update_fields=["status", "completion_note", "closed_by", "closed_at",
                                   "updated_at"])
        access_record(actor=actor, object_type="action", object_id=action.pk,
                      case_id=action.plan.case_id, action=status)
        return action


def action_complete(*, actor: Actor, action: Action, note: str) -> Action:
    actor_require_writer(actor=actor)
    return _close(actor=actor, action=action, status=ActionStatus.DONE, note=note)


def action_cancel(*, actor: Actor, action: Action, note: str) -> Action:
    """Cancel an action because circumstances changed (the note says how)."""
    actor_require_writer(actor=actor)
    return _close(actor=actor, action=action, status=ActionStatus.CANCELLED, note=note)


def action_assign(*, actor: Actor, action: Action, user) -> Action:
    """A manager of the owner agency gives an open action to one of its members (or picks it
    up themselves). The action stays the owner agency's."""
    actor_require_writer(actor=actor)
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related(
            "plan").get(pk=action.pk)
        policy.require_assign_work(actor=actor, agency_id=action.owner_agency_id)
        if action.status != ActionStatus.OPEN:
            raise TransitionNotAllowed("Only an open action can be reassigned.")
        if not is_active_member(user_id=user.pk, agency_id=action.owner_agency_id):
            raise ServiceError(f"{user.get_username()} is not a member of the owner agency.",
                               field="user")
        was = action.owner_user_id
        action.owner_user = user
        action.save(update_fields=["owner_user", "updated_at"])
        access_record(actor=actor, object_type="action", object_id=action.pk,
                      case_id=action.plan.case_id, action="assign",
                      basis=f"owner: {was or '-'} to {user.pk}")
        if user.pk != actor.user.pk:
            notify(recipients=[user.pk], kind="action_assigned", target_type="action",
                   target_id=action.pk, title="An action has been assigned to you",
                   url=f"/cases/{action.plan.case_id}/action-plan/",
                   agency_id=action.owner_agency_id)
        return action
