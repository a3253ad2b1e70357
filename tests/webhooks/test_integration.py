"""Webhooks through a real Redis broker and a real Celery worker, to a real HTTP server on
127.0.0.1 started by the test.

Like tests/notifications/test_integration.py: each test runs its own redis-server (so it may
stop and restart it; the shared embedded Redis is never touched) and a worker thread."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from apps.webhooks import delivery as outbox
from apps.webhooks.models import DeliveryStatus, WebhookDelivery
from config.celery import app
from tests.conftest import api_client_for
from tests.factories import make_case
from tests.referrals.helpers import make_referral, make_service
from tests.webhooks.conftest import register
from tests.webhooks.test_signing import documented_verify

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10)


def _wait_status(status: str, timeout: float = 15.0) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = WebhookDelivery.objects.first()
        if row is not None and row.status == status:
            return row
        time.sleep(0.02)
    raise AssertionError(f"not {status} in {timeout}s: "
                         f"{list(WebhookDelivery.objects.values('status', 'last_error'))}")


def test_submitted_referral_reaches_the_receiver_signed_within_seconds(
        world, partner_admin, receiver, private_redis, capsys):
    _endpoint, secret = register(admin=partner_admin, url=receiver.url,
                                events=["referral.received"])
    with _worker():
        started = time.monotonic()
        referral = make_referral(world=world)
        [request] = receiver.wait_for(1, timeout=10)
        row = _wait_status(DeliveryStatus.SENT)
    latency = request.at - started
    with capsys.disabled():
        print(f"\nwebhook referral.received through Redis + worker: {latency:.3f}s")
    assert latency < 5
    assert request.headers["Wraparound-Event"] == "referral.received"
    assert request.headers["Wraparound-Delivery"] == str(row.event_id)
    assert documented_verify()(secret, request.body, request.headers["Wraparound-Signature"])
    assert str(referral.pk).encode() in request.body
    assert (row.attempts, row.response_status) == (1, 200)


def test_redis_restart_delivers_the_event_exactly_once(
        world, partner_admin, receiver, private_redis, capsys):
    _endpoint, secret = register(admin=partner_admin, url=receiver.url,
                                events=["referral.received"])
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    client = api_client_for(world.lead_practitioner)

    private_redis.stop()  # the broker is down when the event happens
    started = time.monotonic()
    response = client.post("/api/v1/referrals/", {
        "case": str(case.pk), "to_service": str(service.pk), "reason": "Needs an IDVA",
        "shared_information": "Incidents.", "sharing_kind": "consent",
        "consent_given_by": "person", "consent_given_on": "2026-01-05", "submit": True,
    }, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert elapsed < 2.0
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0

    private_redis.start()  # Redis is back
    with _worker():
        time.sleep(0.5)
        assert receiver.requests == []  # the publish was lost: nothing sent yet
        assert outbox.sweep() == 0  # not due yet (backoff)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert outbox.sweep() == 1
        receiver.wait_for(1)
        _wait_status(DeliveryStatus.SENT)
        # A stray duplicate publish, or a sweep racing the worker, sends nothing more.
        outbox.publish([row.pk])
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox.sweep()
        time.sleep(1.0)
    with capsys.disabled():
        print(f"\nreferral submit with Redis stopped answered in {elapsed:.3f}s")
    assert len(receiver.requests) == 1
    [request] = receiver.requests
    assert request.headers["Wraparound-Delivery"] == str(row.event_id)
    assert documented_verify()(secret, request.body, request.headers["Wraparound-Signature"])
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)


def test_receiver_500_is_retried_by_the_sweep_and_the_log_shows_each_answer(
        world, partner_admin, receiver, private_redis):
    endpoint, _ = register(admin=partner_admin, url=receiver.url,
                           events=["referral.received"])
    receiver.statuses = [500]
    with _worker():
        make_referral(world=world)
        receiver.wait_for(1)
        row = _wait_status(DeliveryStatus.FAILED)
        assert (row.response_status, row.response_excerpt) == (500,
                                                              "receiver error: try later")
        assert row.next_attempt_at > timezone.now() + timedelta(seconds=25)  # backoff
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert outbox.sweep() == 1
        receiver.wait_for(2)
        row = _wait_status(DeliveryStatus.SENT)
    assert (row.attempts, row.response_status, row.response_excerpt) == (2, 200, "ok")
    assert len({r.headers["Wraparound-Delivery"] for r in receiver.requests}) == 1
    [logged] = api_client_for(partner_admin).get(
        f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert (logged["status"], logged["attempts"], logged["response_status"],
            logged["response_excerpt"]) == ("sent", 2, 200, "ok")
