"""Reads for teams: an agency's teams, their members, and who hears about a service's work."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.agencies.actor import Actor
from apps.agencies.models import Membership, Role, Service, Team

# Who is told of a service's referrals when the service names no handling team: the
# receiving agency's managers and admins, never every member (issue 13).
FALLBACK_ROLES = (Role.MANAGER, Role.AGENCY_ADMIN)


def team_list(*, actor: Actor | None) -> QuerySet[Team]:
    """The acting agency's teams with their active member counts (any member may read them)."""
    if actor is None:
        return Team.objects.none()
    return (Team.objects.filter(agency_id=actor.agency_id)
            .annotate(member_count=Count(
                "memberships", filter=Q(memberships__ended_at__isnull=True,
                                        memberships__user__is_active=True)))
            .order_by("name", "id"))


def team_list_detailed(*, actor: Actor | None) -> QuerySet[Team]:
    """``team_list`` with each team's active members (``active_members``) and the services
    it handles (``handled_services``), two prefetch queries for a page of teams."""
    return team_list(actor=actor).prefetch_related(
        Prefetch("memberships", to_attr="active_members",
                 queryset=Membership.objects.active().select_related("user")
                 .order_by("user__last_name", "user__username", "pk")),
        Prefetch("services", to_attr="handled_services",
                 queryset=Service.objects.order_by("name")))


def team_get(*, actor: Actor | None, team_id: UUID | str) -> Team:
    try:
        return team_list(actor=actor).get(pk=team_id)
    except (Team.DoesNotExist, ValueError) as exc:
        raise Http404("No such team") from exc


def team_members(*, team: Team) -> QuerySet[Membership]:
    """The team's active memberships, by name."""
    return (Membership.objects.active().filter(team=team).select_related("user")
            .order_by("user__last_name", "user__username", "pk"))


def team_candidates(*, team: Team) -> QuerySet[Membership]:
    """Active members of the team's agency who are not in it (to add to it)."""
    return (Membership.objects.active().filter(agency_id=team.agency_id)
            .exclude(team=team).select_related("user")
            .order_by("user__last_name", "user__username", "pk"))


def team_member_ids(*, team_id: UUID | None) -> set[int]:
    """The user ids of the team's active members (one query)."""
    if team_id is None:
        return set()
    return set(Membership.objects.active().filter(team_id=team_id)
               .values_list("user_id", flat=True))


def service_recipient_ids(*, agency_id: UUID, team_id: UUID | None) -> set[int]:
    """Who is told about work for a service: its handling team's members, or (no team, or an
    empty one) the agency's managers and admins. Tens of rows, never the whole agency."""
    members = team_member_ids(team_id=team_id)
    if members:
        return members
    return set(Membership.objects.active().filter(agency_id=agency_id, role__in=FALLBACK_ROLES)
               .values_list("user_id", flat=True))


def service_recipients_by_queue(*, queues: set[tuple[UUID, UUID | None]]
                                ) -> dict[tuple[UUID, UUID | None], set[int]]:
    """``service_recipient_ids`` for many (agency, team) queues at once, in two queries."""
    team_ids = {team_id for _, team_id in queues if team_id is not None}
    by_team: dict[UUID, set[int]] = {}
    for team_id, user_id in (Membership.objects.active().filter(team_id__in=team_ids)
                             .values_list("team_id", "user_id")):
        by_team.setdefault(team_id, set()).add(user_id)
    fallback_agencies = {agency_id for agency_id, team_id in queues if not by_team.get(team_id)}
    by_agency: dict[UUID, set[int]] = {}
    for agency_id, user_id in (Membership.objects.active()
                               .filter(agency_id__in=fallback_agencies,
                                       role__in=FALLBACK_ROLES)
                               .values_list("agency_id", "user_id")):
        by_agency.setdefault(agency_id, set()).add(user_id)
    return {(agency_id, team_id): by_team.get(team_id) or by_agency.get(agency_id, set())
            for agency_id, team_id in queues}
