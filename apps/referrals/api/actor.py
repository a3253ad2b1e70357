"""The acting identity of a referrals/services API request (see apps.core.api.actor)."""

from __future__ import annotations

from django.http import Http404
from rest_framework.request import Request

from apps.agencies.actor import Actor
from apps.core.api.actor import actor_from_request


def request_actor(request: Request) -> Actor:
    """The actor, or 404 for a user acting for no agency (they may see nothing)."""
    actor = actor_from_request(request)
    if actor is None:
        raise Http404("No acting agency")
    return actor
