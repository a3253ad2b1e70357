"""The base of every API viewset: querysets come from the selectors, scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from apps.agencies.actor import Actor
from apps.core.api.actor import actor_from_request

UUID_REGEX = "[0-9a-fA-F-]{36}"


class ActorScopedMixin:
    """Resolves the actor once per request and hands it to the selector.

    Subclasses implement ``selector_queryset(actor)`` by calling a selector (never a bare
    ``Model.objects``); ``get_queryset`` refuses to run without it. Objects outside that
    queryset answer 404, so their existence does not leak.
    """

    lookup_value_regex = UUID_REGEX
    request: Any

    @property
    def actor(self) -> Actor | None:
        if not hasattr(self, "_actor"):
            self._actor = actor_from_request(self.request)
        return self._actor

    def require_actor(self) -> Actor:
        """The actor, for writes: a user acting for no agency may change nothing."""
        if self.actor is None:
            raise PermissionDenied("You are not acting for any agency.")
        return self.actor

    def selector_queryset(self, actor: Actor | None) -> QuerySet:
        raise NotImplementedError("Scope the queryset with a selector.")

    def get_queryset(self) -> QuerySet:
        return self.selector_queryset(self.actor)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "actor": self.actor}  # type: ignore[misc]


class ScopedReadOnlyViewSet(ActorScopedMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail, scoped by a selector."""


class ScopedGenericViewSet(ActorScopedMixin, viewsets.GenericViewSet):
    """Compose with DRF mixins; scoped by a selector."""
