"""Bad input is a 400, never a 500 (issue 11, items 10 and 11).

NUL characters anywhere (query parameters, form fields, JSON strings and keys), JSON nested
deeper than 32 levels and JSON bodies over the size limit are refused before they reach a
view, with a clear message; nothing is written.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from apps.cases.models import CaseNote
from apps.core.api.parsers import DEPTH_MESSAGE, NUL_MESSAGE
from apps.core.middleware import NUL_MESSAGE as QUERY_NUL_MESSAGE
from tests.conftest import api_client_for, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/referrals/?status=%00",
    "/api/v1/actions/?status=%00",
    "/api/v1/marac/referrals/?status=%00",
    "/api/v1/cases/?status=open%00",
    "/api/v1/services/?need=%00",
    "/api/v1/people/?x%00=1",
])
def test_a_nul_in_an_api_query_parameter_is_a_400_with_a_json_error(world, url):
    response = api_client_for(world.lead_practitioner).get(url)
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": QUERY_NUL_MESSAGE}
    assert "no-store" in response["Cache-Control"]


def test_a_nul_in_a_page_query_parameter_is_the_plain_400_page(world):
    response = client_for(world.lead_practitioner).get("/referrals/outgoing/?status=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_written(world, shared_case):
    client = client_for(world.lead_practitioner)
    before = CaseNote.objects.count()
    response = client.post(f"/cases/{shared_case.pk}/notes/",
                           {"text": "Visited\x00 today", "kind": "note",
                            "visibility": "shared"})
    assert response.status_code == 400
    assert b"govuk-textarea" not in response.content  # the plain 400 page, not the form
    assert CaseNote.objects.count() == before


@pytest.mark.parametrize("body", [
    {"text": "Visited\u0000 today"},
    {"text": "Visited", "kind\u0000": "note"},
    {"text": "Visited", "extra": [{"deep": ["a\u0000"]}]},
])
def test_a_nul_in_a_json_string_or_key_is_a_400(world, shared_case, body):
    before = CaseNote.objects.count()
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}
    assert CaseNote.objects.count() == before


@pytest.mark.parametrize("depth", [33, 10_000])
def test_deeply_nested_json_is_a_400(world, shared_case, depth):
    raw = "[" * depth + "]" * depth
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": DEPTH_MESSAGE}


def test_json_nested_within_the_limit_is_parsed(world, shared_case):
    raw = json.dumps({"text": "Visited", "kind": "note", "visibility": "shared",
                      "ignored": json.loads("[" * 30 + "]" * 30)})
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", raw, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_json_body_over_the_size_limit_is_a_400(world, shared_case):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    raw = json.dumps({"text": "x" * limit})
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["detail"]


def test_the_api_takes_json_only(world, shared_case):
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", "text=Visited",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_malformed_json_is_a_400(world, shared_case):
    response = api_client_for(world.lead_practitioner).post(
        f"/api/v1/cases/{shared_case.pk}/notes/", '{"text": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_anonymous_nul_is_refused_before_anything_else():
    assert Client().get("/accounts/login/?next=%00").status_code == 400
