from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

STARTED_KEY = "_auth_started"
SEEN_KEY = "_auth_seen"
SEEN_RESOLUTION = 60  # seconds: the session is written at most once a minute for idleness


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_SECONDS`` without a request, and in any case
    ``SESSION_ABSOLUTE_SECONDS`` after sign-in. Logout deletes the server-side session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.setdefault(STARTED_KEY, now)
            seen = request.session.get(SEEN_KEY, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                logout(request)
                messages.info(request, "You were signed out because your session ended. "
                                       "Sign in again to continue.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(settings.LOGIN_URL)
            if now - seen >= SEEN_RESOLUTION or SEEN_KEY not in request.session:
                request.session[SEEN_KEY] = now
        return self.get_response(request)


# Paths a signed-in but not yet verified user may still reach.
TWO_FACTOR_OPEN_PREFIXES = ("/two-factor/", "/sign-out/", "/static/", "/healthz",
                            "/oruk/")  # the public Open Referral UK directory


HAS_DEVICE_KEY = "_otp_has_device"


def _has_device(request: HttpRequest) -> bool:
    """Whether the user enrolled, cached in the session so most requests ask nothing."""
    from django_otp import user_has_device

    if HAS_DEVICE_KEY not in request.session:
        request.session[HAS_DEVICE_KEY] = user_has_device(request.user, confirmed=True)
    return request.session[HAS_DEVICE_KEY]


def second_factor_pending(request: HttpRequest) -> bool:
    """Whether the request's session user signed in with a password but has not yet given the
    second factor it needs: a code (when they enrolled), or an enrolment (when required).

    The one rule for both channels: ``TwoFactorMiddleware`` applies it to pages, and
    ``VerifiedSessionAuthentication`` to API requests that rely on the session cookie."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return _has_device(request) or settings.WRAPAROUND_REQUIRE_2FA


def _served_by_the_api(request: HttpRequest) -> bool:
    """Whether a DRF view answers this path: DRF authenticates those requests itself (after
    middleware), so the second factor is enforced there, where a token is actually checked."""
    from rest_framework.views import APIView

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    view_class = getattr(match.func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class TwoFactorMiddleware:
    """Send a signed-in user to verify (or, when required, enrol) before anything else.

    Headers play no part: a password-only session is unverified whatever ``Authorization``
    header it adds. API views are left to DRF, whose token authentication checks the token
    (a valid token is its own second factor, created by a verified user) and whose session
    authentication refuses an unverified session (``VerifiedSessionAuthentication``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (not request.path.startswith(TWO_FACTOR_OPEN_PREFIXES)
                and second_factor_pending(request) and not _served_by_the_api(request)):
            if _has_device(request):
                return redirect(f"{reverse('accounts:two-factor-verify')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
            return redirect("accounts:two-factor-setup")
        return self.get_response(request)
