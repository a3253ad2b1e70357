"""Sweeps for lawful sharing, each stage sent once (``Reminder`` rows):
consent review dates, involvements resting on withdrawn consent (daily until the lead agency
records another basis or ends the involvement), DSA review and end dates, DSA expiry."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Role
from apps.cases.models import Involvement
from apps.consent.models import ConsentRecord, DataSharingAgreement, DsaParty, DsaStatus
from apps.consent.services import _member_ids
from apps.notifications.services import notify, reminders_claim

DSA_NOTICE_DAYS = 30


def consent_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {}
    with transaction.atomic():
        due = ConsentRecord.objects.filter(withdrawn_at__isnull=True, review_date__lte=today)
        claimed = reminders_claim(kind="consent_review", stage="review", targets=due)
        for pk, user_id in ConsentRecord.objects.filter(pk__in=claimed).values_list(
                "pk", "recorded_by_id"):
            notify(recipients=[user_id], kind="consent_review", target_type="consent",
                   target_id=pk, title="A consent record is due for review",
                   url=f"/sharing/consents/{pk}/")
        counts["consent_review"] = len(claimed)

        flagged = Involvement.objects.active().filter(
            sharing_basis__consent__withdrawn_at__isnull=False)
        claimed = reminders_claim(kind="consent_flag", stage=f"d{today:%Y%m%d}",
                                  targets=flagged)
        for case_id, ref, lead_id in Involvement.objects.filter(pk__in=claimed).values_list(
                "case_id", "case__reference", "case__lead_agency_id"):
            notify(recipients=_member_ids([lead_id], (Role.MANAGER,)), kind="consent_flag",
                   target_type="case", target_id=case_id,
                   title=f"Case {ref}: an involvement rests on withdrawn consent; record "
                         "another basis or end it", url=f"/cases/{case_id}/why/",
                   agency_id=lead_id)
        counts["consent_flag"] = len(claimed)
    return counts


def dsa_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Expire agreements past their end date; remind party admins before review and end."""
    today = today or timezone.localdate()
    notice = today + datetime.timedelta(days=DSA_NOTICE_DAYS)
    counts = {}
    with transaction.atomic():
        counts["expired"] = DataSharingAgreement.objects.filter(
            status__in=[DsaStatus.ACTIVE, DsaStatus.DRAFT, DsaStatus.AWAITING_SIGNATURES],
            end_date__lt=today).update(status=DsaStatus.EXPIRED, updated_at=timezone.now())
        active = DataSharingAgreement.objects.filter(status=DsaStatus.ACTIVE)
        for stage, field, text in (("review", "review_date", "is due for review on"),
                                   ("end", "end_date", "ends on")):
            claimed = reminders_claim(kind="dsa", stage=stage,
                                      targets=active.filter(**{f"{field}__lte": notice}))
            for agreement in DataSharingAgreement.objects.filter(pk__in=claimed):
                party_ids = DsaParty.objects.filter(agreement=agreement).values_list(
                    "agency_id", flat=True)
                when = getattr(agreement, field)
                notify(recipients=_member_ids(party_ids, (Role.AGENCY_ADMIN,)),
                       kind=f"dsa_{stage}", target_type="dsa", target_id=agreement.pk,
                       title=f"Data-sharing agreement {text} {when:%d %B %Y}: "
                             f"{agreement.title}"[:200],
                       url=f"/sharing/agreements/{agreement.pk}/")
            counts[stage] = len(claimed)
    return counts
