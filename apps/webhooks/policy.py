"""Who may manage an agency's webhooks: its agency admins (not auditors), for the agency they
act for. Built on the one policy module (``apps.cases.policy``); views, serializers and
services ask here and never re-code it."""

from __future__ import annotations

from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Role
from apps.cases import policy
from apps.core.exceptions import NotPermitted


def may_manage_webhooks(*, actor: Actor | None, agency_id: object = None) -> bool:
    return (policy.is_writer(actor=actor) and actor.role == Role.AGENCY_ADMIN
            and (agency_id is None or agency_id == actor.agency_id))


def require_manage_webhooks(*, actor: Actor | None, agency_id: object = None,
                            hide: bool = False) -> None:
    if not may_manage_webhooks(actor=actor, agency_id=agency_id):
        if hide:
            raise Http404("No such page")
        raise NotPermitted("Only your agency's admin can manage its webhooks.")
