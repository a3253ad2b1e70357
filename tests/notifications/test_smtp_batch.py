"""Delivery through a real SMTP server on 127.0.0.1: a batch goes over one connection, and
one refused address does not hold up (or lose) the rest."""

from __future__ import annotations

import pytest
from django.test import override_settings

from apps.notifications import services
from apps.notifications.models import DeliveryState, Notification
from bench.smtp_sink import smtp_sink
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _rows(world, count: int) -> list:
    members = [make_member(agency=world.partner) for _ in range(count)]
    return services.notify(recipients=[m.user for m in members], kind="test",
                           target_type="referral", target_id=world.partner.pk,
                           title="New referral NB-000001 from Northbridge Police",
                           url="/referrals/x/", agency_id=world.partner.pk)


def _smtp(port: int):
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False,
                             EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_TIMEOUT=5)


def test_a_batch_is_sent_over_one_connection_in_fixed_queries(
        world, django_assert_max_num_queries):
    ids = _rows(world, 20)
    with smtp_sink() as (sink, port), _smtp(port), django_assert_max_num_queries(6):
        assert services.notifications_deliver(notification_ids=ids) == 20
    assert sink.connections == 1
    assert len(sink.received) == 20
    assert set(Notification.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        DeliveryState.DELIVERED}
    assert services.notifications_deliver(notification_ids=ids) == 0  # exactly once


def test_a_refused_address_fails_alone_and_is_retried_later(world):
    ids = _rows(world, 5)
    refused = Notification.objects.select_related("recipient").get(pk=ids[2])
    with smtp_sink(refuse={refused.recipient.email}) as (sink, port), _smtp(port):
        assert services.notifications_deliver(notification_ids=ids) == 4
    assert len(sink.received) == 4
    refused.refresh_from_db()
    assert refused.state == DeliveryState.FAILED and refused.emailed_at is None
    assert refused.last_error.startswith("email:") and refused.next_attempt_at
    delivered = Notification.objects.filter(pk__in=ids, state=DeliveryState.DELIVERED)
    assert delivered.count() == 4 and not delivered.filter(emailed_at__isnull=True).exists()
    with smtp_sink() as (sink, port), _smtp(port):  # the retry goes through
        assert services.notifications_deliver(notification_ids=[refused.pk]) == 1
    assert len(sink.received) == 1
