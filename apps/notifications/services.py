"""The notification outbox: write in the caller's transaction, publish on commit, deliver once.

``notify`` never talks to Redis inside the transaction. Publishing happens after commit and
never blocks or fails the request: a broker error only marks the rows ``failed`` with a time
for the sweep to try again (exponential backoff, ``dead`` after NOTIFICATION_MAX_ATTEMPTS).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import outbox
from apps.notifications.models import (
    DeliveryState,
    EmailMode,
    Notification,
    NotificationPreference,
    Reminder,
)

log = logging.getLogger(__name__)
User = get_user_model()

RETRYABLE = (DeliveryState.PENDING, DeliveryState.PUBLISHED, DeliveryState.FAILED)


def _max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8))


def _retry_base() -> int:
    return int(getattr(settings, "NOTIFICATION_RETRY_BASE_SECONDS", 30))


def backoff(attempts: int) -> timedelta:
    """Wait before the next publish after ``attempts`` tries: base * 2^(attempts-1), at most 6 h."""
    return outbox.backoff(attempts, base_seconds=_retry_base(), cap_seconds=6 * 3600)


def notify(*, recipients: Iterable, kind: str, target_type: str, target_id: UUID, title: str,
           url: str, agency_id: UUID) -> list[UUID]:
    """Write one outbox row per distinct recipient and publish them once the caller commits.
    Returns the new rows' ids.

    ``agency_id``: the agency in whose work the recipients hear of it; the row is listed,
    counted and emailed only while they act for that agency. ``title`` and ``url`` must
    carry no personal data (use references, never names)."""
    return notify_agencies(recipients_by_agency={agency_id: recipients}, kind=kind,
                           target_type=target_type, target_id=target_id, title=title, url=url)


def notify_agencies(*, recipients_by_agency: Mapping[UUID, Iterable], kind: str,
                    target_type: str, target_id: UUID, title: str, url: str) -> list[UUID]:
    """``notify`` for several agencies at once (e.g. every party to an agreement): one row
    per agency and distinct recipient, so a secondee admin of two parties hears once for each
    agency they act for. One INSERT whatever the number of agencies."""
    rows = []
    for agency_id, recipients in recipients_by_agency.items():
        user_ids = dict.fromkeys(getattr(recipient, "pk", recipient) for recipient in recipients)
        rows += [(user_id, agency_id, kind, target_type, target_id, title, url)
                 for user_id in user_ids if user_id is not None]
    return write_notifications(rows)


def write_notifications(rows: list[tuple]) -> list[UUID]:
    """Insert notifications, given as (recipient id, agency id, kind, target type, target id,
    title, url), in the caller's transaction and publish them once it commits.

    One ``INSERT … SELECT FROM unnest(…)`` with an array per column, however many rows (an
    agency of 2,000 told of a referral): building and preparing a model instance per row cost
    more than the INSERT itself (docs/performance.md)."""
    if not rows:
        return []
    columns = [list(column) for column in zip(*rows, strict=True)]
    if None in columns[1]:
        raise ValueError("Every notification belongs to an agency (the one it is about).")
    columns[5] = [title[:200] for title in columns[5]]
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, recipient_id, agency_id, kind, target_type, "  # noqa: S608
            "target_id, title, url, created_at, state, attempts, next_attempt_at, last_error) "
            "SELECT gen_random_uuid(), r, a, k, tt, ti, t, u, now(), %s, 0, %s, '' "
            "FROM unnest(%s::integer[], %s::uuid[], %s::text[], %s::text[], %s::uuid[], "
            "%s::text[], %s::text[]) AS x(r, a, k, tt, ti, t, u) RETURNING id",
            [str(DeliveryState.PENDING), timezone.now() + backoff(1), *columns])
        ids = [row[0] for row in cursor.fetchall()]
    transaction.on_commit(lambda: publish(ids))
    return ids


PUBLISH_CHUNK = 100


def publish(ids: list[UUID]) -> int:
    """Send the ids to the worker in chunks. Never raises, never waits long (the broker's socket
    timeouts bound it): rows that could not be sent are marked ``failed`` for the sweep."""
    from apps.notifications.tasks import deliver_notifications

    sent: list[UUID] = []
    error = ""
    for start in range(0, len(ids), PUBLISH_CHUNK):
        chunk = ids[start:start + PUBLISH_CHUNK]
        try:
            deliver_notifications.apply_async(args=[[str(pk) for pk in chunk]], retry=False)
        except Exception as exc:  # broker down: the sweep will try again
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("notification publish failed; the sweep will retry (%s)",
                        type(exc).__name__)
            break
        sent += chunk
    sent_set = set(sent)
    failed = [pk for pk in ids if pk not in sent_set]
    try:
        if sent:
            Notification.objects.filter(
                pk__in=sent, state__in=[DeliveryState.PENDING, DeliveryState.FAILED]
            ).update(state=DeliveryState.PUBLISHED)
        if failed:
            Notification.objects.filter(pk__in=failed, state__in=RETRYABLE).update(
                state=DeliveryState.FAILED, last_error=error)
    except Exception:  # never fail the request that has already committed
        log.exception("could not record notification publish state")
    return len(sent)


def unclaimed(*, kind: str, stage: str, targets: QuerySet) -> tuple[str, list]:
    """SQL for the ids of ``targets`` (a queryset) that have no ``Reminder`` for the stage.

    The ledger is probed through its unique index once per target (a correlated subplan:
    ``OFFSET 0`` keeps PostgreSQL from turning it into a join). As a join its plan rested on
    the ledger's statistics: right after the first reminders of a new kind were written, they
    said "no rows of that kind", and the planner chose a nested loop over a materialised scan
    of the ledger, 22 s for one stage of 40,000 actions instead of 0.2 s
    (docs/performance.md). This way the cost follows the open targets, not the ledger's
    history or how fresh its statistics are."""
    sql, params = targets.order_by().values("pk").query.sql_with_params()  # no sort needed
    table = Reminder._meta.db_table
    return (f"SELECT t.pk FROM ({sql}) AS t(pk) WHERE NOT EXISTS (SELECT 1 FROM {table} r "  # noqa: S608
            "WHERE r.kind = %s AND r.stage = %s AND r.target_id = t.pk OFFSET 0)",
            [*params, kind, stage])


def reminders_claim(*, kind: str, stage: str, targets: QuerySet) -> list[UUID]:
    """Insert one ``Reminder`` per target id (``targets`` is a queryset of ``pk``s) with
    INSERT … SELECT … ON CONFLICT DO NOTHING, and return only the ids actually inserted, so
    a stage is sent once however often (or concurrently) the sweep runs. One statement; what
    was already sent is skipped before the insert, so an idle sweep only reads."""
    sql, params = unclaimed(kind=kind, stage=stage, targets=targets)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reminder._meta.db_table} (kind, target_id, stage, sent_at) "  # noqa: S608
            f"SELECT %s, u.pk, %s, %s FROM ({sql}) AS u(pk) "
            "ON CONFLICT (kind, target_id, stage) DO NOTHING RETURNING target_id",
            [kind, stage, timezone.now(), *params],
        )
        return [row[0] for row in cursor.fetchall()]


def outbox_sweep(*, batch: int = 500) -> int:
    """Republish rows not delivered whose next attempt is due; mark dead after the limit."""
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(state__in=RETRYABLE, next_attempt_at__lte=now,
                                    attempts__gte=_max_attempts()).update(
            state=DeliveryState.DEAD, next_attempt_at=None)
        due = list(Notification.objects.select_for_update(skip_locked=True)
                   .filter(state__in=RETRYABLE, next_attempt_at__lte=now)
                   .order_by("next_attempt_at")[:batch])
        for row in due:
            row.attempts += 1
            row.next_attempt_at = now + backoff(row.attempts + 1)
        Notification.objects.bulk_update(due, ["attempts", "next_attempt_at"])
        ids = [row.pk for row in due]
        if ids:
            transaction.on_commit(lambda: publish(ids))
    return len(ids)


def _site_link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _to_email(rows: list[Notification]) -> set:
    """Which of ``rows`` to email (two queries for the batch): not emailed yet, to a
    recipient with an address who wants immediate email and is still an active member of
    the notification's agency (someone who left that agency is not told of its work; the
    row stays, listed for nobody)."""
    from apps.agencies.models import Membership

    candidates = [row for row in rows if row.emailed_at is None and row.recipient.email
                  and row.agency_id is not None]
    if not candidates:
        return set()
    users = {row.recipient_id for row in candidates}
    modes = dict(NotificationPreference.objects.filter(user_id__in=users)
                 .values_list("user_id", "email_mode"))
    members = set(Membership.objects.active().filter(
        user_id__in=users, agency_id__in={row.agency_id for row in candidates},
    ).values_list("user_id", "agency_id"))
    return {row.pk for row in candidates
            if modes.get(row.recipient_id, EmailMode.IMMEDIATE) == EmailMode.IMMEDIATE
            and (row.recipient_id, row.agency_id) in members}


def _message(row: Notification, *, connection) -> EmailMessage:
    return EmailMessage(
        subject="You have a new notification in Wraparound",
        body=(f"{row.title}.\n\nIt is about your work for {row.agency}. "
              "Sign in to Wraparound, acting for that agency, to read it:\n"
              f"{_site_link(row.url)}\n"),
        to=[row.recipient.email], connection=connection)


def notifications_deliver(*, notification_ids: list) -> int:
    """Deliver a batch of notifications exactly once: email the immediate-mode recipients
    over ONE mail connection, mark the rows delivered. A fixed number of queries per batch.

    Rows already delivered or dead (a duplicate publish) are skipped; a row another worker
    is delivering is waited for, then skipped as delivered. A row whose email fails is
    marked ``failed`` with its next attempt (the outbox sweep retries it); the others still
    go. Returns how many were delivered."""
    with transaction.atomic():
        # Wait for a row another transaction holds (never SKIP LOCKED here: publish()'s own
        # bookkeeping UPDATE holds the rows for a moment, and a skipped row would wait for
        # the sweep); in primary-key order, so two workers never deadlock.
        rows = list(Notification.objects.select_for_update(of=("self",))
                    .select_related("recipient", "agency").filter(pk__in=notification_ids)
                    .exclude(state__in=(DeliveryState.DELIVERED, DeliveryState.DEAD))
                    .order_by("pk"))
        if not rows:
            return 0
        now = timezone.now()
        to_email = _to_email(rows)
        mail = get_connection()
        try:
            for row in rows:
                if row.pk in to_email:
                    try:
                        mail.open()  # once: a no-op while the connection is open
                        _message(row, connection=mail).send()
                    except Exception as exc:
                        row.state = DeliveryState.FAILED
                        row.last_error = f"email: {type(exc).__name__}"[:500]
                        row.next_attempt_at = now + backoff(row.attempts + 1)
                        mail.close()  # the next message opens a fresh connection
                        continue
                    row.emailed_at = now
                row.state = DeliveryState.DELIVERED
                row.delivered_at = now
                row.next_attempt_at = None
        finally:
            mail.close()
        _save_outcomes(rows)
        return sum(row.state == DeliveryState.DELIVERED for row in rows)


_OUTCOME_FIELDS = ("state", "last_error", "next_attempt_at", "delivered_at", "emailed_at")


def _save_outcomes(rows: list[Notification]) -> None:
    """Write the batch's outcomes: one UPDATE per distinct outcome (usually one: delivered
    and emailed now). ``bulk_update``'s CASE per row and field cost more than the emails."""
    by_outcome: dict[tuple, list] = {}
    for row in rows:
        outcome = tuple(getattr(row, name) for name in _OUTCOME_FIELDS)
        by_outcome.setdefault(outcome, []).append(row.pk)
    for outcome, pks in by_outcome.items():
        Notification.objects.filter(pk__in=pks).update(
            **dict(zip(_OUTCOME_FIELDS, outcome, strict=True)))


