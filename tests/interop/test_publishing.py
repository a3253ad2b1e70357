"""An agency admin chooses what the public ORUK directory shows, and its capacity."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.agencies.models import Service
from tests.conftest import api_client_for, client_for
from tests.referrals.helpers import make_service

pytestmark = pytest.mark.django_db

FORM = {"name": "IDVA service", "description": "Advocacy.", "response_target_hours": "8",
        "accepting_referrals": "on", "active": "on"}


def test_admin_publishes_a_service_with_its_capacity(world):
    cache.clear()
    service = make_service(agency=world.lead)
    client = client_for(world.lead_admin)
    assert b"Publish in the open directory" in client.get(
        f"/services/{service.pk}/edit/").content
    assert client.get("/oruk/services").json()["total_items"] == 0
    response = client.post(f"/services/{service.pk}/edit/",
                           {**FORM, "published": "on", "waiting_time_days": "10"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.published and service.waiting_time_days == 10
    assert service.capacity_updated_at is not None
    cache.clear()
    public = client.get("/oruk/services").json()["contents"]
    assert [(s["name"], s["alert"]) for s in public] == [
        ("IDVA service", "Accepting referrals. Typical wait: 10 days.")]
    detail = client.get(f"/services/{service.pk}/").content
    assert b"10 days" in detail and b"Capacity last updated" in detail
    api = api_client_for(world.lead_practitioner).get(f"/api/v1/services/{service.pk}/").json()
    assert (api["published"], api["waiting_time_days"]) == (True, 10)


def test_waiting_time_must_be_a_whole_number(world):
    service = make_service(agency=world.lead)
    response = client_for(world.lead_admin).post(f"/services/{service.pk}/edit/",
                                                 {**FORM, "waiting_time_days": "-2"})
    assert response.status_code == 400
    assert b"Enter a waiting time of 0 days or more." in response.content
    assert Service.objects.get(pk=service.pk).waiting_time_days is None


def test_others_cannot_publish(world):
    service = make_service(agency=world.lead)
    for member in (world.lead_practitioner, world.partner_manager):
        response = client_for(member).post(f"/services/{service.pk}/edit/",
                                           {**FORM, "published": "on"})
        assert response.status_code == 404
    assert not Service.objects.get(pk=service.pk).published
