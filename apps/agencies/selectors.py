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


def memberships_of(*, agencies: Iterable[Agency | UUID]) -> QuerySet[Membership]:
    """The active memberships of these agencies (to choose an owner or a key worker from)."""
    return (Membership.objects.active().filter(agency__in=list(agencies))
            .select_related("user", "agency").order_by("agency__name", "user__last_name"))


def member_users(*, agency_id: UUID) -> QuerySet:
    """The users with an active membership of the agency, by name."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=Membership.objects.active().filter(
        agency_id=agency_id).values("user_id")).order_by("last_name", "username")


def is_active_member(*, user_id: int, agency_id: UUID) -> bool:
    """Whether the user holds an active membership of the agency: who may be given its work
    (key worker, action owner, assignee, hand-over)."""
    return Membership.objects.active().filter(user_id=user_id, agency_id=agency_id).exists()


def member_choices(*, agency_id: UUID) -> list[tuple[int, str]]:
    """``member_users`` as (user id, name) pairs for a long list of choices: one query that
    reads four columns, no model built per member."""
    rows = member_users(agency_id=agency_id).values_list(
        "pk", "first_name", "last_name", "username")
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def user_by_id(*, user_id: int | None):
    """A user by id (None when there is no such user): only names reach the caller."""
    from django.contrib.auth import get_user_model

    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def agencies_by_ids(*, agency_ids: Iterable[UUID], active_only: bool = False
                    ) -> list[Agency]:
    """The agencies with these ids (directory data only)."""
    agencies = Agency.objects.filter(pk__in=set(agency_ids))
    if active_only:
        agencies = agencies.filter(active=True)
    return list(agencies)


def member_open_work(*, membership: Membership) -> int:
    """How many open cases (as key worker), actions and referrals the member holds in the
    agency, read at most 100 of each: ending the membership prompts a hand-over first
    (apps/work). Models are read by name: the agencies app sits below the case apps."""
    from django.apps import apps

    involvement = apps.get_model("cases", "Involvement")
    action = apps.get_model("action_plans", "Action")
    referral = apps.get_model("referrals", "Referral")
    kinds = [
        involvement.objects.filter(agency_id=membership.agency_id,
                                   key_worker_id=membership.user_id, ended_at__isnull=True),
        action.objects.filter(owner_agency_id=membership.agency_id,
                              owner_user_id=membership.user_id, status="open"),
        referral.objects.filter(to_agency_id=membership.agency_id,
                                assigned_to_id=membership.user_id,
                                status__in=("submitted", "info_requested")),
    ]
    return sum(len(rows.order_by().values_list("pk", flat=True)[:100]) for rows in kinds)
