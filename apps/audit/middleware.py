from __future__ import annotations

from django.http import HttpRequest
from pghistory.middleware import HistoryMiddleware


class HistoryContextMiddleware(HistoryMiddleware):
    """Attach the acting user and agency (no URL: paths could in principle carry data)."""

    def get_context(self, request: HttpRequest) -> dict:
        context = super().get_context(request)
        context.pop("url", None)
        actor = getattr(request, "actor", None)
        context["agency"] = str(actor.agency_id) if actor else None
        return context
