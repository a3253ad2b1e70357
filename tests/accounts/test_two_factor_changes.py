"""Issue 11 item 2: enrolling, replacing or removing an authenticator needs a verified session
(or a backup code when the phone is lost); every change is audited and told to the user."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.two_factor import two_factor_object_id
from apps.audit.models import AccessEvent
from apps.notifications.models import Notification
from apps.notifications.services import notification_deliver
from tests.accounts.test_two_factor_and_sessions import current_code, enrol
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SETUP = "/two-factor/setup/"
REMOVE = "/two-factor/remove/"


def sign_in(membership) -> Client:
    """A password-only session (no code given yet)."""
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": membership.user.username,
                                                   "password": PASSWORD}).status_code == 302
    return client


def fresh_code(device: TOTPDevice) -> str:
    """The current code, usable again (django-otp refuses a code twice in the same step)."""
    device.refresh_from_db()
    device.last_t, device.throttling_failure_count = -1, 0
    device.throttling_failure_timestamp = None
    device.save()
    return current_code(device)


def events(user, action: str) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(object_type="two_factor", action=action,
                                           object_id=two_factor_object_id(user=user)))


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="two_factor_changed"))


def test_a_password_only_session_cannot_replace_the_authenticator(world):
    membership = world.lead_practitioner
    real, codes = enrol(client_for(membership))
    attacker = sign_in(membership)
    response = attacker.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert "next=%2Ftwo-factor%2Fsetup%2F" in response["Location"]
    assert not TOTPDevice.objects.filter(user=membership.user, confirmed=False).exists()
    # Even a code for a device made some other way is not accepted from this session.
    rogue = TOTPDevice.objects.create(user=membership.user, name="Rogue", confirmed=False)
    response = attacker.post(SETUP, {"token": current_code(rogue)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=membership.user, confirmed=True)) == [real]
    assert StaticToken.objects.filter(device__user=membership.user).count() == len(codes)
    assert events(membership.user, "replace") == []
    assert attacker.get(reverse("cases:my-work")).status_code == 302  # still unverified


def test_a_lost_phone_backup_code_verifies_the_session_which_may_then_replace_the_app(world):
    membership = world.lead_practitioner
    old, codes = enrol(client_for(membership))
    mail.outbox.clear()
    Notification.objects.all().delete()
    client = sign_in(membership)
    response = client.post(reverse("accounts:two-factor-verify") + f"?next={SETUP}",
                           {"token": codes[0]})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    response = client.post(SETUP, {"token": current_code(new)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=membership.user)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticToken.objects.filter(device__user=membership.user, token=codes[1]).exists()
    [event] = events(membership.user, "replace")
    assert event.user_id == membership.user_id and event.agency_id == membership.agency_id
    [notice] = told(membership.user)
    assert "replaced" in notice.title and notice.url == "/profile/"
    assert client.get(reverse("cases:my-work")).status_code == 200


@override_settings(SITE_URL="https://wraparound.example.org")
def test_the_user_is_emailed_generic_text_with_a_link_to_the_site(world):
    membership = world.lead_practitioner
    enrol(client_for(membership))
    [notice] = told(membership.user)
    mail.outbox.clear()
    assert notification_deliver(notification_id=notice.pk)
    [email] = mail.outbox
    assert email.to == [membership.user.email]
    assert "Two-factor sign-in was turned on" in email.body
    assert "https://wraparound.example.org/profile/" in email.body
    user = membership.user
    for personal in (user.username, user.first_name, user.last_name, user.email):
        assert personal not in email.body and personal not in email.subject


def test_first_enrolment_needs_only_the_password_and_is_audited(world):
    membership = world.partner_practitioner
    client = sign_in(membership)
    enrol(client)
    assert TOTPDevice.objects.filter(user=membership.user, confirmed=True).count() == 1
    assert len(events(membership.user, "enrol")) == 1
    [notice] = told(membership.user)
    assert notice.title.startswith("Two-factor sign-in was turned on")


def test_a_pending_set_up_seen_by_another_session_is_never_confirmed(world):
    """Someone with only the password looks at the set-up page before the user enrols: the
    secret they saw must not become the user's authenticator."""
    membership = world.partner_practitioner
    snoop = sign_in(membership)
    seen = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<',
                     snoop.get(SETUP).content.decode()).group(1)
    snooped = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    user_client = client_for(membership)
    mine = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<',
                     user_client.get(SETUP).content.decode()).group(1)
    assert mine != seen
    assert not TOTPDevice.objects.filter(pk=snooped.pk).exists()
    # The snooping session cannot confirm the device it saw: it no longer exists.
    response = snoop.post(SETUP, {"token": current_code(snooped)})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=membership.user, confirmed=True).exists()


