from __future__ import annotations

import datetime

from django.utils import timezone

from apps.agencies.models import Agency, Role
from apps.consent.models import ConsentRecord
from apps.consent.services import consent_record
from tests.factories import actor_of, make_agency, make_member


def stranger_agency(name: str = "Unagreed Charity") -> tuple[Agency, object, object]:
    """An agency with no data-sharing agreement with anyone, with a manager and an admin."""
    agency = make_agency(name=name, kind="voluntary")
    return (agency, make_member(agency=agency, role=Role.MANAGER),
            make_member(agency=agency, role=Role.AGENCY_ADMIN))


def make_consent(*, membership, person, agencies=(), kinds=(), purposes=("support", "referral")
                 ) -> ConsentRecord:
    today = timezone.localdate()
    return consent_record(
        actor=actor_of(membership), person=person, given_by="person",
        given_on=today - datetime.timedelta(days=3), method="written",
        review_date=today + datetime.timedelta(days=180), scope_agencies=agencies,
        scope_agency_kinds=kinds, purposes=purposes)
