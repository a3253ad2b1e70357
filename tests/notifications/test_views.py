"""The notifications page, the header count and the email preference."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notify
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _notify(membership, n: int = 1, title: str = "Referral NB-000001 accepted by Safe Haven"):
    target = uuid.uuid4()
    for _ in range(n):
        notify(recipients=[membership.user_id], kind="referral_accepted",
               target_type="referral", target_id=target, title=title,
               url=f"/referrals/{target}/", agency_id=membership.agency_id)


def test_list_shows_own_notifications_and_the_header_count(world):
    _notify(world.lead_practitioner, 2)
    _notify(world.outsider_practitioner, 1, title="Something for someone else")
    response = client_for(world.lead_practitioner).get("/notifications/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="notification"') == 2
    assert "Something for someone else" not in body
    assert "Notifications (2)" in body
    assert "Notifications (0)" in client_for(world.partner_practitioner).get(
        "/notifications/").content.decode()


def test_mark_one_read_open_and_mark_all(world):
    _notify(world.lead_practitioner, 3)
    client = client_for(world.lead_practitioner)
    first = Notification.objects.filter(recipient=world.lead_practitioner.user).first()
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    second = Notification.objects.filter(read_at__isnull=True).first()
    response = client.post(f"/notifications/{second.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == second.url
    assert "Notifications (1)" in client.get("/cases/").content.decode()
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_404_and_unchanged(world):
    _notify(world.lead_practitioner)
    notification = Notification.objects.get()
    response = client_for(world.outsider_practitioner).post(
        f"/notifications/{notification.pk}/read/")
    assert response.status_code == 404
    client_for(world.outsider_practitioner).post("/notifications/read-all/")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_email_preference_saved_and_bad_choice_is_a_govuk_error(world):
    client = client_for(world.lead_practitioner)
    assert client.post("/notifications/preference/", {"email_mode": "digest"}).status_code == 302
    assert NotificationPreference.objects.get(user=world.lead_practitioner.user).email_mode \
        == "digest"
    response = client.post("/notifications/preference/", {"email_mode": "pigeon"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert NotificationPreference.objects.get(user=world.lead_practitioner.user).email_mode \
        == "digest"


def test_signed_out_visitors_are_sent_to_sign_in(db):
    from django.test import Client

    response = Client().get("/notifications/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_notifications_page_runs_a_fixed_number_of_queries(world):
    client = client_for(world.lead_practitioner)
    _notify(world.lead_practitioner, 5)
    client.get("/notifications/")
    few = _queries(client, "/notifications/")
    _notify(world.lead_practitioner, 25)
    many = _queries(client, "/notifications/")
    assert few == many, (few, many)
    assert many <= 8
