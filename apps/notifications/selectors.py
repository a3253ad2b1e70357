from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

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


def unread_count(*, actor: Actor | None) -> int:
    """For the header badge: one indexed query (partial index on unread rows, by recipient
    and agency)."""
    if actor is None or not actor.user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=actor.user.pk, agency_id=actor.agency_id,
                                       read_at__isnull=True).count()


def email_mode(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_mode if pref else "immediate"


def notification_page(*, actor: Actor | None, cursor: str | None = None, page_size: int = 25):
    """A page of the actor's notifications, newest first, by keyset on (created_at, id)."""
    from datetime import datetime
    from uuid import UUID

    from django.db.models import Q

    from apps.cases.selectors import Page

    rows = notification_list(actor=actor)
    if cursor:
        try:
            at_text, pk_text = cursor.rsplit("_", 1)
            at, pk = datetime.fromisoformat(at_text), UUID(pk_text)
        except ValueError:
            pass
        else:
            rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    items = list(rows[: page_size + 1])
    next_cursor = None
    if len(items) > page_size:
        last = items[page_size - 1]
        next_cursor = f"{last.created_at.isoformat()}_{last.pk}"
    return Page(items=items[:page_size], next_cursor=next_cursor)
