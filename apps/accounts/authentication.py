from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from apps.accounts.models import ApiToken, hash_key
from apps.agencies.actor import Actor


class MembershipTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: the token's membership decides the acting agency."""

    keyword = "Token"

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.select_related("membership__user", "membership__agency")
            .filter(key_hash=hash_key(key), revoked_at__isnull=True).first()
        )
        membership = token.membership if token else None
        if (token is None or membership.ended_at is not None or not membership.agency.active
                or not membership.user.is_active):
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return membership.user, Actor(user=membership.user, membership=membership, channel="api")
