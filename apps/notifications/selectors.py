from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from apps.core.pagination import Page, keyset_page
from apps.notifications.models import Notification, NotificationPreference

if TYPE_CHECKING:
    from apps.agencies.actor import Actor


def notification_list(*, actor: Actor | None, unread_only: bool = False
                      ) -> QuerySet[Notification]:
    """The user's own notifications for the agency they act for, newest first (index
    notification_recipient on recipient, agency, created_at, id).

    A secondee acting for one agency never sees what was written for their other agency;
    rows without an agency (from before notifications carried one, when the backfill could
    not tell) are shown for no agency."""
    if actor is None or not actor.user.is_authenticated:
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient_id=actor.user.pk, agency_id=actor.agency_id)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_get(*, actor: Actor | None, notification_id: object) -> Notification:
    try:
        return notification_list(actor=actor).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such notification") from exc


UNREAD_BADGE_LIMIT = 99


def unread_count(*, actor: Actor | None, limit: int | None = None) -> int:
    """Unread notifications of the acting agency: one indexed query (partial index on unread
    rows, by recipient and agency). With ``limit``, it reads at most ``limit`` rows, so it
    costs the same whatever the backlog (the header badge)."""
    if actor is None or not actor.user.is_authenticated:
        return 0
    unread = Notification.objects.filter(
        recipient_id=actor.user.pk, agency_id=actor.agency_id, read_at__isnull=True)
    return unread.count() if limit is None else unread.order_by()[:limit].count()


def unread_badge(*, actor: Actor | None) -> str:
    """The header's unread count as shown: "3", or "99+" past 99 (a bounded count)."""
    count = unread_count(actor=actor, limit=UNREAD_BADGE_LIMIT + 1)
    return f"{UNREAD_BADGE_LIMIT}+" if count > UNREAD_BADGE_LIMIT else str(count)


def email_mode(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_mode if pref else "immediate"


def notification_page(*, actor: Actor | None, cursor: str | None = None,
                      page_size: int = 25) -> Page:
    """A page of the actor's notifications, newest first, by keyset on (created_at, id)."""
    return keyset_page(notification_list(actor=actor), ordering=("-created_at", "-id"),
                       cursor=cursor, page_size=page_size)
