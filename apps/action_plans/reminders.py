"""Action reminders, set-based; each stage is sent once (``Reminder`` unique rows).

- ``before_due``: open, due within ``ACTION_REMINDER_DAYS_BEFORE`` days (default 3) -> owner.
- ``due``: open and due today or earlier -> owner.
- ``overdue``: open and past its due date -> the owner agency's managers and, for an action
  agreed at MARAC, the area's coordinators.
The owner is the owner user, or every member of the owner agency when none is named.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.action_plans.models import Action, ActionStatus
from apps.agencies.models import Role
from apps.notifications.models import Notification
from apps.notifications.services import backoff, reminders_claim
from apps.referrals.reminders import _bulk_notify, _members_by_agency

KIND = "action"


def action_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    days = int(getattr(settings, "ACTION_REMINDER_DAYS_BEFORE", 3))
    open_actions = Action.objects.filter(status=ActionStatus.OPEN)
    retry_at = timezone.now() + backoff(1)
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
        members = _members_by_agency(agencies)
        managers = _members_by_agency(agencies, roles=(Role.MANAGER,))
        coordinating = {f[4] for f in facts.values() if f[4]}
        coordinators = _members_by_agency(coordinating, roles=(Role.COORDINATOR,))
        rows: list[Notification] = []

        def add(user_ids, pk, kind, title, agency_id, case_id):
            rows.extend(Notification(recipient_id=u, agency_id=agency_id, kind=kind,
                                     target_type="action", target_id=pk, title=title,
                                     url=f"/cases/{case_id}/action-plan/",
                                     next_attempt_at=retry_at) for u in set(user_ids))

        for stage, pks in claimed.items():
            for pk in pks:
                agency_id, user_id, case_id, ref, coord_agency, coordinator = facts[pk]
                owner = [user_id] if user_id else members[agency_id]
                if stage == "before_due":
                    add(owner, pk, "action_due_soon", f"An action on case {ref} is due soon",
                        agency_id, case_id)
                elif stage == "due":
                    add(owner, pk, "action_due", f"An action on case {ref} is due today",
                        agency_id, case_id)
                else:
                    escalate = set(managers[agency_id])
                    if coord_agency:
                        escalate |= coordinators[coord_agency]
                    if coordinator:
                        escalate.add(coordinator)
                    add(escalate, pk, "action_overdue",
                        f"Escalation: an action on case {ref} is overdue", agency_id, case_id)
        _bulk_notify(rows)
    return {stage: len(pks) for stage, pks in claimed.items()}



