"""``/api/v1/webhooks/``: agency admins of the acting agency only; exact statuses, nothing
changed when refused; 400 for bad input; the delivery log's pages and query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.agencies.models import Role
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import api_client_for
from tests.factories import make_member
from tests.referrals.helpers import make_referral, make_service
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db
PUBLIC = "https://93.184.215.14/hooks"
NEW = {"url": PUBLIC, "events": ["referral.received"], "description": "Case system"}


def _state():
    return list(WebhookEndpoint.objects.order_by("pk").values_list(
        "pk", "url", "events", "active", "secret", "description"))


def test_admin_creates_sees_the_secret_once_updates_rotates_and_deletes(world, partner_admin):
    client = api_client_for(partner_admin)
    response = client.post("/api/v1/webhooks/", NEW, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and created["created_by"] == partner_admin.user.username
    path = f"/api/v1/webhooks/{created['id']}/"
    shown = client.get(path).json()
    assert "secret" not in shown and secret not in str(client.get("/api/v1/webhooks/").json())
    response = client.patch(path, {"active": False, "events": ["action.due"]}, format="json")
    assert response.status_code == 200
    assert (response.json()["active"], response.json()["events"]) == (False, ["action.due"])
    rotated = client.post(path + "rotate-secret/").json()["secret"]
    assert rotated != secret
    assert WebhookEndpoint.objects.get().secret == rotated
    assert client.delete(path).status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({**NEW, "url": "http://93.184.215.14/hooks"}, "url"),
    ({**NEW, "url": "https://10.0.0.5/hooks"}, "url"),
    ({**NEW, "url": "https://169.254.169.254/"}, "url"),
    ({**NEW, "url": 42}, "url"),
    ({**NEW, "url": "x" * 600}, "url"),
    ({**NEW, "events": ["referral.eaten"]}, "events"),
    ({**NEW, "events": []}, "events"),
    ({**NEW, "events": "referral.received"}, "events"),
    ({**NEW, "description": "d" * 201}, "description"),
    ({"events": ["referral.received"]}, "url"),
])
def test_bad_input_is_400_with_the_field(world, partner_admin, body, field):
    client = api_client_for(partner_admin)
    response = client.post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not WebhookEndpoint.objects.exists()


def test_bad_update_is_400_and_changes_nothing(world, partner_admin):
    endpoint, _ = register(admin=partner_admin, url=PUBLIC)
    before = _state()
    client = api_client_for(partner_admin)
    for body in ({"url": "https://127.0.0.1/x"}, {"events": ["nope"]}, {"active": "maybe"}):
        response = client.patch(f"/api/v1/webhooks/{endpoint.pk}/", body, format="json")
        assert response.status_code == 400, body
    assert _state() == before


@pytest.mark.parametrize("who", ["other_admin", "partner_manager", "partner_practitioner",
                                 "auditor", "outsider_manager"])
def test_others_get_exact_statuses_and_change_nothing(world, partner_admin, who):
    endpoint, _ = register(admin=partner_admin, url=PUBLIC)
    make_referral(world=world)  # no subscriber of the lead's: nothing for the lead
    members = {"other_admin": make_member(agency=world.lead, role=Role.AGENCY_ADMIN),
               "auditor": make_member(agency=world.partner, role=Role.AUDITOR),
               "partner_manager": world.partner_manager,
               "partner_practitioner": world.partner_practitioner,
               "outsider_manager": world.outsider_manager}
    client = api_client_for(members[who])
    before, deliveries = _state(), WebhookDelivery.objects.count()
    path = f"/api/v1/webhooks/{endpoint.pk}/"
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert client.get(path).status_code == 404
    assert client.patch(path, {"active": False}, format="json").status_code == 404
    assert client.delete(path).status_code == 404
    assert client.post(path + "rotate-secret/").status_code == 404
    assert client.get(path + "deliveries/").status_code == 404
    if who != "other_admin":  # another agency's admin may register their own agency's
        assert client.post("/api/v1/webhooks/", NEW, format="json").status_code == 403
    assert _state() == before and WebhookDelivery.objects.count() == deliveries


def test_delivery_log_pages_with_fixed_queries(world, partner_admin):
    endpoint, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    service = make_service(agency=world.partner)
    for _ in range(3):
        make_referral(world=world, service=service)
    client = api_client_for(partner_admin)
    log = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"
    path = log + "?page_size=2"
    with CaptureQueriesContext(connection) as few:
        first = client.get(path).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = {r["id"] for r in first["results"] + second["results"]}
    assert len(ids) == 3
    row = first["results"][0]
    assert row["status"] == "pending" and row["event"] == "referral.received"
    assert set(row["payload"]) == {"id", "event", "created_at", "agency", "data"}
    for _ in range(5):
        make_referral(world=world, service=service)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(log + "?page_size=8").json()["results"]) == 8
    assert len(more) == len(few)
    with CaptureQueriesContext(connection) as listing:
        client.get("/api/v1/webhooks/")
    register(admin=partner_admin, url=PUBLIC)
    register(admin=partner_admin, url=PUBLIC)
    with CaptureQueriesContext(connection) as longer:
        assert len(client.get("/api/v1/webhooks/").json()["results"]) == 3
    assert len(longer) == len(listing)
    assert client.get(path + "&cursor=garbage").status_code == 400


def test_schema_documents_the_operations(world):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert set(paths["/api/v1/webhooks/"]) >= {"get", "post"}
    assert set(paths["/api/v1/webhooks/{id}/"]) >= {"get", "patch", "delete"}
    assert "post" in paths["/api/v1/webhooks/{id}/rotate-secret/"]
    assert "get" in paths["/api/v1/webhooks/{webhook_id}/deliveries/"]
