"""Item 19 (issue 11): links in notification emails are built from WRAPAROUND_SITE_URL
(settings.SITE_URL), never a fixed address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings

from apps.notifications import services
from apps.notifications.models import Notification
from tests.referrals.helpers import make_referral

pytestmark = pytest.mark.django_db

SITE = "https://wrap-site-url-test.example:9443"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@override_settings(SITE_URL=SITE + "/")
def test_notification_email_links_to_the_configured_site(world):
    referral = make_referral(world=world)
    row = Notification.objects.get(kind="referral_submitted",
                                   recipient=world.partner_practitioner.user)

    assert services.notification_deliver(notification_id=row.pk) is True

    (email,) = [m for m in mail.outbox if m.to == [world.partner_practitioner.user.email]]
    assert _links(email.body) == [f"{SITE}/referrals/{referral.pk}/"]


@override_settings(SITE_URL=SITE)
def test_digest_email_links_to_the_configured_site(world):
    services.notification_preference_set(user=world.partner_practitioner.user,
                                         email_mode="digest")
    make_referral(world=world)

    assert services.digest_send() == 1

    (email,) = mail.outbox
    assert _links(email.body) == [f"{SITE}/notifications/"]
