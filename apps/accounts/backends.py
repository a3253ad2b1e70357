from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes lockout for HTTP sign-in attempts.

    Calls without a request (management commands, the test client's ``login``) have no
    address to key a lockout on, so they are left to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: object) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
