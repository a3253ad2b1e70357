"""Report fixtures: referrals written as rows (the reports read facts, not the services'
side effects), with the grants a submitted referral carries; then the summary is refreshed, as
beat does nightly, so that the pages show them."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.insight.summary import summary_refresh
from apps.people.models import Person
from apps.referrals.models import Referral, ReferralGroupObjectPermission, ReferralStatus
from tests.factories import make_case


def add_referrals(*, sender, receiver, count: int, status: str = ReferralStatus.ACCEPTED,
                  case=None, days_ago: int = 10, decline_category: str = "",
                  **person_fields) -> list[Referral]:
    """``count`` submitted referrals from ``sender`` (a membership) to ``receiver`` (an
    agency), each about its own new case unless ``case`` is given."""
    submitted = timezone.now() - datetime.timedelta(days=days_ago)
    decided = (submitted + datetime.timedelta(hours=6)
               if status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED,
                             ReferralStatus.COMPLETED) else None)
    rows = []
    for _ in range(count):
        subject_case = case or make_case(lead=sender, **person_fields)
        rows.append(Referral(
            case=subject_case, from_agency=sender.agency, from_user=sender.user,
            to_agency=receiver, reason="Support", shared_information="Needs",
            status=status, submitted_at=submitted, first_submitted_at=submitted,
            decided_at=decided, decline_category=decline_category))
    Referral.objects.bulk_create(rows)
    view = Permission.objects.get(content_type__app_label="referrals", codename="view_referral")
    ReferralGroupObjectPermission.objects.bulk_create(
        [ReferralGroupObjectPermission(content_object=r, group_id=g, permission_id=view.pk)
         for r in rows for g in (r.from_agency.group_id, r.to_agency.group_id)])
    summary_refresh()  # the pages read the nightly summary
    return rows


def people_count() -> int:
    return Person.objects.count()
