"""Two-factor enrolment and verification (TOTP with single-use backup codes).

Changing the second factor is guarded by the second factor: a user who has a device enrols a
new one (which replaces it), removes it, or gets new backup codes only from a verified session.
A user who lost their phone verifies with a backup code, which verifies the session. Only the
first enrolment needs nothing more than the password. Every change is audited, told to the user
(generic text, emailed by the outbox) and signs the user's other sessions out.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.middleware import HAS_DEVICE_KEY
from apps.agencies.actor import Actor
from apps.core.exceptions import NotPermitted, ServiceError

BACKUP_CODES = 10
PENDING_KEY = "_otp_pending_device"  # the unconfirmed device this session is enrolling

NEEDS_VERIFIED = ("Enter a code from your authenticator app, or one of your backup codes, "
                  "before you change two-factor sign-in.")
REQUIRED_FOR_ALL = ("Two-factor sign-in is required for everyone using this Wraparound, so it "
                    "cannot be turned off. You can replace your authenticator app instead.")

# What the user is told (no personal data: the email says only this and links to the site).
_TOLD = {
    "enrol": "Two-factor sign-in was turned on for your Wraparound account",
    "replace": "The authenticator app for your Wraparound account was replaced",
    "remove": "Two-factor sign-in was turned off for your Wraparound account",
    "backup_codes": "New backup codes were made for your Wraparound account",
}
_NOT_YOU = ". If this was not you, tell your agency admin straight away"


def two_factor_object_id(*, user: User) -> UUID:
    """The id under which a user's second factor is audited and notified (their user id)."""
    return UUID(int=user.pk)


def two_factor_change_allowed(*, request: HttpRequest) -> bool:
    """A first enrolment needs only the password; any change to an existing second factor
    needs a session verified with it (an app code or a backup code)."""
    user = request.user
    return user.is_verified() or not user_has_device(user, confirmed=True)


def _require_change_allowed(*, request: HttpRequest) -> None:
    if not two_factor_change_allowed(request=request):
        raise NotPermitted(NEEDS_VERIFIED)


def _actor_of(request: HttpRequest) -> Actor | None:
    """Whom to audit: the acting membership, else the user's latest one (an audit row names a
    user through their actor); a user who never had a membership is audited as the system,
    under their own object id."""
    from apps.agencies.models import Membership

    actor = getattr(request, "actor", None)
    if actor is not None:
        return actor
    membership = (Membership.objects.filter(user=request.user).select_related("agency")
                  .order_by("-started_at").first())
    return Actor(user=request.user, membership=membership) if membership else None


def _changed(*, request: HttpRequest, user: User, action: str) -> None:
    """Audit, tell the user, and end their other sessions (whose cached state is now stale)."""
    from apps.accounts.services import user_sessions_end
    from apps.audit.services import access_record
    from apps.notifications.services import notify

    object_id = two_factor_object_id(user=user)
    access_record(actor=_actor_of(request), object_type="two_factor", object_id=object_id,
                  action=action)
    notify(recipients=[user], kind="two_factor_changed", target_type="two_factor",
           target_id=object_id, title=_TOLD[action] + _NOT_YOU, url="/profile/")
    if request.session.session_key:
        user_sessions_end(user=user, keep=request.session.session_key)


def _lock_user(*, user: User) -> User:
    """Serialise changes to one user's devices."""
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def totp_device_pending(*, request: HttpRequest) -> TOTPDevice:
    """This session's unconfirmed authenticator-app device, created on first use.

    A pending device started elsewhere is discarded, never reused: its secret may have been
    shown to someone else (a password-only session), so it must not become the real one."""
    _require_change_allowed(request=request)
    user = request.user
    wanted = request.session.get(PENDING_KEY)
    device = (TOTPDevice.objects.filter(user=user, confirmed=False, pk=wanted).first()
              if wanted else None)
    if device is None:
        with transaction.atomic():
            _lock_user(user=user)
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=False)
        request.session[PENDING_KEY] = device.pk
    return device


def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns the new backup codes (shown once).

    Confirming replaces the user's existing authenticator, so it needs a verified session
    when there is one (``two_factor_change_allowed``)."""
    _require_change_allowed(request=request)
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise ServiceError("The code is not right. Enter the 6-digit code your app shows now.",
                           field="token")
    with transaction.atomic():
        user = _lock_user(user=device.user)
        _require_change_allowed(request=request)
        device = TOTPDevice.objects.select_for_update().filter(
            pk=device.pk, user=user, confirmed=False).first()
        if device is None:
            raise ServiceError("Start again: this set-up was replaced by a newer one.",
                               field="token")
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0]
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_write(user=user)
        _changed(request=request, user=user, action="replace" if replaced else "enrol")
    otp_login(request, device)
    request.session[HAS_DEVICE_KEY] = True
    request.session.pop(PENDING_KEY, None)
    return codes


def _backup_codes_write(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes",
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """New backup codes for a verified session (the old ones stop working)."""
    if not request.user.is_verified():
        raise NotPermitted(NEEDS_VERIFIED)
    with transaction.atomic():
        user = _lock_user(user=request.user)
        codes = _backup_codes_write(user=user)
        _changed(request=request, user=user, action="backup_codes")
        return codes


def two_factor_remove(*, request: HttpRequest) -> None:
    """Turn two-factor sign-in off: the authenticator app and the backup codes go. Needs a
    verified session, and is refused when two-factor sign-in is required for everyone."""
    if settings.WRAPAROUND_REQUIRE_2FA:
        raise NotPermitted(REQUIRED_FOR_ALL)
    if not request.user.is_verified():
        raise NotPermitted(NEEDS_VERIFIED)
    with transaction.atomic():
        user = _lock_user(user=request.user)
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        if not removed:
            raise ServiceError("Two-factor sign-in is already off.")
        _changed(request=request, user=user, action="remove")
    request.session[HAS_DEVICE_KEY] = False


def two_factor_verify(*, request: HttpRequest, token: str) -> None:
    """Accept a current TOTP code or an unused backup code (which is then spent)."""
    device = match_token(request.user, (token or "").strip().replace(" ", ""))
    if device is None:
        raise ServiceError("The code is not right. Enter the code from your app, or a backup "
                           "code.", field="token")
    otp_login(request, device)
