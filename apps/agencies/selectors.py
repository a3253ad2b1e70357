from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from django.db.models import F, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, Membership, Role, SecondmentRequest, SecondmentStatus


def agency_list() -> QuerySet[Agency]:
    """The directory of active agencies: names and kinds only, visible to every member."""
    return Agency.objects.filter(active=True).order_by("name")


def members_by_agency(*, agency_ids: Iterable[UUID],
                      roles: tuple[str, ...] | None = None) -> dict[UUID, set[int]]:
    """Active members' user ids (optionally of some roles) by agency, in one query."""
    members = Membership.objects.active().filter(agency_id__in=set(agency_ids))
    if roles:
        members = members.filter(role__in=roles)
    by_agency: dict[UUID, set[int]] = defaultdict(set)
    for agency_id, user_id in members.values_list("agency_id", "user_id"):
        by_agency[agency_id].add(user_id)
    return by_agency


def member_ids(*, agency_ids: Iterable[UUID], roles: tuple[str, ...] | None = None) -> set[int]:
    """Active members' user ids (optionally of some roles) of any of the agencies."""
    return set().union(*members_by_agency(agency_ids=agency_ids, roles=roles).values())


def membership_list_for_admin(*, actor: Actor | None) -> QuerySet[Membership]:
    """The acting agency's memberships, for its agency admins only."""
    if actor is None or actor.role != Role.AGENCY_ADMIN:
        return Membership.objects.none()
    return (Membership.objects.filter(agency_id=actor.agency_id)
            .select_related("user", "agency")
            .order_by(F("ended_at").desc(nulls_first=True), "user__last_name", "user__username"))


def membership_get_for_admin(*, actor: Actor | None, membership_id: str) -> Membership:
    try:
        return membership_list_for_admin(actor=actor).get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError) as exc:
        raise Http404("No such membership") from exc


def secondment_requests_to_decide(*, actor: Actor | None) -> QuerySet[SecondmentRequest]:
    """Requests from other agencies to second the acting agency's staff, waiting for one of its
    agency admins. (An agency never sees the requests it made: see secondment_request_create.)"""
    if actor is None or actor.role != Role.AGENCY_ADMIN:
        return SecondmentRequest.objects.none()
    return (SecondmentRequest.objects
            .filter(home_agency_id=actor.agency_id, status=SecondmentStatus.PENDING)
            .select_related("agency", "user", "requested_by").order_by("created_at", "pk"))


def secondment_request_get_to_decide(*, actor: Actor | None,
                                     secondment_id: UUID | str) -> SecondmentRequest:
    try:
        return secondment_requests_to_decide(actor=actor).get(pk=secondment_id)
    except (SecondmentRequest.DoesNotExist, ValueError) as exc:
        raise Http404("No such request") from exc