def test_a_change_signs_the_users_other_sessions_out(world):
    membership = world.lead_practitioner
    other = client_for(membership)
    other_key = other.session.session_key
    client = client_for(membership)
    enrol(client)
    assert not Session.objects.filter(session_key=other_key).exists()
    assert client.get(reverse("cases:my-work")).status_code == 200


def test_a_verified_session_removes_the_authenticator(world):
    membership = world.lead_practitioner
    client = client_for(membership)
    enrol(client)
    response = client.post(REMOVE, follow=True)
    assert response.status_code == 200 and "Two-factor sign-in is off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=membership.user).exists()
    assert not StaticDevice.objects.filter(user=membership.user).exists()
    assert len(events(membership.user, "remove")) == 1
    assert any("turned off" in n.title for n in told(membership.user))
    # Password alone signs in again, and the old session carries on.
    assert client.get(reverse("cases:my-work")).status_code == 200
    assert sign_in(membership).get(reverse("cases:my-work")).status_code == 200


def test_removal_is_refused_to_an_unverified_session_and_without_csrf(world):
    membership = world.lead_practitioner
    device, _codes = enrol(client_for(membership))
    assert sign_in(membership).post(REMOVE).status_code == 404
    verified = client_for(membership)
    verified.post(reverse("accounts:two-factor-verify"), {"token": fresh_code(device)})
    assert verified.get(reverse("cases:my-work")).status_code == 200
    assert verified.get(REMOVE).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = verified.cookies
    assert strict.post(REMOVE).status_code == 403  # no CSRF token
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert events(membership.user, "remove") == []


@override_settings(WRAPAROUND_REQUIRE_2FA=True)
def test_removal_is_refused_with_a_clear_message_when_two_factor_is_required(world):
    membership = world.lead_practitioner
    client = client_for(membership)
    device, _codes = enrol(client)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert REMOVE not in profile and "cannot be turned off" in profile
    response = client.post(REMOVE, follow=True)
    assert response.status_code == 200
    assert "required for everyone" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert StaticDevice.objects.filter(user=membership.user).exists()
    assert events(membership.user, "remove") == []


def test_new_backup_codes_are_audited_and_told(world):
    membership = world.lead_practitioner
    client = client_for(membership)
    enrol(client)
    response = client.post(reverse("accounts:two-factor-backup-codes"))
    assert response.status_code == 200
    assert len(events(membership.user, "backup_codes")) == 1
    assert any("backup codes" in n.title for n in told(membership.user))


def test_a_verified_user_replaces_their_app_from_the_profile(world):
    membership = world.lead_practitioner
    client = client_for(membership)
    old, _codes = enrol(client)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert SETUP in profile and REMOVE in profile
    page = client.get(SETUP)
    assert page.status_code == 200 and "Replace your authenticator app" in page.content.decode()
    new = TOTPDevice.objects.get(user=membership.user, confirmed=False)
    assert client.post(SETUP, {"token": fresh_code(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=membership.user)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert len(events(membership.user, "replace")) == 1
