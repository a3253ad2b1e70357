"""The header's unread count: evaluated lazily, so a page that does not render the header
(or a signed-out visitor) runs no query; otherwise one bounded query on the partial index
("99+" past 99). Only the agency the user acts for counts."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.notifications.selectors import unread_badge


def notifications(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    return {"notifications_unread": SimpleLazyObject(lambda: unread_badge(actor=actor))}
