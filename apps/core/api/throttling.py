"""API rate limits: per token, per user and per address for anonymous calls.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (set from the environment,
``WRAPAROUND_API_RATE_*``), read on every request so a settings override applies at once.
Counters live in Django's cache (Redis). If the cache is unreachable the request is let
through (and a warning logged): a Redis outage must not take the API down.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.models import hash_key

logger = logging.getLogger(__name__)


class _RateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:  # the rate is read per request, not once per process
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (redis.RedisError, OSError):  # a cache outage must not refuse every call
            logger.warning("API throttle cache unavailable; request allowed (scope %s)",
                           self.scope)
            return True


class TokenRateThrottle(_RateThrottle):
    """Calls made with one API token (keyed on the token's hash, never the key)."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, key = header.partition(" ")
        if keyword != "Token" or not key.strip() or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hash_key(key.strip())}


class UserRateThrottle(_RateThrottle):
    """All calls of one signed-in user, whatever token or session they use."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonRateThrottle(_RateThrottle):
    """Unauthenticated calls (the schema, and failed sign-ins), per client address."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
