"""Writes for agencies and memberships. Each is one transaction."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import Agency, Membership, Role
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed

User = get_user_model()


def agency_create(*, name: str, kind: str, sector: str, charity_number: str = "",
                  company_number: str = "", ods_code: str = "",
                  works_with_person_causing_harm: bool = False) -> Agency:
    with transaction.atomic():
        group = Group.objects.create(name=f"agency:{name}"[:150])
        return Agency.objects.create(
            name=name, kind=kind, sector=sector, group=group, charity_number=charity_number,
            company_number=company_number, ods_code=ods_code,
            works_with_person_causing_harm=works_with_person_causing_harm,
        )


def _require_admin_of(*, actor: Actor, agency: Agency) -> None:
    if actor.agency_id != agency.pk or actor.role != Role.AGENCY_ADMIN:
        raise NotPermitted("Only an agency admin of this agency can manage its staff.")


def _resync_cases_for(*, agency: Agency, user: object) -> None:
    """Restricted cases grant named people: re-derive those touched by this person's change."""
    from apps.cases.models import Case
    from apps.cases.permissions import case_permissions_sync

    cases = Case.objects.filter(
        restricted=True, involvements__agency=agency, involvements__ended_at__isnull=True
    ).distinct()
    for case in cases:
        case_permissions_sync(case=case)


def membership_add(*, actor: Actor | None, user: User, agency: Agency, role: str,
                   job_title: str = "") -> Membership:
    """Add ``user`` to ``agency``. ``actor`` None means a system action (demo data, admin)."""
    with transaction.atomic():
        if actor is not None:
            _require_admin_of(actor=actor, agency=agency)
        if Membership.objects.filter(user=user, agency=agency, ended_at__isnull=True).exists():
            raise ServiceError(f"{user.get_username()} is already a member of {agency}.",
                               field="user")
        membership = Membership.objects.create(
            user=user, agency=agency, role=role, job_title=job_title, started_at=timezone.now()
        )
        user.groups.add(agency.group)
        if role == Role.MANAGER:
            _resync_cases_for(agency=agency, user=user)
        return membership


def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_admin_of(actor=actor, agency=membership.agency)
        if membership.ended_at is not None:
            raise TransitionNotAllowed("This membership has ended.")
        if membership.role == Role.AGENCY_ADMIN and role != Role.AGENCY_ADMIN:
            _require_another_admin(membership=membership)
        was_manager = membership.role == Role.MANAGER
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        if was_manager != (role == Role.MANAGER):
            _resync_cases_for(agency=membership.agency, user=membership.user)
        return membership


def _require_another_admin(*, membership: Membership) -> None:
    """An agency must keep at least one active agency admin."""
    others = Membership.objects.active().filter(
        agency_id=membership.agency_id, role=Role.AGENCY_ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise ServiceError("An agency needs at least one agency admin: add another first.",
                           field="role")


def membership_end(*, actor: Actor | None, membership: Membership) -> Membership:
    """End a membership: group access goes at once, and so do the user's signed-in sessions."""
    from apps.accounts.services import user_sessions_end
    from apps.cases.models import Involvement

    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related(
            "agency", "user").get(pk=membership.pk)
        if actor is not None:
            _require_admin_of(actor=actor, agency=membership.agency)
            if membership.user_id == actor.user.pk:
                raise ServiceError("You cannot end your own membership.")
        if membership.ended_at is not None:
            raise TransitionNotAllowed("This membership has already ended.")
        membership.ended_at = timezone.now()
        membership.ended_by = actor.user if actor else None
        membership.save(update_fields=["ended_at", "ended_by", "updated_at"])
        membership.user.groups.remove(membership.agency.group)
        Involvement.objects.filter(
            agency=membership.agency, key_worker=membership.user, ended_at__isnull=True
        ).update(key_worker=None)
        _resync_cases_for(agency=membership.agency, user=membership.user)
        user_sessions_end(user=membership.user)
        return membership


def member_create_or_add(
    *, actor: Actor, username: str, first_name: str, last_name: str, email: str, role: str,
    job_title: str = "",
) -> tuple[Membership, str | None]:
    """Add an existing user, or create a new one with a one-time password (returned once)."""
    with transaction.atomic():
        _require_admin_of(actor=actor, agency=actor.agency)
        user = User.objects.filter(username=username).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, first_name=first_name,
                                            last_name=last_name, email=email, password=password)
        membership = membership_add(actor=actor, user=user, agency=actor.agency, role=role,
                                    job_title=job_title)
        return membership, password
