"""Rectification keeps its history and tells the agencies the record is shared with;
restriction, erasure and objection requests are recorded with their decision and reasons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.agencies.models import Role
from apps.notifications.models import Notification
from apps.people.models import Person, PersonEvent
from apps.records.models import PersonCorrection, RightsRequest
from tests.conftest import api_client_for, client_for
from tests.factories import make_case, make_member

pytestmark = pytest.mark.django_db


def test_correction_keeps_history_and_tells_the_other_agencies(world, shared_case):
    person = shared_case.subject
    old_name = person.family_name
    client = api_client_for(world.lead_practitioner)
    response = client.post("/api/v1/person-corrections/", {
        "person": str(person.pk), "family_name": "Okafor-Reid", "postcode": "ZZ9 9ZZ",
        "reason": "Name changed by deed poll; moved house."})
    assert response.status_code == 201, response.content
    assert sorted(response.json()["fields"]) == ["family_name", "postcode"]
    assert response.json()["agencies_told"] == 1
    person.refresh_from_db()
    assert person.family_name == "Okafor-Reid" and person.postcode == "ZZ9 9ZZ"
    history = PersonEvent.objects.filter(pgh_obj_id=person.pk).order_by("pgh_created_at")
    assert old_name in history.values_list("family_name", flat=True)
    told = Notification.objects.filter(kind="person_corrected")
    assert set(told.values_list("recipient_id", flat=True)) == {world.partner_manager.user.pk}
    assert all(old_name not in n.title and "Okafor" not in n.title for n in told)


def test_outsider_cannot_correct_and_nothing_changes(world, shared_case):
    person = shared_case.subject
    response = api_client_for(world.outsider_practitioner).post(
        "/api/v1/person-corrections/", {"person": str(person.pk), "family_name": "X",
                                        "reason": "Because."})
    assert response.status_code == 400 and "person" in response.json()
    assert client_for(world.outsider_practitioner).get(
        f"/records/people/{person.pk}/correct/").status_code == 404
    assert Person.objects.get(pk=person.pk).family_name == person.family_name
    assert not PersonCorrection.objects.exists()


def test_correction_needs_a_reason_and_a_change(world, shared_case):
    client = client_for(world.lead_practitioner)
    url = f"/records/people/{shared_case.subject_id}/correct/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"given_name": "", "family_name": "", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the person&#x27;s given name." in page and "Say why the details" in page
    person = shared_case.subject
    response = client.post(url, {"given_name": person.given_name,
                                 "family_name": "Corrected", "reason": "Misspelt."})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).family_name == "Corrected"


def test_rights_request_recorded_and_decided_by_the_agency_admin(world, shared_case):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    client = api_client_for(admin)
    response = client.post("/api/v1/rights-requests/", {
        "person": str(shared_case.subject_id), "kind": "erasure",
        "received_on": timezone.localdate().isoformat(),
        "details": "Wants her records erased."})
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["decision"] == "pending"
    url = f"/api/v1/rights-requests/{item['id']}/decide/"
    assert client.post(url, {"decision": "refused", "reasons": ""}).status_code == 400
    response = client.post(url, {"decision": "refused", "reasons": "Safeguarding records are "
                                 "kept under the retention rule (legal obligation)."})
    assert response.status_code == 200 and response.json()["decision"] == "refused"
    assert client.post(url, {"decision": "granted", "reasons": "x"}).status_code == 409
    for other in (world.lead_admin, world.partner_practitioner, world.partner_manager):
        assert api_client_for(other).get(
            f"/api/v1/rights-requests/{item['id']}/").status_code == 404
    assert api_client_for(world.partner_practitioner).post("/api/v1/rights-requests/", {
        "person": str(shared_case.subject_id), "kind": "erasure",
        "received_on": timezone.localdate().isoformat(), "details": "x"}).status_code == 403
    elsewhere = make_case(lead=world.outsider_practitioner)
    assert client.post("/api/v1/rights-requests/", {
        "person": str(elsewhere.subject_id), "kind": "erasure",
        "received_on": timezone.localdate().isoformat(), "details": "x"}).status_code == 400
    assert RightsRequest.objects.count() == 1


def test_rights_request_browser_journey(world, shared_case):
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    client = client_for(admin)
    url = "/records/rights-requests/"
    assert client.get(url, {"q": shared_case.subject.family_name}).status_code == 200
    response = client.post(f"{url}?person={shared_case.subject_id}", {
        "person": str(shared_case.subject_id)})
    assert response.status_code == 400
    assert "Choose what the person asked for." in response.content.decode()
    response = client.post(url, {"person": str(shared_case.subject_id), "kind": "restriction",
                                 "received_on": timezone.localdate().isoformat(),
                                 "details": "Stop sharing with probation."})
    assert response.status_code == 302
    item = RightsRequest.objects.get()
    response = client.post(f"{url}{item.pk}/", {"decision": "partly",
                                                "reasons": "Restricted for probation."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "partly" and item.decided_by == admin.user