def notification_deliver(*, notification_id: UUID | str) -> bool:
    """Deliver one notification exactly once. False when it was already delivered (a
    duplicate publish), is dead, or its email failed (it will be retried)."""
    return notifications_deliver(notification_ids=[notification_id]) == 1


def digest_send() -> int:
    """Once a day: one email per digest-mode user with unread, un-emailed notifications (of
    the agencies they are still a member of)."""
    from apps.agencies.models import Membership

    now = timezone.now()
    sent = 0
    prefs = NotificationPreference.objects.filter(email_mode=EmailMode.DIGEST).select_related(
        "user").filter(user__is_active=True).exclude(user__email="")
    mail = get_connection()  # one connection for the whole run, opened on the first email
    for pref in prefs:
        with transaction.atomic():
            rows = Notification.objects.select_for_update(skip_locked=True).filter(
                recipient_id=pref.user_id, read_at__isnull=True, emailed_at__isnull=True,
                agency_id__in=Membership.objects.active().filter(
                    user_id=pref.user_id).values("agency_id"))
            count = rows.count()
            if not count:
                continue
            mail.open()
            send_mail(
                subject="Your Wraparound notifications",
                message=(f"You have {count} unread notification{'s' if count != 1 else ''}.\n\n"
                         f"Sign in to read them:\n{_site_link('/notifications/')}\n"),
                from_email=None, recipient_list=[pref.user.email], connection=mail,
            )
            Notification.objects.filter(pk__in=rows.values("pk")).update(emailed_at=now)
            NotificationPreference.objects.filter(pk=pref.pk).update(digest_sent_at=now)
            sent += 1
    mail.close()
    return sent


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark read the actor's unread notifications for the agency they act for (only those
    they can see)."""
    from apps.notifications.selectors import notification_list

    if actor is None:
        return 0
    return notification_list(actor=actor, unread_only=True).update(read_at=timezone.now())


def notification_preference_set(*, user, email_mode: str) -> NotificationPreference:
    from apps.core.exceptions import ServiceError

    if email_mode not in EmailMode.values:
        raise ServiceError("Choose how you want to be emailed.", field="email_mode")
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode})
    return pref


