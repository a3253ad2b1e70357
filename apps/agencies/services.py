"""Writes for agencies and memberships. Each is one transaction."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apps.agencies.actor import Actor
from apps.agencies.models import (
    Agency,
    Membership,
    Role,
    SecondmentRequest,
    SecondmentStatus,
)
from apps.agencies.selectors import member_ids
from apps.audit.services import access_record
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


def _membership_create(*, user: User, agency: Agency, role: str,
                       job_title: str = "") -> Membership:
    """Make the membership and its group membership (the caller checked who may)."""
    if role not in Role.values:
        raise ServiceError("Choose a role.", field="role")
    if Membership.objects.filter(user=user, agency=agency, ended_at__isnull=True).exists():
        raise ServiceError(f"{user.get_username()} is already a member of {agency}.",
                           field="username")
    membership = Membership.objects.create(
        user=user, agency=agency, role=role, job_title=job_title, started_at=timezone.now()
    )
    user.groups.add(agency.group)
    if role == Role.MANAGER:
        _resync_cases_for(agency=agency, user=user)
    return membership


def _record(*, actor: Actor | None, membership: Membership, action: str, basis: str = "") -> None:
    access_record(actor=actor, object_type="membership", object_id=membership.pk, action=action,
                  basis=basis)


def membership_add(*, actor: Actor | None, user: User, agency: Agency, role: str,
                   job_title: str = "") -> Membership:
    """Add ``user`` to ``agency``. ``actor`` None means a system action (demo data, admin)."""
    with transaction.atomic():
        if actor is not None:
            _require_admin_of(actor=actor, agency=agency)
        membership = _membership_create(user=user, agency=agency, role=role,
                                        job_title=job_title)
        _record(actor=actor, membership=membership, action="create", basis=f"role: {role}")
        return membership


def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _require_admin_of(actor=actor, agency=membership.agency)
        if membership.ended_at is not None:
            raise TransitionNotAllowed("This membership has ended.")
        if role not in Role.values:
            raise ServiceError("Choose a role.", field="role")
        if membership.role == Role.AGENCY_ADMIN and role != Role.AGENCY_ADMIN:
            _require_another_admin(membership=membership)
        was = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        if (was == Role.MANAGER) != (role == Role.MANAGER):
            _resync_cases_for(agency=membership.agency, user=membership.user)
        _record(actor=actor, membership=membership, action="change_role",
                basis=f"role: {was} to {role}")
        return membership


def _require_another_admin(*, membership: Membership) -> None:
    """An agency must keep at least one active agency admin."""
    others = Membership.objects.active().filter(
        agency_id=membership.agency_id, role=Role.AGENCY_ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise ServiceError("An agency needs at least one agency admin: add another first.",
                           field="role")


def membership_end(*, actor: Actor | None, membership: Membership) -> Membership:
    """End a membership: group access goes at once, and so do the user's signed-in sessions.
    Secondment requests this agency was asked to decide for the person lapse (cancelled)."""
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
        SecondmentRequest.objects.filter(
            user=membership.user, home_agency=membership.agency,
            status=SecondmentStatus.PENDING,
        ).update(status=SecondmentStatus.CANCELLED, decided_at=membership.ended_at,
                 updated_at=membership.ended_at)
        _record(actor=actor, membership=membership, action="end")
        return membership


def member_create(
    *, actor: Actor, username: str, first_name: str, last_name: str, email: str, role: str,
    job_title: str = "",
) -> tuple[Membership, str]:
    """Create a new user in the acting agency, with a one-time password (returned once).

    Someone who already has an account is added with ``secondment_request_create`` instead,
    which answers the same whether or not the username exists."""
    with transaction.atomic():
        _require_admin_of(actor=actor, agency=actor.agency)
        if User.objects.filter(username=username).exists():
            raise ServiceError("That username is already in use. Choose a different one. To add "
                               "someone who already has an account, use “Add someone who "
                               "already has an account”.", field="username")
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, first_name=first_name,
                                        last_name=last_name, email=email, password=password)
        membership = membership_add(actor=actor, user=user, agency=actor.agency, role=role,
                                    job_title=job_title)
        return membership, password


SECONDMENT_REQUESTED = ("If that person has a Wraparound account with another agency, that "
                        "agency's admin has been asked to agree. They will join your staff list "
                        "only if their agency agrees.")


def _home_membership(*, user: User, besides: Agency) -> Membership | None:
    """The person's home agency: their longest-standing active membership elsewhere."""
    return (Membership.objects.active().filter(user=user).exclude(agency=besides)
            .select_related("agency").order_by("started_at", "pk").first())


