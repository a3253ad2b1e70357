from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from apps.accounts.middleware import second_factor_pending
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


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, for the API too, but only once it is verified: a password-only
    session of a user who enrolled (or must enrol) is refused with 401, exactly as the pages
    send it to verify. Only ``MembershipTokenAuthentication`` skips the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_pending(request._request):
            raise exceptions.AuthenticationFailed(
                "Two-factor sign-in is not complete: enter your code in Wraparound first, or "
                "use an API token.")
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema documents it as the cookie session it is."""

    target_class = "apps.accounts.authentication.VerifiedSessionAuthentication"
