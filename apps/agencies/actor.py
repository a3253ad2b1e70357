"""The acting identity of a request: one user acting for one of their agencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.agencies.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.agencies.models import Agency


@dataclass(frozen=True)
class Actor:
    user: User
    membership: Membership
    channel: str = "ui"

    @property
    def agency(self) -> Agency:
        return self.membership.agency

    @property
    def agency_id(self):
        return self.membership.agency_id

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_agency_admin(self) -> bool:
        return self.role == Role.AGENCY_ADMIN


def active_memberships(*, user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.active().filter(user=user).select_related("agency"))


def actor_for(*, user: User, membership_id: str | None, channel: str = "ui") -> Actor | None:
    """The user's actor for the chosen membership, or their first active one."""
    memberships = active_memberships(user=user)
    if not memberships:
        return None
    chosen = next((m for m in memberships if str(m.id) == str(membership_id)), memberships[0])
    return Actor(user=user, membership=chosen, channel=channel)
