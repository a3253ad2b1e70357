"""Writes for teams: an agency admin creates teams, puts members in them and names the team
that handles each service. Each is one transaction with an audit row."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from apps.agencies.actor import Actor, actor_require_writer
from apps.agencies.models import Membership, Role, Service, Team
from apps.audit.services import access_record
from apps.core.exceptions import NotPermitted, ServiceError, TransitionNotAllowed

NAME_MAX_LENGTH = 200  # Team.name


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.AGENCY_ADMIN:
        raise NotPermitted("Only your agency's admins can manage its teams.")


def team_create(*, actor: Actor, name: str) -> Team:
    actor_require_writer(actor=actor)
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError("Enter the team's name.", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(f"Enter a name of {NAME_MAX_LENGTH} characters or fewer.", field="name")
    try:
        with transaction.atomic():
            team = Team.objects.create(agency_id=actor.agency_id, name=name)
            access_record(actor=actor, object_type="team", object_id=team.pk, action="create")
    except IntegrityError as exc:
        raise ServiceError("Your agency already has a team with that name.",
                           field="name") from exc
    return team


def team_member_set(*, actor: Actor, membership: Membership, team: Team | None) -> Membership:
    """Put a member of the acting agency in ``team`` (None: take them out of their team)."""
    actor_require_writer(actor=actor)
    _require_admin(actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.agency_id != actor.agency_id or (
                team is not None and team.agency_id != actor.agency_id):
            raise NotPermitted("You can only manage your own agency's teams.")
        if membership.ended_at is not None:
            raise TransitionNotAllowed("This membership has ended.")
        was = membership.team_id
        membership.team = team
        membership.save(update_fields=["team", "updated_at"])
        access_record(actor=actor, object_type="membership", object_id=membership.pk,
                      action="change_team", basis=f"team: {was or '-'} to "
                                                  f"{team.pk if team else '-'}")
        return membership


def service_set_team(*, actor: Actor, service: Service, team: Team | None) -> Service:
    """Name the team that handles the service's referrals (None: the agency's managers)."""
    actor_require_writer(actor=actor)
    _require_admin(actor)
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        if service.agency_id != actor.agency_id or (
                team is not None and team.agency_id != actor.agency_id):
            raise NotPermitted("You can only change your own agency's services.")
        service.handling_team = team
        service.save(update_fields=["handling_team", "updated_at"])
        access_record(actor=actor, object_type="service", object_id=service.pk,
                      action="set_team", basis=f"team: {team.pk if team else '-'}")
        return service
