"""Reads of the access audit, for agency admins and auditors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from apps.agencies.actor import Actor
from apps.agencies.models import Role
from apps.audit.models import AccessEvent
from apps.cases.models import Case, Involvement

AUDIT_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AUDITOR})


def can_read_audit(*, actor: Actor | None) -> bool:
    return actor is not None and actor.role in AUDIT_ROLES


@dataclass(frozen=True)
class AccessLogFilters:
    username: str = ""
    reference: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def case_access_events(*, actor: Actor, case: Case) -> QuerySet[AccessEvent]:
    """Who accessed this case (the caller has already been allowed to see the case)."""
    if not can_read_audit(actor=actor):
        return AccessEvent.objects.none()
    return (AccessEvent.objects.filter(case_id=case.pk)
            .select_related("user", "agency").order_by("-id"))


def agency_access_log(*, actor: Actor | None, filters: AccessLogFilters) -> QuerySet[AccessEvent]:
    """Accesses to the records of the acting agency: cases it is involved in now."""
    if not can_read_audit(actor=actor):
        return AccessEvent.objects.none()
    involved = Involvement.objects.filter(case_id=OuterRef("case_id"), agency_id=actor.agency_id,
                                          ended_at__isnull=True)
    events = AccessEvent.objects.filter(Exists(involved))
    if filters.username:
        events = events.filter(user__username=filters.username)
    if filters.reference:
        events = events.filter(case__reference=filters.reference.upper())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(at__date__lte=filters.date_to)
    return events.select_related("user", "agency", "case").order_by("-id")


def meeting_names(*, meeting_ids: set) -> dict:
    """Meeting id -> "Northbridge MARAC 8 December 2026", to name the meetings older access
    rows record by id (the reader already sees those rows; a name and date only)."""
    from apps.marac.models import Meeting

    return {m.pk: str(m) for m in Meeting.objects.filter(pk__in=meeting_ids)
            .select_related("area")}
