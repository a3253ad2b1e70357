"""The acting identity of a request: one user acting for one of their agencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.agencies.models import Membership, Role
from apps.core.exceptions import NotPermitted

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

    @property
    def read_only(self) -> bool:
        """Auditors read records; they never change anything."""
        return self.role == Role.AUDITOR


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


def actor_require_writer(*, actor: Actor | None) -> None:
    """Refuse any change by an auditor: auditors are read-only everywhere.

    Called first in every write service that takes an actor, so the UI, the API and any
    other channel inherit the rule. ``None`` (system work: demo loading, sweeps) passes."""
    if actor is not None and actor.read_only:
        raise NotPermitted("Auditors can read records but cannot change them.")
