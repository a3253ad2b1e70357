from __future__ import annotations

import hashlib
import secrets

from django.db import models

from apps.core.models import TimestampedModel


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(TimestampedModel):
    """An API key for one membership: it acts for that agency only. Only its hash is stored."""

    membership = models.ForeignKey("agencies.Membership", on_delete=models.CASCADE,
                                   related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate_key() -> str:
        return secrets.token_urlsafe(32)


class UserSession(models.Model):
    """Which server-side sessions belong to a user, so they can all be ended at once."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
