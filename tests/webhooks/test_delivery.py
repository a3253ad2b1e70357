"""Sending to a real HTTP server on 127.0.0.1 (started by the test), without the broker:
signature and headers, retries with backoff after a 500, giving up, redirects not followed,
the address checked again before each send, and "send again"."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import TransitionNotAllowed
from apps.webhooks import delivery as outbox
from apps.webhooks import services
from apps.webhooks.models import DeliveryStatus, WebhookDelivery
from tests.factories import actor_of
from tests.referrals.helpers import make_referral
from tests.webhooks.conftest import register
from tests.webhooks.test_signing import documented_verify

pytestmark = pytest.mark.django_db


def _send_all() -> list[str]:
    return [outbox.send(delivery_id=pk) for pk in
            WebhookDelivery.objects.order_by("created_at").values_list("pk", flat=True)]


def test_signed_delivery_with_headers(world, partner_admin, receiver):
    _endpoint, secret = register(admin=partner_admin, url=receiver.url,
                                events=["referral.received"])
    referral = make_referral(world=world)
    assert _send_all() == [DeliveryStatus.SENT]
    [request] = receiver.requests
    row = WebhookDelivery.objects.get()
    assert request.path == "/hooks"
    assert request.headers["Wraparound-Event"] == "referral.received"
    assert request.headers["Wraparound-Delivery"] == str(row.event_id)
    assert request.headers["Content-Type"] == "application/json"
    assert documented_verify()(secret, request.body, request.headers["Wraparound-Signature"])
    body = json.loads(request.body)
    assert body["id"] == str(row.event_id) and body["data"] == {"referral": str(referral.pk)}
    assert (row.status, row.attempts, row.response_status, row.response_excerpt) == (
        DeliveryStatus.SENT, 1, 200, "ok")
    assert row.sent_at and row.next_attempt_at is None
    assert outbox.send(delivery_id=row.pk) == ""  # already sent: nothing more
    assert len(receiver.requests) == 1


def test_500_is_retried_with_backoff_then_succeeds(world, partner_admin, receiver):
    register(admin=partner_admin, url=receiver.url, events=["referral.received"])
    make_referral(world=world)
    receiver.statuses = [500, 503]
    row = WebhookDelivery.objects.get()
    before = timezone.now()
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.FAILED
    row.refresh_from_db()
    assert (row.attempts, row.response_status) == (1, 500)
    assert row.response_excerpt == "receiver error: try later"
    assert row.last_error == "The receiver answered 500."
    wait1 = row.next_attempt_at - before
    assert timedelta(seconds=29) < wait1 <= timedelta(seconds=31)
    assert outbox.sweep() == 0  # not due yet
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    before = timezone.now()
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.FAILED
    row.refresh_from_db()
    assert row.attempts == 2 and row.response_status == 503
    assert timedelta(seconds=59) < row.next_attempt_at - before <= timedelta(seconds=61)
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.SENT
    row.refresh_from_db()
    assert (row.attempts, row.response_status, row.last_error) == (3, 200, "")
    events = {r.headers["Wraparound-Delivery"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and events == {str(row.event_id)}


def test_gives_up_and_send_again(world, partner_admin, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    _endpoint, _ = register(admin=partner_admin, url=receiver.url, events=["referral.received"])
    make_referral(world=world)
    receiver.statuses = [500, 500]
    row = WebhookDelivery.objects.get()
    outbox.send(delivery_id=row.pk)
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.GIVEN_UP
    row.refresh_from_db()
    assert row.next_attempt_at is None and row.attempts == 2
    assert outbox.sweep() == 0
    services.delivery_resend(actor=actor_of(partner_admin), delivery=row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)
    with pytest.raises(TransitionNotAllowed):
        services.delivery_resend(actor=actor_of(partner_admin), delivery=row)
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.SENT
    assert len({r.headers["Wraparound-Delivery"] for r in receiver.requests}) == 1


def test_redirect_is_not_followed(world, partner_admin, receiver):
    register(admin=partner_admin, url=receiver.url, events=["referral.received"])
    make_referral(world=world)
    receiver.statuses = [302]
    assert _send_all() == [DeliveryStatus.FAILED]
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().response_status == 302


def test_address_checked_again_before_sending(world, partner_admin, receiver, settings):
    register(admin=partner_admin, url=receiver.url, events=["referral.received"])
    make_referral(world=world)
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = []  # the operator withdrew the exception
    assert _send_all() == [DeliveryStatus.FAILED]
    row = WebhookDelivery.objects.get()
    assert row.last_error.startswith("Not sent:") and row.response_status is None
    assert receiver.requests == []


def test_turned_off_endpoint_gives_up(world, partner_admin, receiver):
    endpoint, _ = register(admin=partner_admin, url=receiver.url,
                           events=["referral.received"])
    make_referral(world=world)
    services.endpoint_update(actor=actor_of(partner_admin), endpoint=endpoint, active=False)
    assert _send_all() == [DeliveryStatus.GIVEN_UP]
    assert receiver.requests == []


def test_send_test_event(world, partner_admin, receiver):
    endpoint, _secret = register(admin=partner_admin, url=receiver.url,
                                events=["action.due"])
    row = services.endpoint_send_test(actor=actor_of(partner_admin), endpoint=endpoint)
    assert outbox.send(delivery_id=row.pk) == DeliveryStatus.SENT
    [request] = receiver.requests
    assert request.headers["Wraparound-Event"] == "webhook.test"
    assert json.loads(request.body)["data"] == {"endpoint": str(endpoint.pk)}


def test_unreachable_receiver_is_a_failure_not_an_error(world, partner_admin, local_hooks):
    register(admin=partner_admin, url="http://127.0.0.1:9/hooks",
             events=["referral.received"])
    make_referral(world=world)
    assert _send_all() == [DeliveryStatus.FAILED]
    assert WebhookDelivery.objects.get().last_error.startswith("Could not connect")
