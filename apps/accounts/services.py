from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import ApiToken, UserSession, hash_key
from apps.agencies.actor import Actor
from apps.agencies.models import Membership
from apps.audit.services import access_record
from apps.core.exceptions import NotPermitted

User = get_user_model()


def user_session_record(*, user: User, session_key: str) -> None:
    UserSession.objects.get_or_create(user=user, session_key=session_key)


def user_sessions_end(*, user: User, keep: str | None = None) -> int:
    """Sign the user out everywhere by deleting their server-side sessions (all but ``keep``,
    the session key of the request making the change, when given)."""
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def api_token_create(*, actor: Actor | None = None, membership: Membership,
                     name: str) -> tuple[ApiToken, str]:
    """Create a token for one membership; the key is returned once and only its hash kept.

    ``actor`` is the signed-in user, who may create tokens for their own active memberships
    only; None means a system action (the ``create_api_token`` command, test set-up)."""
    with transaction.atomic():
        if actor is not None and (membership.user_id != actor.user.pk
                                  or membership.ended_at is not None):
            raise NotPermitted("You can create tokens only for your own active memberships.")
        key = ApiToken.generate_key()
        token = ApiToken.objects.create(
            membership=membership, name=name, prefix=key[:8], key_hash=hash_key(key)
        )
        access_record(actor=actor, object_type="api_token", object_id=token.pk, action="create",
                      basis=f"acts for {membership.agency.name}"[:200])
        return token, key


def api_token_revoke(*, actor: Actor | None = None, token: ApiToken) -> ApiToken:
    """Revoke a token (once; revoking it again changes nothing and writes nothing)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("membership").get(
            pk=token.pk)
        if actor is not None and token.membership.user_id != actor.user.pk:
            raise NotPermitted("You can revoke only your own tokens.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            access_record(actor=actor, object_type="api_token", object_id=token.pk,
                          action="revoke")
        return token
