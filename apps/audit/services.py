from __future__ import annotations

from uuid import UUID

from apps.agencies.actor import Actor
from apps.audit.models import AccessEvent


def access_record(*, actor: Actor | None, object_type: str, object_id: UUID, action: str,
                  case_id: UUID | None = None, basis: str = "") -> AccessEvent:
    """Record one read or write of case data by ``actor``."""
    return AccessEvent.objects.create(
        user=actor.user if actor else None,
        agency_id=actor.agency_id if actor else None,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        action=action,
        basis=basis[:200],
        channel=actor.channel if actor else "system",
    )
