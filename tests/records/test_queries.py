"""Fixed query counts: the records lists cost the same with one row or several."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.agencies.models import Role
from apps.cases.models import Case
from apps.cases.services import case_update
from apps.records import services
from tests.conftest import client_for
from tests.factories import actor_of, make_case, make_member

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _closed_case(world) -> None:
    case = make_case(lead=world.lead_practitioner)
    case_update(actor=actor_of(world.lead_manager), case=case, status="closed",
                risk_level="standard", summary="Closed.")
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now()
                                           - relativedelta(years=7))


def test_subject_access_and_retention_lists_run_a_fixed_number_of_queries(world):
    admin = make_member(agency=world.lead, role=Role.AGENCY_ADMIN)
    admin_client = client_for(admin)
    manager_client = client_for(world.lead_manager)

    def add(n: int) -> None:
        for _ in range(n):
            case = make_case(lead=world.lead_practitioner)
            services.sar_open(actor=actor_of(admin), person=case.subject,
                              received_on=timezone.localdate())
            _closed_case(world)
        services.retention_sweep()

    add(1)
    one = [_count(admin_client, "/records/subject-access/"),
           _count(manager_client, "/records/retention/")]
    add(3)
    assert [_count(admin_client, "/records/subject-access/"),
            _count(manager_client, "/records/retention/")] == one
