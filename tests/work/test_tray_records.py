"""The records app's work in the tray (issue 18): a subject access request waits on its
agency's admins until released, and a case due for deletion on the lead agency's managers;
nobody else sees either."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.agencies.models import Role
from apps.cases.models import Case, CaseStatus
from apps.cases.services import case_update
from apps.records import services
from apps.work.selectors import tray
from tests.conftest import client_for
from tests.factories import actor_of, make_member

pytestmark = pytest.mark.django_db


def _items(membership, kind: str) -> list:
    work = tray(actor=actor_of(membership))
    return [item for items in work.buckets.values() for item in items if item.kind == kind]


def test_a_subject_access_request_waits_on_its_agencys_admins(world, shared_case):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    sar = services.sar_open(actor=actor_of(admin), person=shared_case.subject,
                            received_on=timezone.localdate())
    [item] = _items(admin, "subject_access")
    assert item.url == f"/records/subject-access/{sar.pk}/"
    assert item.due == sar.due_on and not item.overdue
    assert shared_case.subject.family_name not in item.title
    page = client_for(admin).get("/")
    assert page.status_code == 200 and item.url in page.content.decode()
    for other in (world.partner_practitioner, world.partner_manager, world.lead_admin,
                  world.outsider_manager):
        assert _items(other, "subject_access") == []


def test_a_case_due_for_deletion_waits_on_the_lead_agencys_managers(world, shared_case):
    case_update(actor=actor_of(world.lead_manager), case=shared_case,
                status=CaseStatus.CLOSED, risk_level="high", summary="Closed.")
    Case.objects.filter(pk=shared_case.pk).update(
        last_activity_at=timezone.now() - relativedelta(months=73))
    assert services.retention_sweep() == 1
    [item] = _items(world.lead_manager, "retention")
    assert item.title.startswith(shared_case.reference)
    assert item.url.startswith("/records/retention/")
    page = client_for(world.lead_manager).get("/")
    assert page.status_code == 200 and item.url in page.content.decode()
    for other in (world.lead_practitioner, world.partner_manager, world.outsider_manager):
        assert _items(other, "retention") == []
