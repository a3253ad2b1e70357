from __future__ import annotations

from uuid import UUID

from django.db import connection

from apps.agencies.actor import Actor
from apps.audit.models import AccessEvent

# One statement: the basis of a case-data access is the acting agency's active involvement,
# looked up in the same INSERT, so auditing costs a single round trip.
_INSERT_WITH_BASIS = """
INSERT INTO audit_accessevent
    (at, user_id, agency_id, object_type, object_id, case_id, action, basis, channel)
SELECT now(), %(user)s, %(agency)s, %(object_type)s, %(object_id)s, %(case)s, %(action)s,
       COALESCE(
           (SELECT i.role || ' involvement'
              FROM cases_involvement i
             WHERE i.case_id = %(case)s AND i.agency_id = %(agency)s AND i.ended_at IS NULL
             LIMIT 1),
           (SELECT 'emergency access'
              FROM consent_emergencyaccess e
             WHERE e.case_id = %(case)s AND e.user_id = %(user)s AND e.ended_at IS NULL
               AND e.expires_at > now()
             LIMIT 1),
           'no involvement'),
       %(channel)s
"""


def access_record(*, actor: Actor | None, object_type: str, object_id: UUID, action: str,
                  case_id: UUID | None = None, basis: str = "") -> None:
    """Record one read or write of case data by ``actor``, with the basis of the access.

    Without an explicit ``basis``, a case-scoped event records the acting agency's involvement
    role at that moment (``lead involvement``, ``partner involvement`` …), or the user's live
    ``emergency access``.
    """
    params = {
        "user": actor.user.pk if actor else None,
        "agency": actor.agency_id if actor else None,
        "object_type": object_type,
        "object_id": object_id,
        "case": case_id,
        "action": action,
        "channel": actor.channel if actor else "system",
    }
    if case_id is not None and not basis and actor is not None:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_WITH_BASIS, params)
        return
    AccessEvent.objects.create(
        user_id=params["user"], agency_id=params["agency"], object_type=object_type,
        object_id=object_id, case_id=case_id, action=action, basis=basis[:200],
        channel=params["channel"],
    )


def access_record_many(*, actor: Actor, object_type: str, action: str,
                       objects: list[tuple[UUID, UUID | None]], basis: str = "") -> None:
    """Record one access of each ``(object_id, case_id)`` in one INSERT, with the same
    ``action`` and ``basis`` for all (a meeting pack reads every listed case; a hand-over
    moves a worker's cases, actions and referrals). Nothing is written for no objects."""
    AccessEvent.objects.bulk_create(
        AccessEvent(user_id=actor.user.pk, agency_id=actor.agency_id, object_type=object_type,
                    object_id=object_id, case_id=case_id, action=action, basis=basis[:200],
                    channel=actor.channel)
        for object_id, case_id in objects)
