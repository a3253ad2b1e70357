"""Issue 17's heavy shapes: a case with a long chronology and a user with a notification
backlog. Added to the loaded data when first measured (idempotent: fixed ids, ON CONFLICT DO
NOTHING), on cases and users of the largest agency, so every other measurement is unchanged."""

from __future__ import annotations

from django.db import connection

from apps.agencies.actor import Actor
from bench.pages import PAGE_ROWS, PageSpec

NOTES = 200
UNREAD = 40_000


def _fill(*, case_id, author: Actor, backlog: Actor) -> None:
    with connection.cursor() as cursor:
        cursor.execute("""
INSERT INTO cases_casenote (id, created_at, updated_at, case_id, author_id, agency_id, kind,
                            text, visibility)
SELECT md5('bench-heavy-note' || %s || j)::uuid, now() - j * interval '1 hour',
       now() - j * interval '1 hour', %s, %s, %s, 'note',
       repeat('Seen at home; talked through the safety plan and the next steps. ', 12),
       'shared'
FROM generate_series(1, %s) j
ON CONFLICT (id) DO NOTHING""", [str(case_id), case_id, author.user.pk, author.agency_id, NOTES])
        cursor.execute("""
INSERT INTO notifications_notification (id, kind, target_type, target_id, title, url,
  created_at, read_at, state, attempts, next_attempt_at, last_error, delivered_at, emailed_at,
  agency_id, recipient_id)
SELECT md5('bench-unread' || j)::uuid, 'referral_submitted', 'referral', md5('bench-r1')::uuid,
       'Bench notification', '/referrals/', now() - j * interval '1 minute', NULL,
       'delivered', 1, NULL, '', now(), now(), %s, %s
FROM generate_series(1, %s) j
ON CONFLICT (id) DO NOTHING""", [backlog.agency_id, backlog.user.pk, UNREAD])
        cursor.execute("ANALYZE cases_casenote")
        cursor.execute("ANALYZE notifications_notification")


def heavy_specs(*, author: Actor, backlog: Actor, case_id) -> list[tuple[Actor, PageSpec]]:
    """(who requests it, what): the case page of a case with ``NOTES`` notes, as its author;
    My work and the notifications page of ``backlog``, who has ``UNREAD`` unread notices
    (the header's unread badge is on every page)."""
    from apps.cases.selectors import case_list, note_list
    from apps.notifications.selectors import notification_list

    _fill(case_id=case_id, author=author, backlog=backlog)
    case = case_list(actor=author).get(pk=case_id)

    def notes_qs():
        return note_list(actor=author, case=case)[:PAGE_ROWS]

    def backlog_my_work_qs():
        return case_list(actor=backlog).order_by("-last_activity_at", "-pk")[:PAGE_ROWS]

    def backlog_notifications_qs():
        return notification_list(actor=backlog)[:PAGE_ROWS]

    notes_sql = """
SELECT n.* FROM cases_casenote n WHERE n.case_id = %s
ORDER BY n.created_at DESC, n.id DESC LIMIT 26"""
    unread_sql = """
SELECT count(*) FROM (SELECT 1 FROM notifications_notification n
  WHERE n.recipient_id = %s AND n.agency_id = %s AND n.read_at IS NULL LIMIT 100) s"""
    notifications_sql = """
SELECT n.* FROM notifications_notification n WHERE n.recipient_id = %s AND n.agency_id = %s
ORDER BY n.created_at DESC, n.id DESC LIMIT 26"""
    who = [backlog.user.pk, backlog.agency_id]
    return [
        (author, PageSpec(f"case page, {NOTES} notes", lambda k: f"/cases/{case_id}/", False,
                          notes_qs, notes_sql, lambda k: [case_id])),
        (backlog, PageSpec("my work, 40k unread", lambda k: "/cases/", False,
                           backlog_my_work_qs, unread_sql, lambda k: who)),
        (backlog, PageSpec("notifications, 40k unread", lambda k: "/notifications/", False,
                           backlog_notifications_qs, notifications_sql, lambda k: who)),
    ]
