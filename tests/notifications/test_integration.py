"""Delivery through a real Redis broker and a real Celery worker.

Each test runs its own redis-server (so it may stop it; the shared embedded Redis is never
touched) and a Celery worker thread (celery.contrib.testing.worker.start_worker)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.notifications import services
from apps.notifications.models import DeliveryState, Notification
from config.celery import app
from tests.factories import make_case
from tests.referrals.helpers import make_referral, whole_agency_service

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_delivered(ids, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Notification.objects.filter(pk__in=ids).exclude(
                state=DeliveryState.DELIVERED).exists():
            return
        time.sleep(0.02)
    states = list(Notification.objects.filter(pk__in=ids).values_list("state", "last_error"))
    raise AssertionError(f"not delivered in {timeout}s: {states}")


def test_submit_is_delivered_by_the_worker_through_redis(world, private_redis, capsys):
    mail.outbox = []
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        referral = make_referral(world=world)
        rows = Notification.objects.filter(target_id=referral.pk, kind="referral_submitted")
        ids = list(rows.values_list("pk", flat=True))
        _wait_delivered(ids)
    latencies = [(n.delivered_at - n.created_at).total_seconds() for n in rows]
    with capsys.disabled():
        print(f"\nnotification delivery through Redis + worker: max {max(latencies):.3f}s "
              f"over {len(latencies)} notifications")
    assert max(latencies) < 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.partner_practitioner.user.email, world.partner_manager.user.email])


def test_redis_down_request_is_fast_and_the_sweep_later_delivers_exactly_once(
        world, private_redis, capsys):
    mail.outbox = []
    case = make_case(lead=world.lead_practitioner)
    service = whole_agency_service(agency=world.partner)  # team routing: all told
    _, key = api_token_create(membership=world.lead_practitioner, name="it")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    private_redis.stop()
    started = time.monotonic()
    response = client.post("/api/v1/referrals/", {
        "case": str(case.pk), "to_service": str(service.pk), "reason": "Needs an IDVA",
        "shared_information": "Incidents.", "sharing_kind": "consent",
        "consent_given_by": "person", "consent_given_on": "2026-01-05", "submit": True,
    }, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert elapsed < 2.0
    rows = Notification.objects.filter(target_id=response.json()["id"])
    ids = list(rows.values_list("pk", flat=True))
    assert len(ids) == 2
    assert set(rows.values_list("state", flat=True)) == {DeliveryState.FAILED}

    private_redis.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert services.outbox_sweep() == 0  # not due yet: backoff
        rows.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert services.outbox_sweep() == 2
        _wait_delivered(ids)
        # A stray duplicate publish (e.g. a sweep racing a slow worker) changes nothing.
        services.publish(ids)
        rows.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        services.outbox_sweep()
        time.sleep(0.5)
    with capsys.disabled():
        print(f"\nsubmit with Redis stopped answered in {elapsed:.3f}s")
    assert set(rows.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert len(mail.outbox) == 2
