"""The outbox: rows written with the change, published on commit, delivered exactly once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import DeliveryState, Notification
from apps.notifications.selectors import unread_count
from tests.factories import actor_of
from tests.notifications.broker import broker_at
from tests.referrals.helpers import make_referral, whole_agency_service

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis+socket:///tmp/wrap-h6-no-such-dir/redis.sock"


def _one(world, **fields) -> Notification:
    (pk,) = services.notify(recipients=[world.partner_practitioner.user], kind="test",
                            target_type="referral", target_id=world.partner.pk,
                            title="New referral NB-000001 from Northbridge Police",
                            url="/referrals/x/", agency_id=world.partner.pk)
    Notification.objects.filter(pk=pk).update(**fields)
    return Notification.objects.get(pk=pk)


def test_notify_writes_rows_and_publishes_only_on_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ids = services.notify(recipients=[world.partner_practitioner.user,
                                          world.partner_practitioner.user],
                              kind="test", target_type="referral", target_id=world.partner.pk,
                              title="t" * 250, url="/x/", agency_id=world.partner.pk)
    (row,) = Notification.objects.filter(pk__in=ids)
    assert row.state == DeliveryState.PENDING and row.title == "t" * 200
    assert len(callbacks) == 1
    assert unread_count(actor=actor_of(world.partner_practitioner)) == 1


def test_publish_with_the_broker_down_is_fast_and_marks_rows_failed(world):
    row = _one(world)
    with broker_at(DEAD_BROKER):
        started = time.monotonic()
        assert services.publish([row.pk]) == 0
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED and row.last_error


def test_deliver_is_exactly_once_and_the_email_has_no_personal_data(world):
    referral = make_referral(world=world)
    row = Notification.objects.get(kind="referral_submitted",
                                   recipient=world.partner_practitioner.user)
    assert services.notification_deliver(notification_id=row.pk) is True
    assert services.notification_deliver(notification_id=row.pk) is False
    sent = [m for m in mail.outbox if m.to == [world.partner_practitioner.user.email]]
    assert len(sent) == 1
    text = sent[0].subject + sent[0].body
    person = referral.case.subject
    for secret in (person.given_name, person.family_name, person.postcode, "1990"):
        assert secret not in text
    assert f"/referrals/{referral.pk}/" in sent[0].body
    row.refresh_from_db()
    assert row.state == DeliveryState.DELIVERED and row.emailed_at


def test_digest_users_get_no_immediate_email_and_one_daily_digest(world):
    services.notification_preference_set(user=world.partner_practitioner.user,
                                         email_mode="digest")
    services.notification_preference_set(user=world.partner_manager.user, email_mode="off")
    service = whole_agency_service(agency=world.partner)  # team routing: all told
    make_referral(world=world, service=service)
    make_referral(world=world, service=service)
    for row in Notification.objects.all():
        services.notification_deliver(notification_id=row.pk)
    assert mail.outbox == []
    assert services.digest_send() == 1
    assert len(mail.outbox) == 1 and "2 unread notifications" in mail.outbox[0].body
    assert services.digest_send() == 0  # each notification is in one digest only


def test_sweep_republishes_due_rows_with_backoff(world, django_capture_on_commit_callbacks):
    due = _one(world, state=DeliveryState.FAILED,
               next_attempt_at=timezone.now() - timedelta(seconds=1))
    later = _one(world, state=DeliveryState.FAILED,
                 next_attempt_at=timezone.now() + timedelta(minutes=5))
    delivered = _one(world, state=DeliveryState.DELIVERED,
                     next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.outbox_sweep() == 1
    assert len(callbacks) == 1
    due.refresh_from_db(), later.refresh_from_db(), delivered.refresh_from_db()
    assert due.attempts == 1 and due.next_attempt_at > timezone.now()
    assert later.attempts == 0 and delivered.attempts == 0


@override_settings(NOTIFICATION_MAX_ATTEMPTS=3)
def test_sweep_marks_rows_dead_after_the_limit(world):
    row = _one(world, state=DeliveryState.FAILED, attempts=3,
               next_attempt_at=timezone.now() - timedelta(seconds=1))
    with transaction.atomic():
        assert services.outbox_sweep() == 0
    row.refresh_from_db()
    assert row.state == DeliveryState.DEAD
    assert services.notification_deliver(notification_id=row.pk) is False


def test_backoff_grows_and_is_capped():
    waits = [services.backoff(n) for n in range(1, 20)]
    assert waits == sorted(waits) and waits[0] < waits[3]
    assert waits[-1] == timedelta(hours=6)


def test_mark_read_and_unread_count(world):
    make_referral(world=world)
    user = world.partner_practitioner.user
    assert unread_count(actor=actor_of(world.partner_practitioner)) == 1
    row = Notification.objects.get(recipient=user)
    services.notification_mark_read(user=user, notification=row)
    assert unread_count(actor=actor_of(world.partner_practitioner)) == 0
    with pytest.raises(Notification.DoesNotExist):
        services.notification_mark_read(user=world.outsider_manager.user, notification=row)


def test_the_header_badge_is_a_bounded_count(world, django_assert_num_queries):
    from apps.notifications.selectors import unread_badge

    actor = actor_of(world.partner_practitioner)
    services.notify(recipients=[world.partner_practitioner.user], kind="test",
                    target_type="referral", target_id=world.partner.pk, title="One",
                    url="/x/", agency_id=world.partner.pk)
    assert unread_badge(actor=actor) == "1"
    rows = list(Notification.objects.filter(recipient=world.partner_practitioner.user))
    Notification.objects.bulk_create([
        Notification(recipient_id=rows[0].recipient_id, agency_id=rows[0].agency_id,
                     kind="test", target_type="referral", target_id=world.partner.pk,
                     title=f"Row {n}", url="/x/") for n in range(120)])
    with django_assert_num_queries(1) as captured:
        assert unread_badge(actor=actor) == "99+"
    assert "LIMIT 100" in captured.captured_queries[0]["sql"]
    assert unread_count(actor=actor) == 121  # the API's count stays exact
