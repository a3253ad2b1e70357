"""Whose data a report counts: the viewer's own agency, or a partnership (docs/insight.md).

Own agency: referrals it sent (once submitted) or that were submitted to it: exactly the
referrals it holds a ``view_referral`` grant on (the grants are made from these facts when a
referral is submitted); MARAC referrals it made; actions it owns.

Partnership: the parties of an active data-sharing agreement (status active, today between its
start and end dates) that allows partnership reporting and to which the viewer's agency is a
party. Only referrals *between two parties* count, MARAC referrals made by a party and actions
owned by a party, and only as aggregates with small numbers suppressed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.consent.models import DataSharingAgreement, DsaParty, DsaStatus
from apps.insight.policy import require_see_reports

OWN = "agency"


@dataclass(frozen=True)
class ReportScope:
    key: str  # "agency", or the agreement's id
    label: str
    agency_ids: tuple  # the agencies whose figures are counted
    partnership: bool

    def referrals_q(self, prefix: str = "") -> Q:
        """The referrals this scope counts (``prefix``: the path to a referral)."""
        return self.pair_q(f"{prefix}from_agency_id", f"{prefix}to_agency_id") & Q(
            **{f"{prefix}first_submitted_at__isnull": False})

    def pair_q(self, from_field: str, to_field: str) -> Q:
        """The rows between a referring and a receiving agency that this scope counts: either
        side is the agency, or (a partnership) both sides are parties. The live referrals
        and the summary tables (``apps/insight/models.py``) are both filtered by it."""
        if self.partnership:
            return Q(**{f"{from_field}__in": self.agency_ids, f"{to_field}__in": self.agency_ids})
        agency_id = self.agency_ids[0]
        return Q(**{from_field: agency_id}) | Q(**{to_field: agency_id})


def reporting_agreements(*, actor: Actor):
    """Active agreements that allow partnership reporting, with the actor's agency a party."""
    today = timezone.localdate()
    party = DsaParty.objects.filter(agreement=OuterRef("pk"), agency_id=actor.agency_id)
    return (DataSharingAgreement.objects.filter(
        Exists(party), status=DsaStatus.ACTIVE, reporting_allowed=True,
        start_date__lte=today, end_date__gte=today).order_by("title", "pk"))


def report_scopes(*, actor: Actor | None) -> list[tuple[str, str]]:
    """The scopes the actor may choose, as (key, label) choices: own agency first."""
    require_see_reports(actor=actor)
    return [(OWN, f"{actor.agency.name} only"),
            *((str(a.pk), f"Partnership: {a.title}") for a in reporting_agreements(actor=actor))]


def scope_get(*, actor: Actor | None, key: str | None) -> ReportScope:
    """The scope ``key`` names, for this actor; an agreement they may not use is a 404."""
    require_see_reports(actor=actor)
    if not key or key == OWN:
        return ReportScope(key=OWN, label=actor.agency.name, agency_ids=(actor.agency_id,),
                           partnership=False)
    try:
        agreement = reporting_agreements(actor=actor).get(pk=uuid.UUID(str(key)))
    except (DataSharingAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such report") from exc
    agency_ids = tuple(DsaParty.objects.filter(agreement=agreement)
                       .order_by("agency_id").values_list("agency_id", flat=True))
    return ReportScope(key=str(agreement.pk), label=f"Partnership: {agreement.title}",
                       agency_ids=agency_ids, partnership=True)
