"""Demo data for lawful sharing: agreements active, awaiting a signature and about to expire;
a withdrawn consent with a flagged involvement; an expired emergency access in the audit."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.agencies.models import Agency
from apps.cases.services import involvement_add
from apps.consent.models import BasisKind, ConsentGivenBy, ConsentMethod, EmergencyAccess
from apps.consent.services import (
    consent_record,
    consent_withdraw,
    dsa_create,
    dsa_create_active_for_demo,
    dsa_sign,
    emergency_access_expire,
    emergency_access_start,
)

if TYPE_CHECKING:
    from apps.core.demo.loader import DemoContext


def demo_agreements(*, agencies: dict[str, Agency]) -> None:
    """Called by the core loader before any case is shared: the borough-wide agreement."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin.police")
    dsa_create_active_for_demo(
        agency_ids=[a.pk for a in agencies.values()],
        title="Northbridge safeguarding partnership agreement", user=admin)


def load_demo(context: DemoContext) -> None:
    today = timezone.localdate()
    agencies = context.agencies
    police_admin = context.actor("admin.police")
    # About to expire: the police and Hearth Homes tenancy agreement ends in two weeks.
    dsa_create_active_for_demo(
        agency_ids=[agencies["Northbridge Police"].pk, agencies["Hearth Homes"].pk],
        title="Tenancy enforcement information sharing", user=police_admin.user,
        end_date=today + datetime.timedelta(days=14))
    # Awaiting a signature: drafted and signed by the police; Safe Haven's admin to sign.
    pilot = dsa_create(
        actor=police_admin, title="IDVA early-notification pilot",
        purpose="Police notify the IDVA service of high-risk domestic abuse incidents "
                "within 24 hours.",
        lawful_basis="public_task",
        data_categories="Incident reference, risk level, safe contact details.",
        retention="Two years after the last incident.",
        start_date=today, review_date=today + datetime.timedelta(days=180),
        end_date=today + datetime.timedelta(days=365),
        parties=[agencies["Safe Haven"]])
    dsa_sign(actor=police_admin, agreement=pilot)

    # A withdrawn consent, and the involvement resting on it flagged for the lead agency.
    case = context.cases["tariq"]
    obi = context.actor("recovery.obi")
    consent = consent_record(
        actor=obi, person=case.subject, given_by=ConsentGivenBy.PERSON,
        given_on=today - datetime.timedelta(days=20), method=ConsentMethod.WRITTEN,
        review_date=today + datetime.timedelta(days=160),
        scope_agencies=[agencies["Through the Gate Mentoring"]],
        purposes=["support"])
    involvement_add(actor=context.actor("mgr.bridgeway"), case=case,
                    agency=agencies["Through the Gate Mentoring"],
                    basis="Consent to share with the mentoring service.",
                    sharing_basis={"kind": BasisKind.CONSENT, "consent": consent})
    consent_withdraw(actor=obi, consent=consent,
                     note="Tariq no longer wants the mentoring service to have his details.")

    # An emergency access that has already expired (it stays in the audit).
    connor = context.cases["connor"]
    nurse = context.actor("nurse.patel")
    access = emergency_access_start(
        actor=nurse, case=connor,
        reason="Presented at A&E unconscious; need current risk information.")
    EmergencyAccess.objects.filter(pk=access.pk).update(
        started_at=access.started_at - datetime.timedelta(days=3),
        expires_at=access.started_at - datetime.timedelta(days=2))
    emergency_access_expire()
