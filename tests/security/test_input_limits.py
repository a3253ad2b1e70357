"""Length and date limits on what people type (issue 11 item 13).

One definition (``apps.core.limits``) for every channel: the form and the API refuse the
same input with a message naming the field, the page shows the limit (GOV.UK character
count, ``maxlength``) and the OpenAPI schema carries ``maxLength``.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from apps.action_plans.models import Action
from apps.cases.models import CaseNote
from apps.core.limits import TEXT_MAX_LENGTH
from apps.marac.models import Meeting
from apps.people.models import Person
from tests.conftest import api_client_for, client_for
from tests.dates import date_data
from tests.marac.helpers import make_marac

pytestmark = pytest.mark.django_db
TOO_LONG = "x" * (TEXT_MAX_LENGTH + 1)
FAR_FUTURE = "9999-12-31"


def test_a_note_over_10000_characters_is_refused_by_the_api_with_a_named_message(
        world, shared_case):
    client = api_client_for(world.lead_practitioner)
    url = f"/api/v1/cases/{shared_case.pk}/notes/"
    response = client.post(url, {"text": TOO_LONG}, format="json")
    assert response.status_code == 400
    assert response.json() == {"text": ["Note must be 10,000 characters or fewer"]}
    assert not CaseNote.objects.filter(case=shared_case, text=TOO_LONG).exists()
    assert client.post(url, {"text": "x" * TEXT_MAX_LENGTH}, format="json").status_code == 201


def test_a_note_over_10000_characters_is_refused_by_the_form_with_the_same_message(
        world, shared_case):
    client = client_for(world.lead_practitioner)
    response = client.post(f"/cases/{shared_case.pk}/notes/",
                           {"text": TOO_LONG, "kind": "note", "visibility": "shared"})
    assert response.status_code == 400  # the case page again, with the error
    assert "Note must be 10,000 characters or fewer" in response.content.decode()
    assert not CaseNote.objects.filter(case=shared_case, text=TOO_LONG).exists()


@pytest.mark.parametrize(("field", "message"), [
    ("summary", "Summary must be 10,000 characters or fewer"),
])
def test_a_long_case_summary_is_refused_by_the_api(world, shared_case, field, message):
    response = api_client_for(world.lead_manager).patch(
        f"/api/v1/cases/{shared_case.pk}/", {field: TOO_LONG}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_text_areas_show_the_limit_as_a_govuk_character_count(world, shared_case):
    html = client_for(world.lead_practitioner).get(f"/cases/{shared_case.pk}/")
    page = html.content.decode()
    assert html.status_code == 200
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in page
    assert "govuk-js-character-count" in page
    assert "You can enter up to 10,000 characters" in page


def test_short_text_inputs_carry_maxlength(world):
    page = client_for(world.lead_practitioner).get("/people/new/").content.decode()
    assert 'name="given_name"' in page and 'maxlength="100"' in page


@pytest.mark.parametrize(("date_of_birth", "message"), [
    (FAR_FUTURE, "Date of birth must be today or in the past"),
    ("1899-12-31", "Date of birth must be on or after 1 January 1900"),
])
def test_an_impossible_date_of_birth_is_refused_by_the_api(world, date_of_birth, message):
    response = api_client_for(world.lead_practitioner).post("/api/v1/people/", {
        "given_name": "Ada", "family_name": "Limit", "date_of_birth": date_of_birth,
        "confirm_new": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": [message]}
    assert not Person.objects.filter(family_name="Limit").exists()


def test_a_due_date_far_in_the_future_is_refused_by_the_api_and_the_form(world, shared_case):
    body = {"case": str(shared_case.pk), "description": "Check in weekly.",
            "owner_agency": str(world.partner.pk), "due_date": FAR_FUTURE}
    response = api_client_for(world.partner_practitioner).post("/api/v1/actions/", body,
                                                              format="json")
    assert response.status_code == 400
    assert response.json() == {"due_date": ["Due date must be within 5 years from today"]}
    page = client_for(world.partner_practitioner).post(
        f"/cases/{shared_case.pk}/action-plan/actions/",
        {"description": "Check in weekly.", "owner_agency": str(world.partner.pk),
         **date_data("due_date", datetime.date(9999, 12, 31)), "priority": "medium"})
    assert "Due date must be within 5 years from today" in page.content.decode()
    assert not Action.objects.filter(description="Check in weekly.").exists()
    soon = str(timezone.localdate() + datetime.timedelta(days=30))
    response = api_client_for(world.partner_practitioner).post(
        "/api/v1/actions/", {**body, "due_date": soon}, format="json")
    assert response.status_code == 201, response.content


def test_a_meeting_location_over_the_column_size_is_a_400_not_a_500(world):
    marac = make_marac(world)
    response = api_client_for(marac.coordinator).post("/api/v1/marac/meetings/", {
        "area": str(marac.area.pk), "starts_at": (timezone.now() + datetime.timedelta(
            days=7)).isoformat(), "location": "x" * 201}, format="json")
    assert response.status_code == 400
    assert response.json() == {"location": ["Location must be 200 characters or fewer"]}
    assert not Meeting.objects.filter(area=marac.area).exists()


def test_the_schema_carries_the_limits():
    schema = Client().get("/api/schema/",
                          HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    assert components["NoteCreateRequest"]["properties"]["text"]["maxLength"] == 10_000
    assert components["ActionCreateRequest"]["properties"]["description"]["maxLength"] == 10_000
    assert components["MeetingCreateRequest"]["properties"]["location"]["maxLength"] == 200
    assert components["PersonCreateRequest"]["properties"]["given_name"]["maxLength"] == 100
    assert "5 years" in components["ActionCreateRequest"]["properties"]["due_date"][
        "description"]
