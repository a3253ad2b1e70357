"""Retention: which rule applies to a closed case, and when it falls due.

* Default: ``RETENTION_DEFAULT_MONTHS`` (72: six years) after the case closed. The closing
  date is the case's last activity while closed (any later activity restarts the clock: the
  careful reading).
* An agency admin may set a stricter (shorter) period for their agency's cases.
* A data-sharing agreement's period (``AgreementRetention``) applies to what was shared
  under it: Wraparound keeps one shared copy of a case, so when a case was shared under an
  agreement with a shorter period, that period applies to the whole shared record.
The shortest applicable period wins; nothing here ever lengthens the default.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.core.text import possessive
from apps.records.models import AgreementRetention, RecordKind, RetentionRule


def default_months() -> int:
    return int(getattr(settings, "RETENTION_DEFAULT_MONTHS", 72))


@dataclass(frozen=True)
class Due:
    due_on: datetime.date
    months: int
    rule: str


def _agreements_for(case: object) -> list[tuple[int, str]]:
    """(months, title) of each agreement with a set period under which the case was shared:
    between the lead agency and an agency involved (now or before), in force when that
    involvement started."""
    from apps.cases.models import Involvement
    from apps.consent.models import DataSharingAgreement, DsaParty

    rows = []
    for involvement in Involvement.objects.filter(case=case).exclude(
            agency_id=case.lead_agency_id).only("agency_id", "started_at"):
        started = timezone.localdate(involvement.started_at)
        agreements = DataSharingAgreement.objects.filter(
            Exists(DsaParty.objects.filter(agreement=OuterRef("pk"),
                                           agency_id=case.lead_agency_id)),
            Exists(DsaParty.objects.filter(agreement=OuterRef("pk"),
                                           agency_id=involvement.agency_id)),
            start_date__lte=started, end_date__gte=started,
        ).values_list("pk", flat=True)
        rows += [(period.months, period.agreement.title) for period in
                 AgreementRetention.objects.filter(agreement_id__in=list(agreements))
                 .select_related("agreement")]
    return rows


def due_for(case: object) -> Due:
    """When a closed case's retention runs out, and by which rule."""
    months, rule = default_months(), f"Default: {default_months() // 12} years after closing"
    own = RetentionRule.objects.filter(agency_id=case.lead_agency_id,
                                       kind=RecordKind.CASE).first()
    if own is not None and own.months < months:
        months = own.months
        rule = f"{possessive(case.lead_agency.name)} rule: {own.months} months"
    for agreement_months, title in _agreements_for(case):
        if agreement_months < months:
            months, rule = agreement_months, (f"Shared under \"{title}\": {agreement_months} "
                                              "months")
    closed_on = timezone.localdate(case.last_activity_at)
    return Due(due_on=closed_on + relativedelta(months=months), months=months, rule=rule[:200])


def shortest_possible_months() -> int:
    """The shortest period any rule or agreement sets (the sweep looks no further back)."""
    candidates = [default_months(),
                  *RetentionRule.objects.values_list("months", flat=True),
                  *AgreementRetention.objects.values_list("months", flat=True)]
    return min(candidates)
