"""Research reminders, set-based and once per stage: ``reminder`` one day before the research
deadline and ``deadline`` when it has passed, to the agency's practitioners and managers (and,
at the deadline, the coordinator is told which agencies have not replied). Each person hears
once per run and stage (``apps.notifications.sweeps``)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Role
from apps.agencies.selectors import members_by_agency
from apps.marac.models import MeetingStatus, Research
from apps.notifications.services import reminders_claim
from apps.notifications.sweeps import Batch, Item, Summary

KIND = "marac_research"

SUMMARIES = {
    "marac_research_reminder": Summary("{count} MARAC research requests are due tomorrow",
                                       "/marac/"),
    "marac_research_deadline": Summary("{count} MARAC research requests are past their "
                                       "deadline", "/marac/"),
}


def research_reminders(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    owed = Research.objects.filter(submitted_at__isnull=True,
                                   item__meeting__status=MeetingStatus.SCHEDULED)
    with transaction.atomic():
        claimed = {
            "reminder": reminders_claim(kind=KIND, stage="reminder", targets=owed.filter(
                item__meeting__research_due_at__lte=now + datetime.timedelta(days=1))),
            "deadline": reminders_claim(kind=KIND, stage="deadline", targets=owed.filter(
                item__meeting__research_due_at__lte=now)),
        }
        ids = {pk for pks in claimed.values() for pk in pks}
        facts = {row[0]: row[1:] for row in Research.objects.filter(pk__in=ids).values_list(
            "pk", "agency_id", "item__meeting_id", "item__case__reference",
            "item__meeting__coordinator_id")}
        staff = members_by_agency(agency_ids={f[0] for f in facts.values()},
                                  roles=(Role.PRACTITIONER, Role.MANAGER))
        batch = Batch(SUMMARIES)
        for stage, pks in claimed.items():
            for pk in pks:
                agency_id, meeting_id, ref, coordinator = facts[pk]
                title = (f"MARAC research for case {ref} is due tomorrow" if stage == "reminder"
                         else f"MARAC research for case {ref} is past its deadline")
                recipients = set(staff[agency_id])
                if stage == "deadline":
                    recipients.add(coordinator)
                batch.tell(recipients=recipients, agency_id=agency_id,
                           kind=f"marac_research_{stage}",
                           item=Item("marac_meeting", meeting_id, title,
                                     f"/marac/meetings/{meeting_id}/"))
        batch.write()
    return {stage: len(pks) for stage, pks in claimed.items()}