def secondment_request_create(*, actor: Actor, username: str, role: str,
                              job_title: str = "") -> None:
    """Ask to add someone who already has an account. Returns nothing, and answers alike
    (``SECONDMENT_REQUESTED``) whether the username is unknown, inactive, has no agency, or
    already has a request waiting: only a real request to a real home agency is written, and
    the requesting agency cannot see it. The one refusal, "already a member", is about the
    acting agency's own staff, whom its admin sees anyway."""
    from apps.notifications.services import notify

    with transaction.atomic():
        _require_admin_of(actor=actor, agency=actor.agency)
        if role not in Role.values:
            raise ServiceError("Choose a role.", field="role")
        agency = actor.agency
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            return
        if Membership.objects.filter(user=user, agency=agency, ended_at__isnull=True).exists():
            raise ServiceError(f"{user.get_username()} is already a member of {agency}.",
                               field="username")
        home = _home_membership(user=user, besides=agency)
        if home is None:
            return
        secondment, created = SecondmentRequest.objects.get_or_create(
            agency=agency, user=user, status=SecondmentStatus.PENDING,
            defaults={"home_agency": home.agency, "role": role, "job_title": job_title,
                      "requested_by": actor.user})
        if not created:
            return
        access_record(actor=actor, object_type="secondment_request", object_id=secondment.pk,
                      action="create", basis=f"role: {role}")
        notify(recipients=member_ids(agency_ids=[home.agency_id], roles=(Role.AGENCY_ADMIN,)),
               kind="secondment_requested", target_type="secondment_request",
               target_id=secondment.pk, agency_id=home.agency_id, url=SECONDMENTS_URL,
               title=f"{agency.name} has asked to add one of your staff as a secondee: "
                     "accept or refuse the request")
        notify(recipients=[user], kind="secondment_requested", target_type="secondment_request",
               target_id=secondment.pk, agency_id=home.agency_id, url="/profile/",
               title=f"{agency.name} has asked to add you as a secondee. An admin of your "
                     "agency will decide")


SECONDMENTS_URL = "/agency/secondments/"


def _lock_pending(*, actor: Actor, secondment: SecondmentRequest) -> SecondmentRequest:
    secondment = (SecondmentRequest.objects.select_for_update()
                  .select_related("agency", "home_agency", "user").get(pk=secondment.pk))
    if actor.agency_id != secondment.home_agency_id or actor.role != Role.AGENCY_ADMIN:
        raise NotPermitted("Only an agency admin of the person's agency can decide.")
    if secondment.status != SecondmentStatus.PENDING:
        raise TransitionNotAllowed("This request has already been decided.")
    if secondment.user_id == actor.user.pk:
        raise NotPermitted("A request about you is decided by another admin of your agency.")
    return secondment


def _decided(*, actor: Actor, secondment: SecondmentRequest, status: str) -> None:
    secondment.status = status
    secondment.decided_by = actor.user
    secondment.decided_at = timezone.now()
    secondment.save(update_fields=["status", "decided_by", "decided_at", "membership",
                                   "updated_at"])
    access_record(actor=actor, object_type="secondment_request", object_id=secondment.pk,
                  action={SecondmentStatus.ACCEPTED: "accept", SecondmentStatus.REFUSED: "refuse",
                          SecondmentStatus.CANCELLED: "cancel"}[status])


def secondment_request_accept(*, actor: Actor, secondment: SecondmentRequest) -> SecondmentRequest:
    """The home agency's admin agrees: the membership (and its group) is made now. A request
    that no longer applies (the person left, or is already a member there) is cancelled."""
    from apps.notifications.services import notify

    with transaction.atomic():
        secondment = _lock_pending(actor=actor, secondment=secondment)
        user, agency = secondment.user, secondment.agency
        still_home = Membership.objects.active().filter(
            user=user, agency_id=secondment.home_agency_id).exists()
        already = Membership.objects.filter(user=user, agency=agency,
                                            ended_at__isnull=True).exists()
        if not (still_home and agency.active and user.is_active) or already:
            _decided(actor=actor, secondment=secondment, status=SecondmentStatus.CANCELLED)
            return secondment
        membership = _membership_create(user=user, agency=agency, role=secondment.role,
                                        job_title=secondment.job_title)
        secondment.membership = membership
        _decided(actor=actor, secondment=secondment, status=SecondmentStatus.ACCEPTED)
        _record(actor=actor, membership=membership, action="create",
                basis=f"role: {secondment.role}; secondment agreed by {actor.agency.name}")
        notify(recipients=[user], kind="secondment_accepted", target_type="membership",
               target_id=membership.pk, agency_id=agency.pk, url="/switch-agency/",
               title=f"You have been added to {agency.name} as a secondee")
        notify(recipients=[secondment.requested_by_id], kind="secondment_accepted",
               target_type="membership", target_id=membership.pk, agency_id=agency.pk,
               url="/agency/staff/",
               title="A secondment request was accepted: the new member is on your staff list")
        return secondment


def secondment_request_refuse(*, actor: Actor, secondment: SecondmentRequest) -> SecondmentRequest:
    """The home agency's admin says no: nothing is made. The person is told; the requesting
    agency is not (it cannot tell a refusal from a username that does not exist)."""
    from apps.notifications.services import notify

    with transaction.atomic():
        secondment = _lock_pending(actor=actor, secondment=secondment)
        _decided(actor=actor, secondment=secondment, status=SecondmentStatus.REFUSED)
        notify(recipients=[secondment.user_id], kind="secondment_refused",
               target_type="secondment_request", target_id=secondment.pk,
               agency_id=secondment.home_agency_id, url="/profile/",
               title=f"Your agency refused the request from {secondment.agency.name} to add "
                     "you as a secondee")
        return secondment
