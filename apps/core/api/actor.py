"""The acting identity of an API request."""

from __future__ import annotations

from dataclasses import replace

from django.http import Http404
from rest_framework.request import Request

from apps.agencies.actor import Actor


def actor_from_request(request: Request) -> Actor | None:
    """The actor of an API request, with ``channel="api"``.

    A token request acts for the token's membership (``request.auth``); a browser-session
    request acts for the membership the session chose (set on the Django request by
    ``ActingAgencyMiddleware``). ``None`` when the user holds no active membership: the
    selectors then answer empty querysets, so lists are empty and details 404.
    """
    if isinstance(request.auth, Actor):
        return request.auth
    actor = getattr(request._request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return None
    if actor.user.pk != request.user.pk:
        return None
    return replace(actor, channel="api")


def actor_or_404(request: Request) -> Actor:
    """The actor, or 404 for a user acting for no agency (they may see nothing)."""
    actor = actor_from_request(request)
    if actor is None:
        raise Http404("No acting agency")
    return actor
