from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from tests.conftest import client_for
from tests.factories import actor_of, make_case, make_member

pytestmark = pytest.mark.django_db


def test_case_page_view_is_audited_with_its_basis(world, shared_case):
    client_for(world.partner_practitioner).get(reverse("cases:detail", args=[shared_case.pk]))
    event = AccessEvent.objects.filter(case_id=shared_case.pk, action="view").latest("id")
    assert event.user_id == world.partner_practitioner.user_id
    assert event.agency_id == world.partner.pk
    assert event.basis == "partner involvement"
    assert event.channel == "ui"


def test_admin_sees_who_accessed_a_case_and_practitioners_and_outsiders_do_not(world,
                                                                             shared_case):
    client_for(world.partner_practitioner).get(reverse("cases:detail", args=[shared_case.pk]))
    url = reverse("audit:case-access", args=[shared_case.pk])
    page = client_for(world.lead_admin).get(url)
    assert page.status_code == 200
    assert world.partner_practitioner.user.username in page.content.decode()
    assert client_for(world.lead_practitioner).get(url).status_code == 404
    outsider_admin = make_member(agency=world.outsider, role=Role.AGENCY_ADMIN)
    assert client_for(outsider_admin).get(url).status_code == 404


def test_access_log_is_scoped_to_the_agencys_cases_and_exports_csv(world, shared_case):
    other = make_case(lead=world.outsider_practitioner)
    client_for(world.outsider_practitioner).get(reverse("cases:detail", args=[other.pk]))
    client_for(world.lead_practitioner).get(reverse("cases:detail", args=[shared_case.pk]))
    admin = client_for(world.lead_admin)
    page = admin.get(reverse("audit:access-log")).content.decode()
    assert shared_case.reference in page and other.reference not in page
    filtered = admin.get(reverse("audit:access-log"),
                         {"username": world.lead_practitioner.user.username, "action": "view"})
    assert filtered.context["events"] and all(
        e.user_id == world.lead_practitioner.user_id for e in filtered.context["events"])
    csv = admin.get(reverse("audit:access-log"), {"format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert body.startswith("time,username,agency,action")
    assert shared_case.reference in body and other.reference not in body
    assert client_for(world.lead_practitioner).get(reverse("audit:access-log")).status_code == 404


def test_access_log_query_count_is_constant(world):
    admin = client_for(world.lead_admin)
    url = reverse("audit:access-log")
    cases = [make_case(lead=world.lead_practitioner) for _ in range(3)]
    admin.get(url)
    with CaptureQueriesContext(connection) as small:
        admin.get(url)
    for case in cases * 10:
        client_for(world.lead_practitioner).get(reverse("cases:detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as large:
        admin.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_api_reads_of_cases_and_notes_are_audited_as_api(world, shared_case):
    from tests.conftest import api_client_for

    api = api_client_for(world.partner_practitioner)
    assert api.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 200
    assert api.get(f"/api/v1/cases/{shared_case.pk}/notes/").status_code == 200
    events = AccessEvent.objects.filter(case_id=shared_case.pk, channel="api", action="view")
    assert set(events.values_list("object_type", flat=True)) == {"case", "case_notes"}
    assert set(events.values_list("basis", flat=True)) == {"partner involvement"}


def test_a_view_through_emergency_access_is_audited_as_such(world, shared_case):
    from apps.consent.services import emergency_access_start

    emergency_access_start(actor=actor_of(world.outsider_manager), case=shared_case,
                           reason="Child reported missing tonight; need contacts.")
    response = client_for(world.outsider_manager).get(
        reverse("cases:detail", args=[shared_case.pk]))
    assert response.status_code == 200
    event = AccessEvent.objects.filter(case_id=shared_case.pk, action="view").latest("id")
    assert event.basis == "emergency access"
