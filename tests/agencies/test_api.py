"""The agency directory API."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.agencies.models import Agency
from tests.conftest import api_client_for, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AGENCIES = "/api/v1/agencies/"


def test_every_member_sees_the_directory_of_active_agencies(world):
    Agency.objects.filter(pk=world.outsider.pk).update(active=False)
    for client in (api_client_for(world.partner_practitioner),
                   client_for(world.lead_practitioner)):
        response = client.get(AGENCIES)
        assert response.status_code == 200
        rows = response.json()["results"]
        assert {r["name"] for r in rows} == {"Northbridge Police", "Safe Haven"}
        assert set(rows[0]) == {"id", "name", "kind", "sector", "charity_number",
                                "company_number", "ods_code"}
        detail = client.get(f"{AGENCIES}{world.partner.pk}/")
        assert detail.status_code == 200 and detail.json()["kind"] == "voluntary"
        assert client.get(f"{AGENCIES}{world.outsider.pk}/").status_code == 404


def test_the_directory_is_read_only(world):
    client = api_client_for(world.lead_admin)
    assert client.post(AGENCIES, {"name": "New"}, format="json").status_code == 405
    assert client.delete(f"{AGENCIES}{world.lead.pk}/").status_code == 405


def test_anonymous_and_agencyless_callers_get_nothing(world):
    assert APIClient().get(AGENCIES).status_code == 401
    client = Client()
    client.force_login(UserFactory())
    assert client.get(AGENCIES).json()["results"] == []
    assert client.get(f"{AGENCIES}{world.lead.pk}/").status_code == 404
