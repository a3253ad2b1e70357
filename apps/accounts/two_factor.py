"""Two-factor enrolment and verification (TOTP with single-use backup codes)."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.middleware import HAS_DEVICE_KEY
from apps.core.exceptions import ServiceError

BACKUP_CODES = 10


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator-app device, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=False)


def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns the new backup codes (shown once)."""
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise ServiceError("The code is not right. Enter the 6-digit code your app shows now.",
                           field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_regenerate(user=device.user)
    otp_login(request, device)
    request.session[HAS_DEVICE_KEY] = True
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes",
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [secrets.token_hex(4) for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        return codes


def two_factor_verify(*, request: HttpRequest, token: str) -> None:
    """Accept a current TOTP code or an unused backup code (which is then spent)."""
    device = match_token(request.user, (token or "").strip().replace(" ", ""))
    if device is None:
        raise ServiceError("The code is not right. Enter the code from your app, or a backup "
                           "code.", field="token")
    otp_login(request, device)
