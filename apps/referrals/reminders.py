"""Reminders for referrals not decided in time. Set-based, and each stage is sent once.

Stage ``reminder``: submitted and past ``due_at`` (the service's response target) -> every
member of the receiving agency. Stage ``escalation``: past ``escalate_at`` (twice the target)
-> the receiving agency's managers, and a note to the referrer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Membership, Role
from apps.notifications.models import Notification
from apps.notifications.services import reminders_claim
from apps.referrals.models import Referral, ReferralStatus

KIND = "referral"


def _members_by_agency(agency_ids: set, roles: tuple[str, ...] | None = None) -> dict:
    members = Membership.objects.active().filter(agency_id__in=agency_ids)
    if roles:
        members = members.filter(role__in=roles)
    by_agency: dict = defaultdict(set)
    for agency_id, user_id in members.values_list("agency_id", "user_id"):
        by_agency[agency_id].add(user_id)
    return by_agency


def _bulk_notify(rows: list[Notification]) -> None:
    # One INSERT for the lot; published on commit in chunks by the outbox.
    if not rows:
        return
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [row.pk for row in created]
    from apps.notifications.services import publish

    transaction.on_commit(lambda: publish(ids))


def referral_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Claim and send due reminders and escalations; returns how many of each were new."""
    from apps.notifications.services import backoff

    now = now or timezone.now()
    retry_at = timezone.now() + backoff(1)
    open_referrals = Referral.objects.filter(status=ReferralStatus.SUBMITTED)
    with transaction.atomic():
        reminded = reminders_claim(kind=KIND, stage="reminder",
                                   targets=open_referrals.filter(due_at__lte=now))
        escalated = reminders_claim(kind=KIND, stage="escalation",
                                    targets=open_referrals.filter(escalate_at__lte=now))
        facts = {pk: (to_agency, from_user, ref) for pk, to_agency, from_user, ref in
                 Referral.objects.filter(pk__in=[*reminded, *escalated])
                 .values_list("pk", "to_agency_id", "from_user_id", "case__reference")}
        to_agencies = {facts[pk][0] for pk in [*reminded, *escalated]}
        members = _members_by_agency(to_agencies)
        managers = _members_by_agency(to_agencies, roles=(Role.MANAGER,))
        rows: list[Notification] = []

        def add(user_ids, pk, kind, title, agency_id):
            rows.extend(Notification(recipient_id=u, agency_id=agency_id, kind=kind,
                                     target_type="referral", target_id=pk, title=title,
                                     url=f"/referrals/{pk}/", next_attempt_at=retry_at)
                        for u in user_ids)

        for pk in reminded:
            agency_id, _, ref = facts[pk]
            add(members[agency_id], pk, "referral_reminder",
                f"Referral {ref} is past its response target", agency_id)
        for pk in escalated:
            agency_id, from_user, ref = facts[pk]
            add(managers[agency_id], pk, "referral_escalation",
                f"Escalation: referral {ref} is at twice its response target", agency_id)
            add([from_user], pk, "referral_escalation_referrer",
                f"Referral {ref} has not been decided yet; the receiving agency's managers "
                "have been told", None)
        _bulk_notify(rows)
    return {"reminder": len(reminded), "escalation": len(escalated)}


