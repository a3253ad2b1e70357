from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from apps.core.pagination import Page, keyset_page
from apps.notifications.models import Notification, NotificationPreference


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first (index notification_recipient)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_get(*, user, notification_id: object) -> Notification:
    try:
        return notification_list(user=user).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such notification") from exc


def unread_count(user) -> int:
    """For the header badge: one indexed query (partial index on unread rows)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_mode(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref.email_mode if pref else "immediate"


def notification_page(*, user, cursor: str | None = None, page_size: int = 25) -> Page:
    """A page of the user's notifications, newest first, by keyset on (created_at, id)."""
    return keyset_page(notification_list(user=user), ordering=("-created_at", "-id"),
                       cursor=cursor, page_size=page_size)
