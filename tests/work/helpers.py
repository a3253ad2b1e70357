"""Builders for the work tray: a partner agency with an IDVA team handling its service."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.action_plans.services import action_add
from apps.agencies.models import Role
from apps.agencies.team_services import service_set_team, team_create, team_member_set
from apps.cases.models import Case, Involvement
from tests.factories import actor_of, make_member
from tests.referrals.helpers import make_service


def idva_team(world):
    """The partner's IDVA team (its practitioner in it) handling the partner's IDVA service."""
    admin = make_member(agency=world.partner, role=Role.AGENCY_ADMIN)
    team = team_create(actor=actor_of(admin), name="IDVA team")
    team_member_set(actor=actor_of(admin), membership=world.partner_practitioner, team=team)
    service = make_service(agency=world.partner)
    service_set_team(actor=actor_of(admin), service=service, team=team)
    return team, service, admin


def action_for(world, case, *, days: int, owner=None):
    owner = owner or world.partner_practitioner
    return action_add(actor=actor_of(world.lead_practitioner), case=case,
                      description="Safety plan review with the person.",
                      owner_agency=owner.agency, owner_user=owner.user,
                      due_date=timezone.localdate() + datetime.timedelta(days=days))


def make_quiet(case, *, agency, user, days: int = 20) -> None:
    Involvement.objects.filter(case=case, agency=agency, ended_at__isnull=True).update(
        key_worker=user)
    Case.objects.filter(pk=case.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=days))
