"""The agency admin's webhook pages: the secret once, errors summarised, 404 for anyone else
with nothing changed, the delivery log with its answers and "send again"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.agencies.models import Role
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import client_for
from tests.factories import make_member
from tests.referrals.helpers import make_referral, make_service
from tests.webhooks.conftest import register

pytestmark = pytest.mark.django_db
PUBLIC = "https://93.184.215.14/hooks"


def _state():
    return list(WebhookEndpoint.objects.order_by("pk").values_list(
        "pk", "url", "events", "active", "secret", "description"))


def test_add_shows_the_secret_once_then_never(world, partner_admin):
    client = client_for(partner_admin)
    assert client.get("/agency/webhooks/new/").status_code == 200
    response = client.post("/agency/webhooks/new/", {
        "url": PUBLIC, "description": "Case system",
        "events": ["referral.received", "action.due"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.events == ["referral.received", "action.due"]
    for page in ("/agency/webhooks/", f"/agency/webhooks/{endpoint.pk}/",
                 f"/agency/webhooks/{endpoint.pk}/deliveries/"):
        answer = client.get(page)
        assert answer.status_code == 200
        assert endpoint.secret not in answer.content.decode()
    assert b"Webhooks" in client.get("/agency/staff/").content  # in the admin navigation


def test_every_error_is_summarised(world, partner_admin):
    client = client_for(partner_admin)
    response = client.post("/agency/webhooks/new/", {"url": "http://93.184.215.14/x",
                                                     "description": "d" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Choose at least one event" in html
    assert "Description must be 200 characters or fewer" in html
    response = client.post("/agency/webhooks/new/", {"url": "http://93.184.215.14/x",
                                                     "events": ["referral.received"]})
    assert response.status_code == 400
    assert "The address must start with https://" in response.content.decode()
    response = client.post("/agency/webhooks/new/", {"url": "https://10.0.0.1/",
                                                     "events": ["nope"]})
    assert response.status_code == 400
    assert "Choose events from the list" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_change_turn_off_rotate_and_test(world, partner_admin):
    endpoint, secret = register(admin=partner_admin, url=PUBLIC)
    client = client_for(partner_admin)
    page = f"/agency/webhooks/{endpoint.pk}/"
    response = client.post(page, {"url": PUBLIC, "events": ["action.due"], "description": ""})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.events) == (False, ["action.due"])
    response = client.post(page + "test/")  # off: refused with a message, nothing queued
    assert response.status_code == 302 and not WebhookDelivery.objects.exists()
    client.post(page, {"url": PUBLIC, "events": ["action.due"], "active": "on"})
    response = client.post(page + "secret/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    endpoint.refresh_from_db()
    assert endpoint.secret != secret and endpoint.secret in response.content.decode()
    assert client.post(page + "test/").status_code == 302
    assert WebhookDelivery.objects.get().event == "webhook.test"


@pytest.mark.parametrize("who", ["lead_admin", "partner_manager", "partner_practitioner",
                                 "auditor", "outsider_manager"])
def test_anyone_else_gets_404_and_changes_nothing(world, partner_admin, who):
    endpoint, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    make_referral(world=world)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(status=DeliveryStatus.GIVEN_UP)
    member = (make_member(agency=world.partner, role=Role.AUDITOR) if who == "auditor"
              else getattr(world, who))
    client = client_for(member)
    before = (_state(), list(WebhookDelivery.objects.values_list("status", "attempts")))
    base = f"/agency/webhooks/{endpoint.pk}/"
    for url in (base, base + "deliveries/"):
        assert client.get(url).status_code == 404
    for url in (base, base + "secret/", base + "test/",
                f"{base}deliveries/{delivery.pk}/send-again/"):
        assert client.post(url, {"url": PUBLIC, "events": ["action.due"]}).status_code == 404
    if who != "lead_admin":  # the lead's admin manages the lead's own webhooks
        assert client.get("/agency/webhooks/").status_code == 404
        assert client.post("/agency/webhooks/new/", {
            "url": PUBLIC, "events": ["action.due"]}).status_code == 404
    else:
        assert endpoint.url not in client.get("/agency/webhooks/").content.decode()
    assert (_state(), list(WebhookDelivery.objects.values_list("status", "attempts"))) == before


def test_delivery_log_shows_answers_and_sends_again(world, partner_admin):
    endpoint, _ = register(admin=partner_admin, url=PUBLIC, events=["referral.received"])
    service = make_service(agency=world.partner)
    make_referral(world=world, service=service)
    WebhookDelivery.objects.update(status=DeliveryStatus.GIVEN_UP, attempts=10,
                                   response_status=500, response_excerpt="upstream broke",
                                   last_error="The receiver answered 500.")
    client = client_for(partner_admin)
    log = f"/agency/webhooks/{endpoint.pk}/deliveries/"
    html = client.get(log).content.decode()
    assert "upstream broke" in html and "500" in html and "Failed: given up" in html
    delivery = WebhookDelivery.objects.get()
    assert client.post(f"{log}{delivery.pk}/send-again/").status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    # Not failed any more: refused with a message, unchanged.
    assert client.post(f"{log}{delivery.pk}/send-again/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    with CaptureQueriesContext(connection) as few:
        client.get(log)
    for _ in range(6):
        make_referral(world=world, service=service)
    with CaptureQueriesContext(connection) as more:
        assert client.get(log).status_code == 200
    assert len(more) == len(few)
    with CaptureQueriesContext(connection) as listing:
        client.get("/agency/webhooks/")
    register(admin=partner_admin, url=PUBLIC)
    with CaptureQueriesContext(connection) as longer:
        client.get("/agency/webhooks/")
    assert len(longer) == len(listing)
    assert client.get(log + "?after=garbage").status_code == 400
