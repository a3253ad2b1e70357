"""Action reminders, set-based; each stage is sent once (``Reminder`` unique rows).

- ``before_due``: open, due within ``ACTION_REMINDER_DAYS_BEFORE`` days (default 3) -> owner.
- ``due``: open and due today or earlier -> owner.
- ``overdue``: open and past its due date -> the owner agency's managers and, for an action
  agreed at MARAC, the area's coordinators.
The owner is the owner user, or every member of the owner agency when none is named. Each
person hears once per run and kind (``apps.notifications.sweeps``): a manager whose agency has
40 actions falling overdue today gets one escalation that counts them and links to the list.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.agencies.models import Role
from apps.agencies.selectors import members_by_agency
from apps.notifications.services import reminders_claim
from apps.notifications.sweeps import Batch, Item, Summary
from apps.webhooks.services import webhook_emit_many

KIND = "action"
ACTIONS_LIST = "/marac/#actions"  # "Open actions your agency owns", soonest due first

SUMMARIES = {
    "action_due_soon": Summary("{count} actions are due soon", ACTIONS_LIST),
    "action_due": Summary("{count} actions are due today", ACTIONS_LIST),
    "action_overdue": Summary("Escalation: {count} actions are overdue", ACTIONS_LIST),
}
TITLES = {
    "before_due": ("action_due_soon", "An action on case {ref} is due soon"),
    "due": ("action_due", "An action on case {ref} is due today"),
    "overdue": ("action_overdue", "Escalation: an action on case {ref} is overdue"),
}


def action_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    days = int(getattr(settings, "ACTION_REMINDER_DAYS_BEFORE", 3))
    open_actions = Action.objects.filter(status=ActionStatus.OPEN)
    with transaction.atomic():
        claimed = {
            "before_due": reminders_claim(
                kind=KIND, stage="before_due", targets=open_actions.filter(
                    due_date__lte=today + datetime.timedelta(days=days), due_date__gt=today)),
            "due": reminders_claim(kind=KIND, stage="due",
                                   targets=open_actions.filter(due_date__lte=today)),
            "overdue": reminders_claim(kind=KIND, stage="overdue",
                                       targets=open_actions.filter(due_date__lt=today)),
        }
        ids = {pk for pks in claimed.values() for pk in pks}
        facts = {row[0]: row[1:] for row in Action.objects.filter(pk__in=ids).values_list(
            "pk", "owner_agency_id", "owner_user_id", "plan__case_id", "plan__case__reference",
            "meeting__area__coordinating_agency_id", "meeting__area__coordinator_id")}
        agencies = {f[0] for f in facts.values()}
        unowned = {f[0] for f in facts.values() if not f[1]}
        members = members_by_agency(agency_ids=unowned)
        managers = members_by_agency(agency_ids=agencies, roles=(Role.MANAGER,))
        coordinating = {f[4] for f in facts.values() if f[4]}
        coordinators = members_by_agency(agency_ids=coordinating, roles=(Role.COORDINATOR,))
        batch = Batch(SUMMARIES)
        for stage, pks in claimed.items():
            kind, title = TITLES[stage]
            for pk in pks:
                agency_id, user_id, case_id, ref, coord_agency, coordinator = facts[pk]
                item = Item("action", pk, title.format(ref=ref),
                            f"/cases/{case_id}/action-plan/")
                if stage != "overdue":
                    owner = [user_id] if user_id else members[agency_id]
                    batch.tell(recipients=owner, agency_id=agency_id, kind=kind, item=item)
                    continue
                batch.tell(recipients=managers[agency_id], agency_id=agency_id, kind=kind,
                           item=item)
                if coord_agency or coordinator:  # agreed at MARAC: its coordinators too
                    batch.tell(recipients=[*coordinators.get(coord_agency, ()), coordinator],
                               agency_id=coord_agency or agency_id, kind=kind, item=item)
        batch.write()
        webhook_emit_many(event="action.due", items=[
            (facts[pk][0], {"action": pk}) for pk in claimed["due"] if facts[pk][0]])
    return {stage: len(pks) for stage, pks in claimed.items()}
