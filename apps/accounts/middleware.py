from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
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
TWO_FACTOR_OPEN_PREFIXES = ("/two-factor/", "/sign-out/", "/static/", "/healthz")


HAS_DEVICE_KEY = "_otp_has_device"


def _has_device(request: HttpRequest) -> bool:
    """Whether the user enrolled, cached in the session so most requests ask nothing."""
    from django_otp import user_has_device

    if HAS_DEVICE_KEY not in request.session:
        request.session[HAS_DEVICE_KEY] = user_has_device(request.user, confirmed=True)
    return request.session[HAS_DEVICE_KEY]


class TwoFactorMiddleware:
    """Send a signed-in user to verify (or, when required, enrol) before anything else.

    API tokens are not affected: a token is its own second factor, created by a verified user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and not user.is_verified()
                and not request.path.startswith(TWO_FACTOR_OPEN_PREFIXES)
                and "HTTP_AUTHORIZATION" not in request.META):
            if _has_device(request):
                return redirect(f"{reverse('accounts:two-factor-verify')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
            if settings.WRAPAROUND_REQUIRE_2FA:
                return redirect("accounts:two-factor-setup")
        return self.get_response(request)
