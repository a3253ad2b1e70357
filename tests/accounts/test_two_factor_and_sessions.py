from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.middleware import SEEN_KEY, STARTED_KEY
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    assert client.get(reverse("accounts:two-factor-setup")).status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device)})
    assert response.status_code == 200
    return device, response.context["codes"]


def test_enrolment_then_every_sign_in_asks_for_a_code(world):
    client = client_for(world.lead_practitioner)
    device, codes = enrol(client)
    assert len(codes) == 10
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": world.lead_practitioner.user.username,
                                           "password": PASSWORD})
    response = fresh.get(reverse("cases:my-work"))
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    wrong = fresh.post(reverse("accounts:two-factor-verify"), {"token": "000000"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes are throttled by django-otp
    device.last_t, device.throttling_failure_count = -1, 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = fresh.post(reverse("accounts:two-factor-verify") + "?next=/people/",
                    {"token": current_code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/people/"
    assert fresh.get(reverse("cases:my-work")).status_code == 200


def test_backup_code_works_once(world):
    client = client_for(world.lead_practitioner)
    _device, codes = enrol(client)
    for expected in (302, 400):
        fresh = Client()
        fresh.post(reverse("accounts:login"), {"username": world.lead_practitioner.user.username,
                                               "password": PASSWORD})
        response = fresh.post(reverse("accounts:two-factor-verify"), {"token": codes[0]})
        assert response.status_code == expected


def test_open_redirects_are_refused_after_verification(world):
    client = client_for(world.lead_practitioner)
    device, _codes = enrol(client)
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": world.lead_practitioner.user.username,
                                           "password": PASSWORD})
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = fresh.post(reverse("accounts:two-factor-verify") + "?next=https://evil.example/",
                          {"token": current_code(device)})
    assert response["Location"] == reverse("accounts:home")


@override_settings(WRAPAROUND_REQUIRE_2FA=True)
def test_when_required_users_must_enrol_before_anything_else(world, shared_case):
    client = client_for(world.lead_practitioner)
    response = client.get(reverse("cases:detail", args=[shared_case.pk]))
    assert response.status_code == 302 and response["Location"] == "/two-factor/setup/"
    enrol(client)
    assert client.get(reverse("cases:detail", args=[shared_case.pk])).status_code == 200


def test_lockout_is_keyed_on_username_and_address_together(world):
    username = world.lead_practitioner.user.username
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post(reverse("accounts:login"), {"username": username, "password": "nope"})
    locked = attacker.post(reverse("accounts:login"), {"username": username,
                                                       "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # The same user from their own address is not locked out by the attacker.
    own = Client(REMOTE_ADDR="198.51.100.7")
    response = own.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_idle_session_is_ended(world):
    client = client_for(world.lead_practitioner)
    assert client.get(reverse("cases:my-work")).status_code == 200
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("cases:my-work"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("cases:my-work")).status_code == 302


def test_absolute_session_lifetime_is_enforced(world):
    client = client_for(world.lead_practitioner)
    client.get(reverse("cases:my-work"))
    session = client.session
    session[STARTED_KEY] = int(time.time()) - 11 * 60 * 60
    session.save()
    assert client.get(reverse("cases:my-work")).status_code == 302


def test_logout_deletes_the_server_side_session(world):
    from django.contrib.sessions.models import Session

    client = client_for(world.lead_practitioner)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
