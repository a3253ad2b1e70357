"""Reads of the ORUK import: an agency admin sees their own agency's staged services only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Need, Role
from apps.interop.models import StagedService, StagedState
from apps.interop.oruk.importer import IMPORTED_FIELDS

NEED_LABELS = dict(Need.choices)
LABELS = {"name": "Name", "description": "Description", "area": "Area", "needs": "Needs",
          "accepting_referrals": "Accepting referrals", "capacity_note": "Capacity note",
          "active": "Listed in the directory"}


def staged_pending(*, actor: Actor | None) -> QuerySet[StagedService]:
    if actor is None or actor.role != Role.AGENCY_ADMIN:
        return StagedService.objects.none()
    return (StagedService.objects.filter(agency_id=actor.agency_id, state=StagedState.PENDING)
            .select_related("service").order_by("values__name", "id"))


def staged_get(*, actor: Actor | None, staged_id: object) -> StagedService:
    try:
        return staged_pending(actor=actor).get(pk=staged_id)
    except (StagedService.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such import") from exc


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "\u2013"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(NEED_LABELS.get(item, item)) for item in value)
    return str(value)


def staged_changes(*, staged: StagedService) -> list[dict[str, Any]]:
    """Each imported field: the local value (None for a new service) and the feed's."""
    rows = []
    for name in IMPORTED_FIELDS:
        incoming = staged.values.get(name)
        current = getattr(staged.service, name) if staged.service else None
        rows.append({"label": LABELS[name], "current": _text(current),
                     "incoming": _text(incoming),
                     "changed": staged.service is None or current != incoming})
    return rows
