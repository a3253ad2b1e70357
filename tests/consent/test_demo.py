from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.audit.models import AccessEvent
from apps.consent.models import ConsentRecord, DataSharingAgreement, DsaStatus, EmergencyAccess
from apps.consent.selectors import flagged_involvements
from tests.core.test_demo import actor

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_of_lawful_sharing(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    statuses = dict(DataSharingAgreement.objects.values_list("title", "status"))
    assert statuses["Northbridge safeguarding partnership agreement"] == DsaStatus.ACTIVE
    assert statuses["IDVA early-notification pilot"] == DsaStatus.AWAITING_SIGNATURES
    assert statuses["Tenancy enforcement information sharing"] == DsaStatus.ACTIVE
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=False).exists()
    assert flagged_involvements(actor=actor("mgr.bridgeway")).count() == 1
    access = EmergencyAccess.objects.get()
    assert access.ended_at is not None
    assert AccessEvent.objects.filter(action="emergency_access_ended").exists()
