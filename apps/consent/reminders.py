"""Sweeps for lawful sharing, each stage sent once (``Reminder`` rows):
consent review dates, involvements resting on withdrawn consent (daily until the lead agency
records another basis or ends the involvement), DSA review and end dates, DSA expiry. Each
person hears once per run and kind (``apps.notifications.sweeps``)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.agencies.models import Role
from apps.agencies.selectors import members_by_agency
from apps.cases.models import Involvement
from apps.consent.models import ConsentRecord, DataSharingAgreement, DsaParty, DsaStatus
from apps.core.dates import format_date
from apps.notifications.services import reminders_claim
from apps.notifications.sweeps import Batch, Item, Summary

DSA_NOTICE_DAYS = 30

SUMMARIES = {  # consent reviews have no list page: each is told on its own
    "consent_flag": Summary("{count} cases have involvements resting on withdrawn consent; "
                            "record another basis or end them", "/sharing/"),
    "dsa_review": Summary("{count} data-sharing agreements are due for review",
                          "/sharing/"),
    "dsa_end": Summary("{count} data-sharing agreements are ending", "/sharing/"),
}


def consent_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {}
    batch = Batch(SUMMARIES)
    with transaction.atomic():
        due = ConsentRecord.objects.filter(withdrawn_at__isnull=True, review_date__lte=today)
        claimed = reminders_claim(kind="consent_review", stage="review", targets=due)
        for pk, user_id, agency_id in ConsentRecord.objects.filter(pk__in=claimed).values_list(
                "pk", "recorded_by_id", "recorded_by_agency_id"):
            batch.tell(recipients=[user_id], agency_id=agency_id, kind="consent_review",
                       item=Item("consent", pk, "A consent record is due for review",
                                 f"/sharing/consents/{pk}/"))
        counts["consent_review"] = len(claimed)

        flagged = Involvement.objects.active().filter(
            sharing_basis__consent__withdrawn_at__isnull=False)
        claimed = reminders_claim(kind="consent_flag", stage=f"d{today:%Y%m%d}",
                                  targets=flagged)
        facts = list(Involvement.objects.filter(pk__in=claimed).values_list(
            "case_id", "case__reference", "case__lead_agency_id"))
        managers = members_by_agency(agency_ids={lead_id for _, _, lead_id in facts},
                                     roles=(Role.MANAGER,))
        for case_id, ref, lead_id in facts:
            batch.tell(recipients=managers[lead_id], agency_id=lead_id, kind="consent_flag",
                       item=Item("case", case_id,
                                 f"Case {ref}: an involvement rests on withdrawn consent; "
                                 "record another basis or end it", f"/cases/{case_id}/why/"))
        counts["consent_flag"] = len(claimed)
        batch.write()
    return counts


def dsa_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Expire agreements past their end date; remind party admins before review and end."""
    today = today or timezone.localdate()
    notice = today + datetime.timedelta(days=DSA_NOTICE_DAYS)
    counts = {}
    batch = Batch(SUMMARIES)
    with transaction.atomic():
        counts["expired"] = DataSharingAgreement.objects.filter(
            status__in=[DsaStatus.ACTIVE, DsaStatus.DRAFT, DsaStatus.AWAITING_SIGNATURES],
            end_date__lt=today).update(status=DsaStatus.EXPIRED, updated_at=timezone.now())
        active = DataSharingAgreement.objects.filter(status=DsaStatus.ACTIVE)
        for stage, field, text in (("review", "review_date", "is due for review on"),
                                   ("end", "end_date", "ends on")):
            claimed = reminders_claim(kind="dsa", stage=stage,
                                      targets=active.filter(**{f"{field}__lte": notice}))
            agreements = list(DataSharingAgreement.objects.filter(pk__in=claimed))
            parties = list(DsaParty.objects.filter(agreement_id__in=claimed).values_list(
                "agreement_id", "agency_id"))
            admins = members_by_agency(agency_ids={agency_id for _, agency_id in parties},
                                       roles=(Role.AGENCY_ADMIN,))
            items = {agreement.pk: Item(
                "dsa", agreement.pk,
                f"Data-sharing agreement {text} {format_date(getattr(agreement, field))}: "
                f"{agreement.title}", f"/sharing/agreements/{agreement.pk}/")
                for agreement in agreements}
            for agreement_id, agency_id in parties:
                batch.tell(recipients=admins[agency_id], agency_id=agency_id,
                           kind=f"dsa_{stage}", item=items[agreement_id])
            counts[stage] = len(claimed)
        batch.write()
    return counts
