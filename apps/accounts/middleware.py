from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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
