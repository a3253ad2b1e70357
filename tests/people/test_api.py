"""The people API: visibility, restricted addresses, create with duplicate check."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AccessEvent
from apps.people.models import Person
from apps.people.selectors import person_address_visible
from tests.conftest import api_client_for, client_for
from tests.factories import PersonFactory, actor_of, involve, make_case

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
ADDRESS = {"address_line_1", "address_line_2", "town", "postcode"}


def person_url(person: Person) -> str:
    return f"{PEOPLE}{person.pk}/"


def test_people_on_visible_cases_and_own_records_only(world, shared_case):
    own = PersonFactory(created_by_agency=world.outsider)
    partner = api_client_for(world.partner_practitioner)
    rows = partner.get(PEOPLE).json()["results"]
    assert {r["id"] for r in rows} == {str(shared_case.subject_id)}
    outsider = api_client_for(world.outsider_practitioner)
    assert {r["id"] for r in outsider.get(PEOPLE).json()["results"]} == {str(own.pk)}
    assert outsider.get(person_url(shared_case.subject)).status_code == 404
    assert partner.get(person_url(own)).status_code == 404


def test_detail_records_the_read(world, shared_case):
    response = client_for(world.partner_practitioner).get(person_url(shared_case.subject))
    assert response.status_code == 200
    assert response.json()["given_name"] == shared_case.subject.given_name
    event = AccessEvent.objects.get(object_id=shared_case.subject_id, action="view")
    assert event.channel == "api" and event.agency_id == world.partner.pk


def test_a_restricted_address_reaches_only_the_lead_agency(world):
    case = make_case(lead=world.lead_practitioner, address_restricted=True)
    involve(case=case, manager=world.lead_manager, agency=world.partner)
    person = case.subject
    partner = api_client_for(world.partner_practitioner)
    for body in (partner.get(person_url(person)).json(), partner.get(PEOPLE).json()["results"][0]):
        assert body["address_restricted"] is True and body["address_visible"] is False
        assert all(body[name] is None for name in ADDRESS)
    lead = api_client_for(world.lead_practitioner)
    for body in (lead.get(person_url(person)).json(), lead.get(PEOPLE).json()["results"][0]):
        assert body["address_visible"] is True and body["address_line_1"]
    unrestricted = make_case(lead=world.lead_practitioner)
    involve(case=unrestricted, manager=world.lead_manager, agency=world.partner)
    body = partner.get(person_url(unrestricted.subject)).json()
    assert body["address_visible"] is True and set(body) >= ADDRESS


def test_the_list_annotation_agrees_with_the_selector(world):
    """The set-wise rule in the API equals people.selectors.person_address_visible."""
    led = make_case(lead=world.partner_practitioner, address_restricted=True)
    shared = make_case(lead=world.lead_practitioner, address_restricted=True)
    involve(case=shared, manager=world.lead_manager, agency=world.partner)
    PersonFactory(created_by_agency=world.partner, address_restricted=True)
    actor = actor_of(world.partner_practitioner)
    rows = api_client_for(world.partner_practitioner).get(PEOPLE).json()["results"]
    assert len(rows) == 3
    for row in rows:
        person = Person.objects.get(pk=row["id"])
        assert row["address_visible"] == person_address_visible(actor=actor, person=person)
    assert {r["id"]: r["address_visible"] for r in rows}[str(shared.subject_id)] is False
    assert {r["id"]: r["address_visible"] for r in rows}[str(led.subject_id)] is True


def test_create_a_person_checks_for_duplicates_first(world, shared_case):
    client = api_client_for(world.lead_practitioner)
    subject = shared_case.subject
    same = {"given_name": subject.given_name, "family_name": subject.family_name,
            "date_of_birth": subject.date_of_birth.isoformat()}
    response = client.post(PEOPLE, same, format="json")
    assert response.status_code == 409
    assert response.json()["possible_matches"] == [str(subject.pk)]
    assert Person.objects.count() == 1
    created = client.post(PEOPLE, {**same, "confirm_new": True, "address_restricted": True,
                                   "town": "Northbridge", "may_text": True}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["created_by_agency"] == str(world.lead.pk)
    assert body["address_visible"] is True and body["town"] == "Northbridge"
    assert "confirm_new" not in body
    assert AccessEvent.objects.filter(object_id=body["id"], action="create").exists()


def test_create_refuses_bad_input_with_field_errors(world):
    client = api_client_for(world.lead_practitioner)
    response = client.post(PEOPLE, {"family_name": "Doe", "gender": "dragon",
                                    "date_of_birth": "31/02/1990", "email": "nope"},
                           format="json")
    assert response.status_code == 400
    assert {"given_name", "gender", "date_of_birth", "email"} <= set(response.json())
    assert not Person.objects.exists()


def test_people_list_query_count_is_constant(world):
    client = api_client_for(world.lead_practitioner)

    def count() -> int:
        client.get(PEOPLE)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PEOPLE).status_code == 200
        return len(queries.captured_queries)

    for n in range(5):
        make_case(lead=world.lead_practitioner, address_restricted=bool(n % 2))
    small = count()
    for n in range(25):
        make_case(lead=world.lead_practitioner, address_restricted=bool(n % 2))
    assert count() == small
