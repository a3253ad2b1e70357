"""Reminders for referrals not decided in time. Set-based, and each stage is sent once.

Stage ``reminder``: submitted and past ``due_at`` (the service's response target) -> the
referral's queue: the team handling its service (or the agency's managers and admins when it
has none) and whoever it is assigned to. Stage ``escalation``: past ``escalate_at`` (twice
the target) -> the receiving agency's managers, and a note to the referrer. Each person
hears once per run (``apps.notifications.sweeps``): about the referral, or, when several fell
due together, how many and a link to the list.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Role
from apps.agencies.selectors import members_by_agency
from apps.agencies.team_selectors import service_recipients_by_queue
from apps.notifications.services import reminders_claim
from apps.notifications.sweeps import Batch, Item, Summary
from apps.referrals.models import Referral, ReferralStatus

KIND = "referral"

SUMMARIES = {
    "referral_reminder": Summary("{count} referrals to your agency are past their response "
                                 "target", "/referrals/inbox/overdue/"),
    "referral_escalation": Summary("Escalation: {count} referrals to your agency are at twice "
                                   "their response target", "/referrals/inbox/overdue/"),
    "referral_escalation_referrer": Summary(
        "{count} of your referrals have not been decided yet; the receiving agencies' "
        "managers have been told", "/referrals/outgoing/?status=submitted"),
}


def referral_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Claim and send due reminders and escalations; returns how many of each were new."""
    now = now or timezone.now()
    open_referrals = Referral.objects.filter(status=ReferralStatus.SUBMITTED)
    with transaction.atomic():
        reminded = reminders_claim(kind=KIND, stage="reminder",
                                   targets=open_referrals.filter(due_at__lte=now))
        escalated = reminders_claim(kind=KIND, stage="escalation",
                                    targets=open_referrals.filter(escalate_at__lte=now))
        facts = {row[0]: row[1:] for row in Referral.objects.filter(
            pk__in=[*reminded, *escalated]).values_list(
            "pk", "to_agency_id", "from_agency_id", "from_user_id", "case__reference",
            "to_service__handling_team_id", "assigned_to_id")}
        to_agencies = {facts[pk][0] for pk in facts}
        queues = service_recipients_by_queue(queues={(f[0], f[4]) for f in facts.values()})
        managers = members_by_agency(agency_ids=to_agencies, roles=(Role.MANAGER,))
        batch = Batch(SUMMARIES)

        def item(pk, title: str) -> Item:
            return Item("referral", pk, title, f"/referrals/{pk}/")

        for pk in reminded:
            to_agency, _, _, ref, team, assigned = facts[pk]
            recipients = queues[(to_agency, team)] | ({assigned} if assigned else set())
            batch.tell(recipients=sorted(recipients), agency_id=to_agency,
                       kind="referral_reminder",
                       item=item(pk, f"Referral {ref} is past its response target"))
        for pk in escalated:
            to_agency, from_agency, from_user, ref, _, _ = facts[pk]
            batch.tell(recipients=managers[to_agency], agency_id=to_agency,
                       kind="referral_escalation",
                       item=item(pk, f"Escalation: referral {ref} is at twice its response "
                                     "target"))
            batch.tell(recipients=[from_user], agency_id=from_agency,
                       kind="referral_escalation_referrer",
                       item=item(pk, f"Referral {ref} has not been decided yet; the receiving "
                                     "agency's managers have been told"))
        batch.write()
    return {"reminder": len(reminded), "escalation": len(escalated)}
